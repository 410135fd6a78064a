import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arpFrame, mac, rawHost } from './helpers.js';

describe('hostile ARP input', () => {
  it('refuses each malformed or suspicious packet with its own counter, without answering or learning', () => {
    const { stack, driver, arp } = rawHost();
    const cases: [string, Uint8Array][] = [
      ['truncated', arpFrame().subarray(0, 14 + 20)],
      ['truncated', arpFrame().subarray(0, 14 + 7)],
      ['bad-address-length', arpFrame({ hln: 0 })],
      ['bad-hardware-type', arpFrame({ hrd: 6 })],
      ['bad-hardware-length', arpFrame({ sha: [2, 0, 0, 0, 0, 0, 0, 0xb], tha: [0, 0, 0, 0, 0, 0, 0, 0] })],
      ['not-ipv4', arpFrame({ pro: 0x86dd })],
      ['not-ipv4', arpFrame({ spa: [192, 0, 2, 2, 0, 0], tpa: [192, 0, 2, 1, 0, 0] })],
      ['bad-operation', arpFrame({ op: 3 })],
      ['bad-sender', arpFrame({ sha: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff] })],
      ['bad-sender', arpFrame({ sha: [1, 0, 0x5e, 0, 0, 1] })],
      ['bad-sender', arpFrame({ sha: [0, 0, 0, 0, 0, 0] })],
      ['bad-sender-ip', arpFrame({ spa: [224, 0, 0, 1] })],
      ['bad-sender-ip', arpFrame({ spa: [255, 255, 255, 255] })],
      ['bad-sender-ip', arpFrame({ spa: [192, 0, 2, 255] })],
      ['bad-sender-ip', arpFrame({ spa: [127, 0, 0, 1] })],
      ['own', arpFrame({ sha: [2, 0, 0, 0, 0, 0x0a] })],
    ];
    for (const [counter, frame] of cases) {
      const before = stack.counters.get(`arp.in.${counter}`);
      driver.inject(frame);
      expect(stack.counters.get(`arp.in.${counter}`), counter).toBe(before + 1);
    }
    expect(driver.sent).toHaveLength(0);
    expect(arp.list()).toEqual([]);
    expect(stack.pool.stats.inUse).toBe(0);
  });

  it('answers a valid request after all that, ignoring Ethernet padding', () => {
    const { driver, arp } = rawHost();
    const padded = new Uint8Array(60);
    padded.set(arpFrame());
    driver.inject(padded);
    expect(driver.sent).toHaveLength(1);
    expect(arp.list()).toMatchObject([{ address: '192.0.2.2', linkAddress: '02:00:00:00:00:0b' }]);
  });

  it('never throws, never leaks a buffer and keeps the cache bounded, whatever arrives', () => {
    const { stack, driver, arp } = rawHost({ maxEntries: 8 });
    const byte = fc.integer({ min: 0, max: 255 });
    const fields = fc.record(
      {
        hrd: fc.constantFrom(1, 6, 0xffff),
        pro: fc.constantFrom(0x0800, 0x86dd, 0),
        hln: fc.constantFrom(6, 0, 4, 255),
        pln: fc.constantFrom(4, 0, 16, 255),
        op: fc.constantFrom(1, 2, 0, 3),
        sha: fc.array(byte, { minLength: 6, maxLength: 6 }),
        spa: fc.tuple(fc.constantFrom(192, 10, 224, 0, 255), fc.constant(0), fc.constant(2), byte).map((t) => [...t]),
        tha: fc.array(byte, { minLength: 6, maxLength: 6 }),
        tpa: fc.constantFrom([192, 0, 2, 1], [192, 0, 2, 9], [0, 0, 0, 0]),
      },
      { requiredKeys: [] },
    );
    const frame = fc.tuple(fields, fc.integer({ min: 0, max: 60 })).map(([f, cut]) => {
      const full = arpFrame(f);
      return cut === 0 ? full : full.subarray(0, Math.max(14, full.length - cut));
    });
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 10 }), (frames) => {
        driver.sent.length = 0;
        expect(() => driver.inject(...frames)).not.toThrow();
        expect(stack.counters.get('stack.input-errors')).toBe(0);
        expect(stack.pool.stats.inUse).toBe(0);
        expect(arp.list().length).toBeLessThanOrEqual(8);
      }),
      { numRuns: 400 },
    );
    // Replies only ever go to the unicast sender of a request, from us.
    expect(driver.sent.every((f) => (f[0] & 1) === 0 && f[6] === 2 && f[11] === 0x0a)).toBe(true);
  });

  it('a flood of requests from many senders stays within maxEntries', () => {
    const { stack, driver, arp } = rawHost({ maxEntries: 16 });
    for (let i = 0; i < 1000; i++) {
      driver.inject(arpFrame({ sha: [2, 0, 0, 0, i >> 8, i & 0xff], spa: [10, 0, i >> 8, i & 0xff], tpa: [192, 0, 2, 1] }, mac('02:00:00:00:00:0b')));
    }
    expect(arp.list()).toHaveLength(16);
    expect(stack.pool.stats.inUse).toBe(0);
  });
});
