import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hexBytes } from '@stack/sim';
import {
  ICMPV4_ERROR_MAX_LENGTH,
  Icmpv4PacketView,
  Icmpv4Type,
  Icmpv4UnreachableCode,
  emitIcmpv4,
  emitIcmpv4Error,
  icmpv4ErrorLength,
  icmpv4Length,
  icmpv4NextHopMtuRest,
  icmpv4PointerRest,
  isIcmpv4ErrorType,
  parseIcmpv4,
} from './index.js';
import type { Icmpv4Message } from './index.js';

const hex = hexBytes;
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

// A real echo request as Windows ping sends it: id 1, seq 1, 32 bytes of data, checksum 0x4d5a.
const winPingData = ascii('abcdefghijklmnopqrstuvwabcdefghi');
const echoRequest = new Uint8Array([...hex('0800 4d5a 0001 0001'), ...winPingData]);

/** A real IPv4/UDP header (checksum 0xb861) followed by `total - 20` payload bytes 0, 1, 2, ... */
function offendingPacket(total: number): Uint8Array {
  const p = new Uint8Array(total);
  for (let i = 20; i < total; i++) p[i] = i - 20;
  p.set(hex('4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7'));
  return p;
}

describe('Icmpv4PacketView', () => {
  it('reads a real echo request', () => {
    const v = new Icmpv4PacketView(echoRequest, 0, echoRequest.length);
    expect(v.check()).toBeNull();
    expect(v.type).toBe(Icmpv4Type.ECHO_REQUEST);
    expect(v.code).toBe(0);
    expect(v.checksum).toBe(0x4d5a);
    expect(v.identifier).toBe(1);
    expect(v.sequence).toBe(1);
    expect(v.dataOffset).toBe(8);
    expect(v.dataLength).toBe(32);
  });

  it('turns the request into a reply in place', () => {
    const m = echoRequest.slice();
    const v = new Icmpv4PacketView().reset(m, 0, m.length);
    v.type = Icmpv4Type.ECHO_REPLY;
    expect(v.isChecksumValid).toBe(false);
    expect(v.fillChecksum()).toBe(0x555a);
    expect(v.check()).toBeNull();
  });

  it('exposes its range and names every rest-of-header field', () => {
    const m = new Uint8Array(12);
    const v = new Icmpv4PacketView(m, 2, 10);
    expect([v.bytes, v.offset, v.length]).toEqual([m, 2, 10]);
    v.type = Icmpv4Type.PARAMETER_PROBLEM;
    v.code = 1;
    v.checksum = 0xffff;
    v.identifier = 0x1234;
    v.sequence = 0x5678;
    expect(v.restOfHeader).toBe(0x12345678);
    v.pointer = 0x20;
    expect([v.pointer, v.nextHopMtu, v.gateway]).toEqual([0x20, 0x5678, 0x20345678]);
    v.nextHopMtu = 576;
    v.gateway = 0xc0a80001;
    expect(m).toEqual(hex('0000 0c01 ffff c0a80001 0000'));
  });

  it('refuses short messages and bad checksums', () => {
    expect(new Icmpv4PacketView(echoRequest, 0, 7).check()).toBe('truncated');
    expect(new Icmpv4PacketView(echoRequest, 36, 8).check()).toBe('truncated');
    const m = echoRequest.slice();
    m[20] ^= 1;
    expect(new Icmpv4PacketView(m).check()).toBe('bad-checksum');
    expect(new Icmpv4PacketView(m).check(false)).toBeNull();
  });
});

describe('parse / emit', () => {
  it('parses the real echo request and emits its reply', () => {
    const parsed = parseIcmpv4(echoRequest, 0, echoRequest.length);
    expect(parsed).toEqual({ kind: 'echo-request', identifier: 1, sequence: 1, data: winPingData });
    const reply: Icmpv4Message = { ...(parsed as Icmpv4Message & { kind: 'echo-request' }), kind: 'echo-reply' };
    const out = new Uint8Array(icmpv4Length(reply));
    expect(emitIcmpv4(reply, out, 0)).toBe(40);
    expect(out.subarray(0, 8)).toEqual(hex('0000 555a 0001 0001'));
  });

  it('keeps an echo with a non-zero code raw', () => {
    const m = hex('0805 0000 1234 5678');
    new Icmpv4PacketView(m).fillChecksum();
    expect(parseIcmpv4(m, 0, m.length)).toEqual({
      kind: 'other',
      type: 8,
      code: 5,
      restOfHeader: 0x12345678,
      data: new Uint8Array(0),
    });
  });
});

describe('error messages', () => {
  it('quotes a short datagram whole', () => {
    const offending = offendingPacket(0x73);
    const out = new Uint8Array(600);
    const n = emitIcmpv4Error(
      Icmpv4Type.DESTINATION_UNREACHABLE,
      Icmpv4UnreachableCode.FRAGMENTATION_NEEDED,
      icmpv4NextHopMtuRest(1400),
      offending,
      0,
      offending.length,
      out,
      0,
    );
    expect(n).toBe(8 + 0x73);
    expect(n).toBe(icmpv4ErrorLength(offending, 0, offending.length));
    expect(parseIcmpv4(out, 0, n)).toEqual({
      kind: 'destination-unreachable',
      code: 4,
      nextHopMtu: 1400,
      quoted: offending,
    });
  });

  it('quotes at most 576 bytes of datagram in all, and at least the header plus 8 bytes', () => {
    const offending = offendingPacket(1500);
    const out = new Uint8Array(1600);
    const n = emitIcmpv4Error(Icmpv4Type.TIME_EXCEEDED, 0, 0, offending, 0, offending.length, out, 10);
    expect(n).toBe(ICMPV4_ERROR_MAX_LENGTH);
    expect(20 + n).toBe(576);
    expect(out.subarray(18, 10 + n)).toEqual(offending.subarray(0, n - 8));
    expect(emitIcmpv4Error(Icmpv4Type.TIME_EXCEEDED, 0, 0, offending, 0, offending.length, out, 0, 16)).toBe(36);
    const withOptions = offendingPacket(100);
    withOptions[0] = 0x46;
    expect(icmpv4ErrorLength(withOptions, 0, 100, 16)).toBe(8 + 24 + 8);
  });

  it('writes a parameter problem pointer', () => {
    const offending = offendingPacket(40);
    const out = new Uint8Array(100);
    const n = emitIcmpv4Error(Icmpv4Type.PARAMETER_PROBLEM, 0, icmpv4PointerRest(9), offending, 0, 40, out, 0);
    expect(parseIcmpv4(out, 0, n)).toEqual({ kind: 'parameter-problem', code: 0, pointer: 9, quoted: offending });
  });

  it('can build the error in place over the offending datagram', () => {
    const buf = new Uint8Array(200);
    const offending = offendingPacket(0x73);
    buf.set(offending, 50);
    const n = emitIcmpv4Error(3, 3, 0, buf, 50, 0x73, buf, 46);
    expect(parseIcmpv4(buf, 46, n)).toEqual({
      kind: 'destination-unreachable',
      code: 3,
      nextHopMtu: 0,
      quoted: offending,
    });
  });

  it('knows which types are errors', () => {
    expect([0, 3, 4, 5, 8, 11, 12, 13].map(isIcmpv4ErrorType)).toEqual([
      false,
      true,
      true,
      true,
      false,
      true,
      true,
      false,
    ]);
  });
});

const bytes = fc.uint8Array({ maxLength: 64 });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u8 = fc.integer({ min: 0, max: 0xff });
const message: fc.Arbitrary<Icmpv4Message> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('echo-request' as const, 'echo-reply' as const),
    identifier: u16,
    sequence: u16,
    data: bytes,
  }),
  fc.record({ kind: fc.constant('destination-unreachable' as const), code: u8, nextHopMtu: u16, quoted: bytes }),
  fc.record({ kind: fc.constant('time-exceeded' as const), code: u8, quoted: bytes }),
  fc.record({ kind: fc.constant('parameter-problem' as const), code: u8, pointer: u8, quoted: bytes }),
  fc.record({
    kind: fc.constant('redirect' as const),
    code: u8,
    gateway: fc.integer({ min: 0, max: 0xffffffff }),
    quoted: bytes,
  }),
  fc
    .record({
      kind: fc.constant('other' as const),
      type: u8,
      code: u8,
      restOfHeader: fc.integer({ min: 0, max: 0xffffffff }),
      data: bytes,
    })
    .filter((m) => ![3, 5, 11, 12].includes(m.type) && !([0, 8].includes(m.type) && m.code === 0)),
);

describe('properties', () => {
  it('parse(emit(m)) is m', () => {
    fc.assert(
      fc.property(message, fc.nat(8), (m, at) => {
        const buf = new Uint8Array(at + icmpv4Length(m));
        expect(emitIcmpv4(m, buf, at)).toBe(icmpv4Length(m));
        expect(parseIcmpv4(buf, at, buf.length - at)).toEqual(m);
      }),
    );
  });

  it('never throws on arbitrary bytes and ranges', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 100 }),
        fc.integer({ min: -4, max: 110 }),
        fc.integer({ min: -4, max: 110 }),
        fc.boolean(),
        (b, off, len, verify) => {
          const r = parseIcmpv4(b, off, len, verify);
          const failure = new Icmpv4PacketView(b, off, len).check(verify);
          expect('error' in r ? r.error : null).toBe(failure);
        },
      ),
    );
  });

  it('an error message is always valid and within its limit', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 28, maxLength: 1600 }),
        fc.integer({ min: 28, max: 1000 }),
        (offending, limit) => {
          offending[0] = 0x45;
          const out = new Uint8Array(2000);
          const n = emitIcmpv4Error(11, 0, 0, offending, 0, offending.length, out, 0, limit);
          expect(n).toBe(Math.min(offending.length + 8, Math.max(36, limit)));
          expect(new Icmpv4PacketView(out, 0, n).check()).toBeNull();
        },
      ),
    );
  });
});
