import { foldSum, PacketPool, pseudoHeaderSum4, pseudoHeaderSum6 } from '@stack/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hexBytes } from '@stack/sim';
import {
  UDP_HEADER_LENGTH,
  UdpDatagramView,
  emitUdpHeader,
  fillUdpChecksum,
  isUdpChecksumValid,
  parseUdpHeader,
  udpChecksum,
  udpDatagramLength,
} from './index.js';
import type { UdpHeader } from './index.js';

const hex = hexBytes;

// A DNS query for example.com/A from 192.168.0.1:53000 to 192.168.0.199:53, checksum 0x3312.
const dnsQuery = hex('cf08 0035 0025 3312 abcd01000001000000000000 076578616d706c6503636f6d00 00010001');
const dnsPseudo = pseudoHeaderSum4(0xc0a80001, 0xc0a800c7, 17, 37);

describe('UdpDatagramView', () => {
  it('reads and verifies a real DNS query', () => {
    const v = new UdpDatagramView(dnsQuery, 0, dnsQuery.length);
    expect(v.check(dnsPseudo)).toBeNull();
    expect(v.srcPort).toBe(53000);
    expect(v.dstPort).toBe(53);
    expect(v.datagramLength).toBe(37);
    expect(v.checksum).toBe(0x3312);
    expect(v.payloadOffset).toBe(8);
    expect(v.payloadLength).toBe(29);
    expect(udpChecksum(dnsQuery, 0, 37, dnsPseudo)).toBe(0x3312);
    expect(isUdpChecksumValid(dnsQuery, 0, 37, dnsPseudo)).toBe(true);
  });

  it('exposes its range and writes its fields', () => {
    const d = new Uint8Array(10);
    const v = new UdpDatagramView().reset(d, 1, 9);
    expect([v.bytes, v.offset, v.length]).toEqual([d, 1, 9]);
    v.srcPort = 67;
    v.dstPort = 68;
    v.datagramLength = 9;
    expect(v.check(0)).toBeNull();
    expect(d).toEqual(hex('00 0043 0044 0009 0000 00'));
  });

  it('detects corruption and a wrong pseudo-header', () => {
    const d = dnsQuery.slice();
    d[20] ^= 0x40;
    expect(new UdpDatagramView(d).check(dnsPseudo)).toBe('bad-checksum');
    expect(new UdpDatagramView(d).check()).toBeNull();
    expect(new UdpDatagramView(dnsQuery).check(pseudoHeaderSum4(0xc0a80002, 0xc0a800c7, 17, 37))).toBe('bad-checksum');
  });

  it('treats a zero checksum as none over IPv4 and as missing over IPv6', () => {
    const d = dnsQuery.slice();
    const v = new UdpDatagramView(d);
    v.checksum = 0;
    expect(v.check(dnsPseudo)).toBeNull();
    expect(v.check(dnsPseudo, true)).toBeNull();
    const src = new Uint8Array(16).fill(0x20);
    const dst = new Uint8Array(16).fill(0x30);
    const pseudo6 = pseudoHeaderSum6(src, 0, dst, 0, 17, 37);
    expect(v.check(pseudo6, false)).toBe('missing-checksum');
    v.fillChecksum(pseudo6);
    expect(v.check(pseudo6, false)).toBeNull();
  });

  it('sends a computed zero checksum as 0xffff', () => {
    // Header 0x0001 0x0002 0x000a, then a payload word making the one's complement sum 0xffff.
    const d = hex('0001 0002 000a 0000 0000');
    const partial = foldSum(0x0001 + 0x0002 + 0x000a);
    d[8] = (0xffff - partial) >>> 8;
    d[9] = (0xffff - partial) & 0xff;
    expect(fillUdpChecksum(d, 0, 10, 0)).toBe(0xffff);
    expect(new UdpDatagramView(d).check(0, false)).toBeNull();
  });

  it('refuses bad lengths, tolerates trailing bytes', () => {
    expect(new UdpDatagramView(dnsQuery, 0, 7).check()).toBe('truncated');
    expect(new UdpDatagramView(dnsQuery, 0, 36).check()).toBe('bad-length');
    expect(new UdpDatagramView(hex('0001 0002 0007 0000')).check()).toBe('bad-length');
    expect(new UdpDatagramView(dnsQuery, 30, 8).check()).toBe('truncated');
    const padded = new Uint8Array(50);
    padded.set(dnsQuery);
    const v = new UdpDatagramView(padded);
    expect(v.check(dnsPseudo)).toBeNull();
    expect(v.payloadLength).toBe(29);
  });
});

const header: fc.Arbitrary<UdpHeader> = fc.record({
  srcPort: fc.integer({ min: 0, max: 0xffff }),
  dstPort: fc.integer({ min: 0, max: 0xffff }),
  payloadLength: fc.integer({ min: 0, max: 1500 }),
});

describe('checksums through the buffer word view', () => {
  it('fill and verify a long datagram exactly as without it, at every alignment', () => {
    const pool = new PacketPool();
    const buf = pool.alloc();
    const pseudo = pseudoHeaderSum6(
      hex('fe80 0000 0000 0000 0000 0000 0000 0001'),
      0,
      hex('ff02 0000 0000 0000 0000 0000 0000 0002'),
      0,
      17,
      1400,
    );
    for (const at of [0, 1, 2, 3]) {
      const o = buf.start + at;
      for (let i = 0; i < 1400; i++) buf.data[o + i] = (i * 37 + at) & 0xff;
      const v = new UdpDatagramView(buf.data, o, 1400);
      v.datagramLength = 1400;
      const plain = udpChecksum(buf.data, o, 1400, pseudo);
      expect(udpChecksum(buf.data, o, 1400, pseudo, buf.words)).toBe(plain);
      expect(v.fillChecksum(pseudo, buf.words)).toBe(plain);
      expect(v.check(pseudo, false, buf.words)).toBeNull();
      expect(isUdpChecksumValid(buf.data, o, 1400, pseudo, buf.words)).toBe(true);
      buf.data[o + 900] ^= 1;
      expect(v.check(pseudo, false, buf.words)).toBe('bad-checksum');
    }
  });
});

describe('properties', () => {
  it('parse(emit(h)) is h, with and without a checksum', () => {
    fc.assert(
      fc.property(
        header,
        fc.nat(8),
        fc.uint8Array({ maxLength: 1500 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 0x5fffa }),
        (h, at, fill, v6, pseudo) => {
          const buf = new Uint8Array(at + udpDatagramLength(h));
          buf.set(fill.subarray(0, h.payloadLength), at + UDP_HEADER_LENGTH);
          const withChecksum = pseudo % 2 === 0;
          expect(emitUdpHeader(h, buf, at, withChecksum ? pseudo : undefined)).toBe(UDP_HEADER_LENGTH);
          const zeroMeansNone = !v6;
          expect(parseUdpHeader(buf, at, buf.length - at, pseudo, zeroMeansNone)).toEqual(
            withChecksum || zeroMeansNone ? h : { error: 'missing-checksum' },
          );
        },
      ),
    );
  });

  it('never throws on arbitrary bytes and ranges', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 100 }),
        fc.integer({ min: -4, max: 110 }),
        fc.integer({ min: -4, max: 110 }),
        fc.option(fc.integer({ min: 0, max: 0x5fffa }), { nil: undefined }),
        fc.boolean(),
        (b, off, len, pseudo, zeroMeansNone) => {
          const r = parseUdpHeader(b, off, len, pseudo, zeroMeansNone);
          const v = new UdpDatagramView(b, off, len);
          const failure = v.check(pseudo, zeroMeansNone);
          expect('error' in r ? r.error : null).toBe(failure);
          if (failure === null) expect(v.payloadOffset + v.payloadLength).toBeLessThanOrEqual(off + len);
        },
      ),
    );
  });
});
