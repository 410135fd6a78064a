import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { internetChecksum, verifyChecksum } from './internet-checksum.js';
import { pseudoHeaderSum4, pseudoHeaderSum6 } from './pseudo-header.js';
import { hex, naiveChecksum } from './reference.test-util.js';

describe('internetChecksum / verifyChecksum', () => {
  it('computes the checksum of a real IPv4 header', () => {
    const header = hex('4500 0073 0000 4000 4011 0000 c0a8 0001 c0a8 00c7');
    expect(internetChecksum(header, 0, 20)).toBe(0xb861);
    header[10] = 0xb8;
    header[11] = 0x61;
    expect(verifyChecksum(header, 0, 20)).toBe(true);
    header[8] = 0x3f; // TTL changed without fixing the checksum
    expect(verifyChecksum(header, 0, 20)).toBe(false);
  });

  it('works at an odd offset inside a larger frame', () => {
    const frame = new Uint8Array(35);
    frame.set(hex('4500 0073 0000 4000 4011 0000 c0a8 0001 c0a8 00c7'), 15);
    expect(internetChecksum(frame, 15, 20)).toBe(0xb861);
  });

  it('checks a UDP-over-IPv4 datagram with its pseudo-header', () => {
    // 192.168.0.31:20 -> 192.168.0.30:10, payload "Hi" (0x48 0x69).
    const udp = hex('0014 000a 000a 0000 4869');
    const src = 0xc0a8001f;
    const dst = 0xc0a8001e;
    // By hand: c0a8+001f+c0a8+001e+0011+000a + 0014+000a+000a+0000+4869 = 0x1ca39; fold 0xca3a; ~ 0x35c5
    const pseudo = pseudoHeaderSum4(src, dst, 17, udp.length);
    const checksum = internetChecksum(udp, 0, udp.length, pseudo);
    expect(checksum).toBe(0x35c5);
    udp[6] = checksum >>> 8;
    udp[7] = checksum & 0xff;
    expect(verifyChecksum(udp, 0, udp.length, pseudo)).toBe(true);
    expect(verifyChecksum(udp, 0, udp.length, pseudoHeaderSum4(src, dst + 1, 17, udp.length))).toBe(false);
  });

  it('checks an ICMPv6 echo request with the IPv6 pseudo-header (RFC 8200 §8.1)', () => {
    // fe80::1 -> ff02::1, ICMPv6 echo request id 0x1234 seq 1, no data.
    const src = hex('fe80 0000 0000 0000 0000 0000 0000 0001');
    const dst = hex('ff02 0000 0000 0000 0000 0000 0000 0001');
    const icmp = hex('8000 0000 1234 0001');
    const pseudo = pseudoHeaderSum6(src, 0, dst, 0, 58, icmp.length);
    // Same sum written out as the RFC's pseudo-header layout, checksummed naively.
    const layout = new Uint8Array(40 + icmp.length);
    layout.set(src, 0);
    layout.set(dst, 16);
    layout.set([0, 0, 0, icmp.length, 0, 0, 0, 58], 32);
    layout.set(icmp, 40);
    const checksum = internetChecksum(icmp, 0, icmp.length, pseudo);
    expect(checksum).toBe(naiveChecksum(layout, 0, layout.length));
    icmp[2] = checksum >>> 8;
    icmp[3] = checksum & 0xff;
    expect(verifyChecksum(icmp, 0, icmp.length, pseudo)).toBe(true);
  });

  it('pseudo-headers match their RFC layouts (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.integer({ min: 0, max: 255 }),
        fc.nat({ max: 0xffff_ffff }),
        (src, dst, next, length) => {
          const layout = new Uint8Array(40);
          layout.set(src, 0);
          layout.set(dst, 16);
          new DataView(layout.buffer).setUint32(32, length);
          layout[39] = next;
          const ours = internetChecksum(new Uint8Array(0), 0, 0, pseudoHeaderSum6(src, 0, dst, 0, next, length));
          expect(ours).toBe(naiveChecksum(layout, 0, 40));

          const layout4 = new Uint8Array(12);
          layout4.set(src.subarray(0, 4), 0);
          layout4.set(dst.subarray(0, 4), 4);
          layout4[9] = next;
          layout4[10] = (length >>> 8) & 0xff;
          layout4[11] = length & 0xff;
          const v4 = (a: Uint8Array) => ((a[0] << 24) | (a[1] << 16) | (a[2] << 8) | a[3]) >>> 0;
          const ours4 = internetChecksum(
            new Uint8Array(0),
            0,
            0,
            pseudoHeaderSum4(v4(src), v4(dst), next, length & 0xffff),
          );
          expect(ours4).toBe(naiveChecksum(layout4, 0, 12));
        },
      ),
    );
  });

  it('a region carrying its own checksum always verifies (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 2, maxLength: 600 }), fc.nat(), (bytes, at) => {
        const field = (at % (bytes.length >> 1)) * 2;
        bytes[field] = 0;
        bytes[field + 1] = 0;
        const checksum = internetChecksum(bytes, 0, bytes.length);
        expect(checksum).toBe(naiveChecksum(bytes, 0, bytes.length));
        bytes[field] = checksum >>> 8;
        bytes[field + 1] = checksum & 0xff;
        // An all-zero region sums to +0, never 0xffff; every other region verifies.
        expect(verifyChecksum(bytes, 0, bytes.length)).toBe(bytes.some((b) => b !== 0));
      }),
    );
  });
});
