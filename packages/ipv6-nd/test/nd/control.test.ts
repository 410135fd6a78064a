// The `ndp`-style control service (NdControlService).
import { AddressFlags } from '@stack/core';
import { describe, expect, it } from 'vitest';
import { NdControlService, NdMessageType } from '../../src/nd/index.js';
import { harness, na, pio, ra, slla } from './helpers.js';

function host() {
  const h = harness({ dadMaxDelayMs: 0, maxRtrSolicitationDelayMs: 0 });
  const em0 = h.addInterface();
  h.clock.advance(20_000);
  return { h, em0, control: h.stack.services.get(NdControlService) };
}

describe('NdControlService', () => {
  it('flushes the router and prefix lists together with the routes they installed', () => {
    const { h, em0, control } = host();
    h.receive(em0, ra({ options: [slla('02:00:00:00:00:01'), pio('2001:db8:1::', 64, 3600, 1800, { autonomous: false })] }), { src: 'fe80::1', dst: 'ff02::1' });
    expect(h.routes.list(0, 'ipv6').filter((r) => r.source === 'nd')).toHaveLength(2);
    control.flushRouters();
    expect(control.routers()).toEqual([]);
    expect(h.routes.list(0, 'ipv6').filter((r) => r.source === 'nd').map((r) => r.prefixLength)).toEqual([64]);
    control.flushPrefixes(em0.index);
    expect(control.prefixes()).toEqual([]);
    expect(h.routes.list(0, 'ipv6').filter((r) => r.source === 'nd')).toEqual([]);
  });

  it('solicits routers again on demand and reruns DAD for a duplicated address', () => {
    const { h, em0, control } = host();
    const before = h.ofType(NdMessageType.ROUTER_SOLICITATION).length;
    control.solicitRouters(em0.index);
    h.clock.advance(0);
    expect(h.ofType(NdMessageType.ROUTER_SOLICITATION).length).toBe(before + 1);
    const addr = em0.addAddress({ address: '2001:db8::5/64' });
    h.receive(em0, na('2001:db8::5', { override: true }, '02:00:00:00:00:66'), { src: '2001:db8::5', dst: 'ff02::1' });
    expect(addr.flags & AddressFlags.DUPLICATED).toBe(AddressFlags.DUPLICATED);
    control.redoDad(em0.index, '2001:db8::5');
    expect(addr.flags & (AddressFlags.DUPLICATED | AddressFlags.TENTATIVE)).toBe(AddressFlags.TENTATIVE);
    h.clock.advance(2000);
    expect(addr.isActive(em0)).toBe(true);
    expect(() => control.redoDad(em0.index, '2001:db8::77')).toThrow(/^address:/);
    expect(() => control.solicitRouters(1)).toThrow(/^ifindex:/); // the loopback runs no ND
  });

  it('lists per-interface parameters', () => {
    const { control, em0 } = host();
    expect(control.interfaces()).toMatchObject([{ ifindex: em0.index, name: 'em0', curHopLimit: 0, linkMtu: 0, retransTimer: 1000, dadTransmits: 1, acceptRa: true, slaac: true, mldv1Compatibility: false }]);
  });
});
