import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hexBytes } from '@stack/sim';
import { Ipv6Address, PacketPool } from '@stack/core';
import {
  emitIcmpv6,
  emitIcmpv6Error,
  ICMPV6_ERROR_MAX_QUOTE,
  icmpv6ErrorLength,
  icmpv6Length,
  Icmpv6PacketView,
  icmpv6PseudoHeaderSum,
  icmpv6QuoteLength,
  Icmpv6Type,
  isIcmpv6ErrorType,
  isNdOrMldType,
  parseIcmpv6,
  type Icmpv6Message,
} from './index.js';

const hex = hexBytes;
const a = Ipv6Address.parse('2001:db8::1').bytes as Uint8Array;
const b = Ipv6Address.parse('2001:db8::2').bytes as Uint8Array;
const pseudo = (length: number) => icmpv6PseudoHeaderSum(a, 0, b, 0, length);

/** Plain reference: one's-complement sum of 16-bit words, folded and complemented. */
function referenceChecksum(src: Uint8Array, dst: Uint8Array, message: Uint8Array): number {
  const all = new Uint8Array(40 + message.length + (message.length & 1));
  all.set(src, 0);
  all.set(dst, 16);
  all[32] = message.length >>> 24;
  all[33] = message.length >>> 16;
  all[34] = message.length >>> 8;
  all[35] = message.length;
  all[39] = 58;
  all.set(message, 40);
  let sum = 0;
  for (let i = 0; i < all.length; i += 2) sum += (all[i] << 8) | all[i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

const message: fc.Arbitrary<Icmpv6Message> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('echo-request' as const, 'echo-reply' as const),
    identifier: fc.integer({ min: 0, max: 0xffff }),
    sequence: fc.integer({ min: 0, max: 0xffff }),
    data: fc.uint8Array({ maxLength: 64 }),
  }),
  fc.record({ kind: fc.constant('destination-unreachable' as const), code: fc.integer({ min: 0, max: 255 }), quoted: fc.uint8Array({ maxLength: 64 }) }),
  fc.record({ kind: fc.constant('packet-too-big' as const), mtu: fc.integer({ min: 0, max: 0xffffffff }), quoted: fc.uint8Array({ maxLength: 64 }) }),
  fc.record({ kind: fc.constant('time-exceeded' as const), code: fc.integer({ min: 0, max: 255 }), quoted: fc.uint8Array({ maxLength: 64 }) }),
  fc.record({
    kind: fc.constant('parameter-problem' as const),
    code: fc.integer({ min: 0, max: 255 }),
    pointer: fc.integer({ min: 0, max: 0xffffffff }),
    quoted: fc.uint8Array({ maxLength: 64 }),
  }),
  fc.record({
    kind: fc.constant('other' as const),
    type: fc.constantFrom(0, 5, 100, 127, 130, 133, 135, 136, 143, 200, 255),
    code: fc.integer({ min: 0, max: 255 }),
    restOfHeader: fc.integer({ min: 0, max: 0xffffffff }),
    data: fc.uint8Array({ maxLength: 64 }),
  }),
);

describe('Icmpv6PacketView', () => {
  it('verifies and fills the checksum over the pseudo-header, as an independent reference does', () => {
    const m = hex('8000 0000 1234 0001 6162 6364 65');
    const v = new Icmpv6PacketView(m, 0, m.length);
    v.fillChecksum(pseudo(m.length));
    expect(v.checksum).toBe(referenceChecksum(a, b, m.slice().fill(0, 2, 4)));
    expect(v.check(pseudo(m.length))).toBeNull();
    expect(v.check(icmpv6PseudoHeaderSum(b, 0, b, 0, m.length))).toBe('bad-checksum');
    expect([v.type, v.code, v.identifier, v.sequence, v.dataOffset, v.dataLength]).toEqual([128, 0, 0x1234, 1, 8, 5]);
    expect(new Icmpv6PacketView(m, 0, 7).check()).toBe('truncated');
  });

  it('classifies error, informational, ND and MLD types', () => {
    expect([1, 127, 128, 255].map(isIcmpv6ErrorType)).toEqual([true, true, false, false]);
    expect([129, 130, 133, 137, 138, 143].map(isNdOrMldType)).toEqual([false, true, true, true, false, true]);
  });
});

describe('ICMPv6 messages', () => {
  it('parse∘emit is the identity, checksum included (property)', () => {
    fc.assert(
      fc.property(message, (m) => {
        const len = icmpv6Length(m);
        const out = new Uint8Array(len + 2);
        expect(emitIcmpv6(m, out, 2, pseudo(len))).toBe(len);
        expect(parseIcmpv6(out, 2, len, pseudo(len))).toEqual(m);
      }),
    );
  });

  it('keeps an echo with a non-zero code or a packet too big with one as raw "other"', () => {
    const m = hex('8101 0000 0001 0002');
    const parsed = parseIcmpv6(m, 0, m.length);
    expect(parsed).toEqual({ kind: 'other', type: 129, code: 1, restOfHeader: 0x00010002, data: new Uint8Array(0) });
  });

  it('never throws on random bytes; what parses emits to something that parses the same (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.integer({ min: -3, max: 90 }), fc.integer({ min: -3, max: 90 }), (raw, offset, length) => {
        const r = parseIcmpv6(raw, offset, length, 0);
        const plain = parseIcmpv6(raw, offset, length);
        if ('error' in plain) return;
        expect('error' in r ? r.error : null).not.toBe('truncated');
        const out = new Uint8Array(icmpv6Length(plain));
        emitIcmpv6(plain, out, 0);
        expect(parseIcmpv6(out, 0, out.length)).toEqual(plain);
      }),
    );
  });
});

describe('ICMPv6 error construction', () => {
  it('quotes as much of the invoking packet as fits in 1280 bytes (RFC 4443 §2.4 (c))', () => {
    expect(ICMPV6_ERROR_MAX_QUOTE).toBe(1232);
    expect([icmpv6QuoteLength(100), icmpv6QuoteLength(1232), icmpv6QuoteLength(5000)]).toEqual([100, 1232, 1232]);
    expect(icmpv6ErrorLength(5000)).toBe(1240);
    expect(icmpv6QuoteLength(5000, 1500)).toBe(1452);
  });

  it('writes type, code, the rest word, the quote and a valid checksum (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 40, maxLength: 3000 }), fc.integer({ min: 0, max: 0xffffffff }), (invoking, rest) => {
        const len = icmpv6ErrorLength(invoking.length);
        const out = new Uint8Array(len);
        expect(emitIcmpv6Error(Icmpv6Type.PACKET_TOO_BIG, 0, rest, invoking, 0, invoking.length, out, 0, pseudo(len))).toBe(len);
        expect(parseIcmpv6(out, 0, len, pseudo(len))).toEqual({ kind: 'packet-too-big', mtu: rest, quoted: invoking.slice(0, len - 8) });
      }),
      { numRuns: 50 },
    );
  });

  it('gives the same checksums through the buffer word view (PacketBuffer.words) as without it', () => {
    const buf = new PacketPool({ bufferSize: 2048, headroom: 48 }).alloc();
    const invoking = Uint8Array.from({ length: 1500 }, (_, i) => (i * 29 + 3) & 0xff);
    const len = icmpv6ErrorLength(invoking.length);
    for (const at of [0, 1, 2, 3]) {
      const o = buf.start + at;
      emitIcmpv6Error(Icmpv6Type.PACKET_TOO_BIG, 0, 1400, invoking, 0, invoking.length, buf.data, o, pseudo(len), undefined, buf.words);
      const plain = new Uint8Array(len);
      emitIcmpv6Error(Icmpv6Type.PACKET_TOO_BIG, 0, 1400, invoking, 0, invoking.length, plain, 0, pseudo(len));
      expect(buf.data.subarray(o, o + len)).toEqual(plain);
      const v = new Icmpv6PacketView(buf.data, o, len);
      expect(v.check(pseudo(len), buf.words)).toBeNull();
      expect(v.fillChecksum(pseudo(len), buf.words)).toBe(referenceChecksum(a, b, buf.data.slice(o, o + len).fill(0, 2, 4)));
      buf.data[o + 700] ^= 0x80;
      expect(v.check(pseudo(len), buf.words)).toBe('bad-checksum');
    }
  });

  it('builds an error in the headroom of the very buffer it quotes', () => {
    const data = new Uint8Array(200);
    for (let i = 0; i < 100; i++) data[100 + i] = i;
    const len = icmpv6ErrorLength(100);
    emitIcmpv6Error(Icmpv6Type.DESTINATION_UNREACHABLE, 4, 0, data, 100, 100, data, 60, pseudo(len));
    const parsed = parseIcmpv6(data, 60, len, pseudo(len));
    expect(parsed).toEqual({ kind: 'destination-unreachable', code: 4, quoted: Uint8Array.from({ length: 100 }, (_, i) => i) });
  });
});
