import { describe, expect, it } from 'vitest';
import { NdOptionError, resolveNdOptions } from '../../src/nd/index.js';

describe('NdOptions', () => {
  it('applies the RFC defaults', () => {
    const c = resolveNdOptions();
    expect(c).toMatchObject({
      acceptRa: true, slaac: true, linkLocal: true, interfaceIdentifier: 'stable', dadTransmits: 1, retransTimerMs: 1000, reachableTimeMs: 30_000,
      delayFirstProbeMs: 5000, maxMulticastSolicit: 3, maxUnicastSolicit: 3, maxRtrSolicitations: 3, rtrSolicitationIntervalMs: 4000,
      maxRtrSolicitationDelayMs: 1000, mldRobustness: 2, mldUnsolicitedReportIntervalMs: 1000,
    });
    expect(c.secret).toHaveLength(32);
    expect(resolveNdOptions().secret).not.toEqual(c.secret);
    expect(resolveNdOptions(c)).toMatchObject({ ...c, secret: c.secret });
  });

  it('names the bad field', () => {
    const field = (o: object) => {
      try {
        resolveNdOptions(o);
      } catch (e) {
        expect(e).toBeInstanceOf(NdOptionError);
        return (e as NdOptionError).field;
      }
      return null;
    };
    expect(field({ dadTransmits: -1 })).toBe('dadTransmits');
    expect(field({ maxQueued: 1.5 })).toBe('maxQueued');
    expect(field({ acceptRa: 'yes' })).toBe('acceptRa');
    expect(field({ interfaceIdentifier: 'mac' })).toBe('interfaceIdentifier');
    expect(field({ secret: 'short' })).toBe('secret');
    expect(field({ secret: new Uint8Array(8) })).toBe('secret');
    expect(field({ random: 5 })).toBe('random');
    expect(field({ retransTimerMs: 0 })).toBe('retransTimerMs');
    expect(() => resolveNdOptions({ mldRobustness: 11 })).toThrow(/mldRobustness must be an integer in 1\.\.10, got 11/);
  });
});
