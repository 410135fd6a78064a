import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hexBytes } from '@stack/sim';
import { Ipv6Address } from '@stack/core';
import { emitIpv6Header, Ipv6PacketView, ipv6HeaderLength, parseIpv6Header, type Ipv6Header } from './index.js';

const hex = hexBytes;

/** A router solicitation as Linux sends it: fe80::1 → ff02::2, hop limit 255, 16-byte ICMPv6 payload. */
function realPacket(): Uint8Array {
  const p = new Uint8Array(56);
  p.set(hex('6000 0000 0010 3aff fe80 0000 0000 0000 0000 0000 0000 0001 ff02 0000 0000 0000 0000 0000 0000 0002'));
  p.set(hex('8500 7d35 0000 0000 0101 0200 0000 0001'), 40);
  return p;
}

export const ipv6Address = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => new Ipv6Address(b));

const header: fc.Arbitrary<Ipv6Header> = fc.record({
  trafficClass: fc.integer({ min: 0, max: 255 }),
  flowLabel: fc.integer({ min: 0, max: 0xfffff }),
  payloadLength: fc.integer({ min: 0, max: 300 }),
  nextHeader: fc.integer({ min: 0, max: 255 }),
  hopLimit: fc.integer({ min: 0, max: 255 }),
  src: ipv6Address,
  dst: ipv6Address,
});

describe('Ipv6PacketView', () => {
  it('reads the fixed header of a real router solicitation', () => {
    const p = realPacket();
    const v = new Ipv6PacketView(p, 0, p.length);
    expect(v.check()).toBeNull();
    expect([v.version, v.trafficClass, v.flowLabel, v.payloadLength, v.nextHeader, v.hopLimit]).toEqual([6, 0, 0, 16, 58, 255]);
    expect(v.src.toString()).toBe('fe80::1');
    expect(v.dst.toString()).toBe('ff02::2');
    expect([v.srcOffset, v.dstOffset, v.payloadOffset, v.packetLength]).toEqual([8, 24, 40, 56]);
  });

  it('writes traffic class and flow label without disturbing each other or the version', () => {
    const p = realPacket();
    const v = new Ipv6PacketView(p);
    v.trafficClass = 0xb8;
    v.flowLabel = 0xabcde;
    expect(p.subarray(0, 4)).toEqual(hex('6b8a bcde'));
    expect([v.version, v.trafficClass, v.flowLabel]).toEqual([6, 0xb8, 0xabcde]);
    v.trafficClass = 0;
    expect([v.trafficClass, v.flowLabel]).toEqual([0, 0xabcde]);
  });

  it('accepts link padding after the packet and ignores it', () => {
    const p = new Uint8Array(70);
    p.set(realPacket());
    expect(new Ipv6PacketView(p).check()).toBeNull();
  });

  it('refuses short packets, a payload length beyond the frame and other versions', () => {
    const p = realPacket();
    expect(new Ipv6PacketView(p, 0, 39).check()).toBe('truncated');
    expect(new Ipv6PacketView(p, 0, 55).check()).toBe('truncated');
    expect(new Ipv6PacketView(p, 30, 40).check()).toBe('truncated');
    expect(new Ipv6PacketView(p, 0.5, 40).check()).toBe('truncated');
    const v4 = realPacket();
    v4[0] = 0x45;
    expect(new Ipv6PacketView(v4).check()).toBe('bad-version');
  });
});

describe('Ipv6Header', () => {
  it('parse∘emit is the identity (property)', () => {
    fc.assert(
      fc.property(header, (h) => {
        const bytes = new Uint8Array(ipv6HeaderLength(h) + h.payloadLength);
        expect(emitIpv6Header(h, bytes, 0)).toBe(40);
        expect(parseIpv6Header(bytes, 0, bytes.length)).toEqual(h);
      }),
    );
  });

  it('emit∘parse gives the same bytes back (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 40, maxLength: 80 }), (raw) => {
        raw[0] = (raw[0] & 0x0f) | 0x60;
        raw[4] = 0;
        raw[5] = Math.min(raw[5], raw.length - 40);
        const parsed = parseIpv6Header(raw, 0, raw.length);
        if ('error' in parsed) throw new Error(parsed.error);
        const out = new Uint8Array(40);
        emitIpv6Header(parsed, out, 0);
        expect(out).toEqual(raw.subarray(0, 40));
      }),
    );
  });

  it('never throws on random bytes, offsets and lengths (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.integer({ min: -5, max: 110 }), fc.integer({ min: -5, max: 110 }), (raw, offset, length) => {
        const r = parseIpv6Header(raw, offset, length);
        if (!('error' in r)) expect(r.payloadLength + 40).toBeLessThanOrEqual(length);
        new Ipv6PacketView(raw, offset, length).check();
      }),
    );
  });
});
