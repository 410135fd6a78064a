import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ipv4Address, Ipv6Address } from '../addr/index.js';
import { PathMtuCache, type PathMtuCacheOptions } from './path-mtu-cache.js';

const v6 = (t: string) => Ipv6Address.parse(t).bytes as Uint8Array;
const v4 = (t: string) => {
  const b = new Uint8Array(4);
  Ipv4Address.parse(t).copyTo(b, 0);
  return b;
};

function cache6(maxEntries: number, timeoutMs: number, now: () => number): PathMtuCache {
  return new PathMtuCache({ addressLength: 16, maxEntries, timeoutMs, minMtu: 1280, now });
}

function cache4(options: Partial<PathMtuCacheOptions> & { now: () => number }): PathMtuCache {
  return new PathMtuCache({ addressLength: 4, maxEntries: 16, timeoutMs: 600_000, minMtu: 552, ...options });
}

describe('PathMtuCache, 16-byte keys (IPv6)', () => {
  it('answers 0 for unknown destinations and the learnt MTU for known ones', () => {
    let now = 0;
    const c = cache6(16, 1000, () => now);
    expect(c.get(v6('2001:db8::1'), 0)).toBe(0);
    expect(c.update(v6('2001:db8::1'), 0, 1400, 1500)).toBe(true);
    expect(c.get(v6('2001:db8::1'), 0)).toBe(1400);
    expect(c.get(v6('2001:db8::2'), 0)).toBe(0);
    now = 1000;
    expect(c.get(v6('2001:db8::1'), 0)).toBe(0);
    expect(c.size).toBe(0);
  });

  it('reads addresses at any offset', () => {
    const c = cache6(16, 1000, () => 0);
    const packet = new Uint8Array(40);
    packet.set(v6('2001:db8::9'), 24);
    c.update(packet, 24, 1300, 1500);
    expect(c.get(v6('2001:db8::9'), 0)).toBe(1300);
  });

  it('never goes below its minimum and ignores reports that do not lower the estimate', () => {
    const c = cache6(16, 1000, () => 0);
    expect(c.update(v6('2001:db8::1'), 0, 600, 1500)).toBe(true);
    expect(c.get(v6('2001:db8::1'), 0)).toBe(1280);
    expect(c.update(v6('2001:db8::1'), 0, 1300, 1500)).toBe(false);
    expect(c.update(v6('2001:db8::1'), 0, 1000, 1500)).toBe(false);
    expect(c.get(v6('2001:db8::1'), 0)).toBe(1280);
  });

  it('stays within its capacity however many destinations report (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 16, maxLength: 16 }), { maxLength: 300 }), (dsts) => {
        const c = cache6(32, 1000, () => 0);
        for (const d of dsts) c.update(d, 0, 1300, 1500);
        expect(c.size).toBeLessThanOrEqual(32);
        expect(c.list().length).toBe(c.size);
        if (dsts.length > 0) expect(c.get(dsts[dsts.length - 1], 0)).toBe(1300); // the newest is kept
      }),
    );
  });

  it('lists live entries in address order with RFC 5952 text', () => {
    let now = 0;
    const c = cache6(16, 1000, () => now);
    c.update(v6('2001:db8::10'), 0, 1400, 1500);
    now = 10;
    c.update(v6('2001:db8::9'), 0, 1300, 1500);
    expect(c.list()).toEqual([
      { destination: '2001:db8::9', mtu: 1300, expiresIn: 1000 },
      { destination: '2001:db8::10', mtu: 1400, expiresIn: 990 },
    ]);
    c.clear();
    expect(c.list()).toEqual([]);
    expect(c.size).toBe(0);
  });
});

describe('PathMtuCache, 4-byte keys (IPv4)', () => {
  it('keeps one entry per destination, raised to the floor, aged out after the timeout', () => {
    let now = 0;
    const c = cache4({ now: () => now });
    expect(c.update(v4('198.51.100.1'), 0, 1400, 1500)).toBe(true);
    expect(c.update(v4('198.51.100.2'), 0, 300, 1500)).toBe(true);
    expect(c.get(v4('198.51.100.1'), 0)).toBe(1400);
    expect(c.get(v4('198.51.100.2'), 0)).toBe(552);
    expect(c.get(v4('198.51.100.3'), 0)).toBe(0);
    expect(c.list()).toEqual([
      { destination: '198.51.100.1', mtu: 1400, expiresIn: 600_000 },
      { destination: '198.51.100.2', mtu: 552, expiresIn: 600_000 },
    ]);
    now = 599_999;
    expect(c.get(v4('198.51.100.1'), 0)).toBe(1400);
    now = 600_000;
    expect(c.get(v4('198.51.100.1'), 0)).toBe(0);
    expect(c.size).toBe(1);
  });

  it('compares a report with the lower of the route MTU and the cached estimate', () => {
    const c = cache4({ now: () => 0, minMtu: 68 });
    expect(c.update(v4('10.0.0.1'), 0, 1000, 1500)).toBe(true);
    expect(c.update(v4('10.0.0.1'), 0, 1200, 1500)).toBe(false); // above the cached 1000
    expect(c.update(v4('10.0.0.1'), 0, 900, 800)).toBe(false); // above a route MTU lowered since
    expect(c.update(v4('10.0.0.1'), 0, 68, 1500)).toBe(true);
    expect(c.get(v4('10.0.0.1'), 0)).toBe(68);
  });

  it('sorts addresses above 128.0.0.0 after smaller ones', () => {
    const c = cache4({ now: () => 0 });
    c.update(v4('203.0.113.1'), 0, 1400, 1500);
    c.update(v4('10.0.0.1'), 0, 1400, 1500);
    expect(c.list().map((e) => e.destination)).toEqual(['10.0.0.1', '203.0.113.1']);
  });

  it('stays within its capacity under a flood of distinct destinations (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 1, maxLength: 500 }), (values) => {
        const c = cache4({ now: () => 0, maxEntries: 16 });
        const b = new Uint8Array(4);
        for (const v of values) {
          new Ipv4Address(v).copyTo(b, 0);
          c.update(b, 0, 1300, 1500);
        }
        expect(c.size).toBeLessThanOrEqual(16);
        expect(c.list().length).toBe(c.size);
        expect(c.get(b, 0)).toBe(1300);
      }),
    );
  });

  it('rejects bad parameters', () => {
    const now = () => 0;
    expect(() => new PathMtuCache({ addressLength: 8 as 4, maxEntries: 1, timeoutMs: 1, minMtu: 68, now })).toThrow(/addressLength/);
    expect(() => new PathMtuCache({ addressLength: 4, maxEntries: 0, timeoutMs: 1, minMtu: 68, now })).toThrow(/maxEntries/);
    expect(() => new PathMtuCache({ addressLength: 4, maxEntries: 1, timeoutMs: 0, minMtu: 68, now })).toThrow(/timeoutMs/);
    expect(() => new PathMtuCache({ addressLength: 4, maxEntries: 1, timeoutMs: 1, minMtu: -1, now })).toThrow(/minMtu/);
  });
});
