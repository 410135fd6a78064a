import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hexBytes } from '@stack/sim';
import { ArpOperation, ArpPacketView, arpLength, emitArp, parseArp } from './index.js';
import type { ArpHeader } from './index.js';

const hex = hexBytes;

// who-has 192.168.0.199 tell 192.168.0.1, followed by 18 bytes of Ethernet padding.
const request = hex('0001 0800 06 04 0001 001122334455 c0a80001 000000000000 c0a800c7' + '00'.repeat(18));

describe('ArpPacketView', () => {
  it('reads a real IPv4-over-Ethernet request', () => {
    const v = new ArpPacketView(request, 0, request.length);
    expect(v.check()).toBeNull();
    expect(v.isEthernetIpv4).toBe(true);
    expect(v.operation).toBe(ArpOperation.REQUEST);
    expect(v.packetLength).toBe(28);
    expect(v.spaIpv4).toBe(0xc0a80001);
    expect(v.tpaIpv4).toBe(0xc0a800c7);
    const sha = new Uint8Array(6);
    v.copySha(sha);
    expect(sha).toEqual(hex('001122334455'));
    expect([v.shaOffset, v.spaOffset, v.thaOffset, v.tpaOffset]).toEqual([8, 14, 18, 24]);
  });

  it('turns a request into a reply in place', () => {
    const p = request.slice(0, 28);
    const v = new ArpPacketView().reset(p, 0, p.length);
    expect(v.check()).toBeNull();
    const asker = new Uint8Array(6);
    v.copySha(asker);
    const askerIp = v.spaIpv4;
    v.operation = ArpOperation.REPLY;
    v.setTha(asker);
    v.tpaIpv4 = askerIp;
    v.setSha(hex('66778899aabb'));
    v.spaIpv4 = 0xc0a800c7;
    expect(p).toEqual(hex('0001 0800 06 04 0002 66778899aabb c0a800c7 001122334455 c0a80001'));
  });

  it('exposes its range and copies every address', () => {
    const v = new ArpPacketView(request, 0, request.length);
    expect(v.check()).toBeNull();
    expect([v.bytes, v.offset, v.length, v.hardwareType, v.protocolType]).toEqual([request, 0, 46, 1, 0x0800]);
    const out = new Uint8Array(16);
    v.copySpa(out, 0);
    v.copyTha(out, 4);
    v.copyTpa(out, 10);
    expect(out).toEqual(hex('c0a80001 000000000000 c0a800c7 0000'));
    const p = request.slice(0, 28);
    const w = new ArpPacketView(p);
    w.hardwareType = 6;
    w.protocolType = 0x86dd;
    w.setSpa(hex('0a000001'));
    w.setTpa(hex('ff0a000002'), 1);
    expect(p).toEqual(hex('0006 86dd 06 04 0001 001122334455 0a000001 000000000000 0a000002'));
  });

  it('handles other address lengths', () => {
    // hln 8 (e.g. EUI-64), pln 16 (e.g. IPv6): 8 + 2 * 24 = 56 bytes.
    const h: ArpHeader = {
      hardwareType: 27,
      protocolType: 0x86dd,
      operation: ArpOperation.REPLY,
      sha: new Uint8Array(8).fill(1),
      spa: new Uint8Array(16).fill(2),
      tha: new Uint8Array(8).fill(3),
      tpa: new Uint8Array(16).fill(4),
    };
    const buf = new Uint8Array(56);
    expect(emitArp(h, buf, 0)).toBe(56);
    const v = new ArpPacketView(buf);
    expect(v.check()).toBeNull();
    expect(v.isEthernetIpv4).toBe(false);
    expect(v.tpaOffset).toBe(40);
    expect(new ArpPacketView(buf, 0, 55).check()).toBe('truncated');
  });

  it('refuses truncated and zero-length addresses', () => {
    expect(new ArpPacketView(request, 0, 27).check()).toBe('truncated');
    expect(new ArpPacketView(request, 0, 7).check()).toBe('truncated');
    expect(new ArpPacketView(hex('0001 0800 00 04 0001'), 0, 8).check()).toBe('bad-address-length');
    expect(new ArpPacketView(request, 40, 8).check()).toBe('truncated');
  });

  it('refuses inconsistent headers on emit', () => {
    const h = parseArp(request, 0, 28) as ArpHeader;
    expect(() => emitArp({ ...h, tha: new Uint8Array(5) }, new Uint8Array(28), 0)).toThrow(RangeError);
  });
});

const header: fc.Arbitrary<ArpHeader> = fc
  .tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 20 }))
  .chain(([hln, pln]) =>
    fc.record({
      hardwareType: fc.integer({ min: 0, max: 0xffff }),
      protocolType: fc.integer({ min: 0, max: 0xffff }),
      operation: fc.integer({ min: 0, max: 0xffff }),
      sha: fc.uint8Array({ minLength: hln, maxLength: hln }),
      spa: fc.uint8Array({ minLength: pln, maxLength: pln }),
      tha: fc.uint8Array({ minLength: hln, maxLength: hln }),
      tpa: fc.uint8Array({ minLength: pln, maxLength: pln }),
    }),
  );

describe('properties', () => {
  it('parse(emit(h)) is h', () => {
    fc.assert(
      fc.property(header, fc.nat(8), fc.nat(18), (h, at, padding) => {
        const buf = new Uint8Array(at + arpLength(h) + padding);
        expect(emitArp(h, buf, at)).toBe(arpLength(h));
        expect(parseArp(buf, at, buf.length - at)).toEqual(h);
      }),
    );
  });

  it('never throws on arbitrary bytes and ranges', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 100 }),
        fc.integer({ min: -4, max: 110 }),
        fc.integer({ min: -4, max: 110 }),
        (b, off, len) => {
          const r = parseArp(b, off, len);
          const v = new ArpPacketView(b, off, len);
          const failure = v.check();
          expect('error' in r ? r.error : null).toBe(failure);
          if (failure === null) {
            expect(v.tpaOffset + v.protocolLength).toBeLessThanOrEqual(off + len);
            v.copyTpa(new Uint8Array(255));
          }
        },
      ),
    );
  });
});
