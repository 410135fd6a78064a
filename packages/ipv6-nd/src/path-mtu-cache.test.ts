import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ipv6Address } from '@stack/core';
import { PathMtuCache } from './path-mtu-cache.js';

const bytes = (t: string) => Ipv6Address.parse(t).bytes as Uint8Array;

describe('PathMtuCache', () => {
  it('answers 0 for unknown destinations and the learnt MTU for known ones', () => {
    let now = 0;
    const c = new PathMtuCache(16, 1000, () => now);
    expect(c.get(bytes('2001:db8::1'), 0)).toBe(0);
    expect(c.update(bytes('2001:db8::1'), 0, 1400, 1500)).toBe(true);
    expect(c.get(bytes('2001:db8::1'), 0)).toBe(1400);
    expect(c.get(bytes('2001:db8::2'), 0)).toBe(0);
    now = 1000;
    expect(c.get(bytes('2001:db8::1'), 0)).toBe(0);
    expect(c.size).toBe(0);
  });

  it('reads addresses at any offset', () => {
    const c = new PathMtuCache(16, 1000, () => 0);
    const packet = new Uint8Array(40);
    packet.set(bytes('2001:db8::9'), 24);
    c.update(packet, 24, 1300, 1500);
    expect(c.get(bytes('2001:db8::9'), 0)).toBe(1300);
  });

  it('stays within its capacity however many destinations report (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 16, maxLength: 16 }), { maxLength: 300 }), (dsts) => {
        const c = new PathMtuCache(32, 1000, () => 0);
        for (const d of dsts) c.update(d, 0, 1300, 1500);
        expect(c.size).toBeLessThanOrEqual(32);
        expect(c.list().length).toBe(c.size);
        if (dsts.length > 0) expect(c.get(dsts[dsts.length - 1], 0)).toBe(1300); // the newest is kept
      }),
    );
  });
});
