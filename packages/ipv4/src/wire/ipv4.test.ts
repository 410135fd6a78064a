import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hexBytes } from '@stack/sim';
import {
  IpProtocol,
  Ipv4OptionCursor,
  Ipv4OptionType,
  Ipv4PacketView,
  areIpv4OptionsWellFormed,
  ipv4OptionsProblemAt,
  decrementIpv4Ttl,
  emitIpv4Header,
  fillIpv4HeaderChecksum,
  ipv4HeaderLength,
  ipv4Options,
  isIpv4HeaderChecksumValid,
  parseIpv4Header,
} from './index.js';
import type { Ipv4Header } from './index.js';

const hex = hexBytes;

/** A real UDP packet header (192.168.0.1 → 192.168.0.199, 115 bytes) followed by its payload. */
function realPacket(): Uint8Array {
  const p = new Uint8Array(0x73);
  p.set(hex('4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7'));
  return p;
}

describe('Ipv4PacketView', () => {
  it('reads a real header with checksum 0xb861', () => {
    const p = realPacket();
    const v = new Ipv4PacketView(p, 0, p.length);
    expect(v.check()).toBeNull();
    expect(v.version).toBe(4);
    expect(v.headerLength).toBe(20);
    expect(v.totalLength).toBe(115);
    expect(v.dontFragment).toBe(true);
    expect(v.moreFragments).toBe(false);
    expect(v.isFragment).toBe(false);
    expect(v.ttl).toBe(64);
    expect(v.protocol).toBe(IpProtocol.UDP);
    expect(v.checksum).toBe(0xb861);
    expect(v.src).toBe(0xc0a80001);
    expect(v.dst).toBe(0xc0a800c7);
    expect(v.payloadOffset).toBe(20);
    expect(v.payloadLength).toBe(95);
    expect(v.optionsLength).toBe(0);
    expect([...v.options()]).toEqual([]);
  });

  it('exposes its range and writes the remaining fields', () => {
    const p = realPacket();
    const v = new Ipv4PacketView(p, 0, p.length);
    expect([v.bytes, v.offset, v.length, v.optionsOffset]).toEqual([p, 0, 115, 20]);
    v.ttl = 1;
    v.protocol = IpProtocol.ICMP;
    v.totalLength = 100;
    v.checksum = 0xabcd;
    expect(p.subarray(0, 12)).toEqual(hex('4500 0064 0000 4000 0101 abcd'));
  });

  it('recomputes 0xb861 from scratch', () => {
    const p = realPacket();
    p[10] = 0x12;
    p[11] = 0x34;
    expect(isIpv4HeaderChecksumValid(p, 0, 20)).toBe(false);
    expect(new Ipv4PacketView(p).check()).toBe('bad-checksum');
    expect(new Ipv4PacketView(p).check(false)).toBeNull();
    expect(fillIpv4HeaderChecksum(p, 0)).toBe(0xb861);
    expect(p[10]).toBe(0xb8);
    expect(p[11]).toBe(0x61);
  });

  it('decrements TTL with an incremental checksum update', () => {
    const p = realPacket();
    const v = new Ipv4PacketView(p);
    expect(v.decrementTtl()).toBe(63);
    expect(v.checksum).toBe(0xb961);
    expect(v.check()).toBeNull();
    const zero = realPacket();
    zero[8] = 0;
    fillIpv4HeaderChecksum(zero, 0);
    const before = zero.slice();
    expect(decrementIpv4Ttl(zero, 0)).toBe(0);
    expect(zero).toEqual(before);
  });

  it('accepts link padding and ignores it', () => {
    const p = new Uint8Array(0x73 + 10);
    p.set(realPacket());
    const v = new Ipv4PacketView(p, 0, p.length);
    expect(v.check()).toBeNull();
    expect(v.payloadLength).toBe(95);
  });

  it('refuses each kind of malformed header', () => {
    const variant = (edit: (p: Uint8Array) => void, refill = true): Uint8Array => {
      const p = realPacket();
      edit(p);
      if (refill) fillIpv4HeaderChecksum(p, 0);
      return p;
    };
    const failure = (p: Uint8Array, length = p.length) => new Ipv4PacketView(p, 0, length).check();
    expect(failure(realPacket(), 19)).toBe('truncated');
    expect(failure(realPacket(), 114)).toBe('truncated');
    expect(failure(variant((p) => (p[0] = 0x65)))).toBe('bad-version');
    expect(failure(variant((p) => (p[0] = 0x44), false))).toBe('bad-header-length');
    expect(failure(variant((p) => (p[3] = 19)))).toBe('bad-total-length');
    expect(failure(variant((p) => (p[6] = 0xc0)))).toBe('bad-flags');
    // IHL 6 with a 4-byte option area holding a record-route option claiming 8 bytes.
    expect(failure(variant((p) => ((p[0] = 0x46), p.set([7, 8, 4, 0], 20))))).toBe('bad-options');
    // IHL 15 but only 40 bytes available.
    expect(
      failure(
        variant((p) => (p[0] = 0x4f)),
        40,
      ),
    ).toBe('truncated');
    expect(new Ipv4PacketView(realPacket(), 100, 20).check()).toBe('truncated');
    expect(new Ipv4PacketView(realPacket(), 0.5, 20).check()).toBe('truncated');
  });

  it('writes fields in place', () => {
    const p = realPacket();
    const v = new Ipv4PacketView(p);
    v.dscp = 46;
    v.ecn = 1;
    v.identification = 0xbeef;
    v.dontFragment = false;
    v.moreFragments = true;
    v.fragmentOffset = 1480;
    v.src = 0x0a000001;
    v.dst = 0xffffffff;
    v.fillChecksum();
    expect(v.check()).toBeNull();
    expect(v.isChecksumValid).toBe(true);
    expect([v.dscp, v.ecn, v.identification, v.dontFragment, v.moreFragments, v.fragmentOffset, v.isFragment]).toEqual([
      46,
      1,
      0xbeef,
      false,
      true,
      1480,
      true,
    ]);
    expect(p.subarray(0, 20)).toEqual(
      new Uint8Array([
        0x45,
        0xb9,
        0,
        0x73,
        0xbe,
        0xef,
        0x20,
        0xb9,
        0x40,
        0x11,
        p[10],
        p[11],
        10,
        0,
        0,
        1,
        255,
        255,
        255,
        255,
      ]),
    );
  });
});

describe('options', () => {
  // NOP, record route (length 7, pointer 4, one empty slot), router alert, END, padding.
  const area = hex('01 07 07 04 00000000 94 04 0000 00 00 00 00');
  it('walks well-formed options with the cursor and the generator', () => {
    expect(area.length).toBe(16);
    expect(areIpv4OptionsWellFormed(area, 0, area.length)).toBe(true);
    const c = new Ipv4OptionCursor().reset(area, 0, area.length);
    const seen: number[][] = [];
    while (c.next()) seen.push([c.type, c.optionOffset, c.optionLength, c.dataOffset, c.dataLength]);
    expect(c.malformed).toBe(false);
    expect(seen).toEqual([
      [Ipv4OptionType.NOP, 0, 1, 1, 0],
      [Ipv4OptionType.RECORD_ROUTE, 1, 7, 3, 5],
      [Ipv4OptionType.ROUTER_ALERT, 8, 4, 10, 2],
    ]);
    expect([...ipv4Options(area, 0, area.length)]).toEqual([
      { type: 1, data: new Uint8Array(0) },
      { type: 7, data: hex('0400000000') },
      { type: 148, data: hex('0000') },
    ]);
  });

  it('stops at malformed options without throwing', () => {
    for (const bad of ['07', '07 01', '07 00 00 00', '44 09 05 00 00 00 00 00']) {
      const b = hex(bad);
      expect(areIpv4OptionsWellFormed(b, 0, b.length)).toBe(false);
      const c = new Ipv4OptionCursor().reset(b, 0, b.length);
      while (c.next());
      expect(c.malformed).toBe(true);
    }
    const c = new Ipv4OptionCursor().reset(area, 10, 100);
    expect(c.next()).toBe(false);
    expect(c.malformed).toBe(true);
  });

  it('points at the first malformed byte, with the layouts RFC 791 fixes', () => {
    const cases: Array<[string, number]> = [
      ['01 01 01 01', -1],
      ['01 83 02 00', 2], // loose source route of length 2: the length byte
      ['89 03 03 00', 2], // strict source route, pointer 3 below the minimum 4: the pointer byte
      ['07 07 00 00 00 00 00 00', 2], // record route with pointer 0
      ['44 04 04 00', 2], // timestamp, pointer 4 below the minimum 5
      ['94 02 00 00', 1], // router alert must be 4 bytes long
      ['01 07', 1], // length byte missing
      ['07 09 04 00', 1], // runs past the area
      ['00 83 02 00', -1], // after END everything is padding
    ];
    for (const [bytes, at] of cases) {
      const b = hex(bytes);
      expect([bytes, ipv4OptionsProblemAt(b, 0, b.length)]).toEqual([bytes, at]);
    }
  });
});

const optionList = fc.array(
  fc.oneof(
    fc.constant(hex('01')),
    fc
      // Types without a fixed layout; the fixed ones are checked in the options tests.
      .tuple(
        fc.integer({ min: 2, max: 255 }).filter((t) => ![7, 68, 131, 137, 148].includes(t)),
        fc.uint8Array({ maxLength: 10 }),
      )
      .map(([type, data]) => Uint8Array.from([type, data.length + 2, ...data])),
  ),
  { maxLength: 6 },
);
const optionsArea = optionList.map((opts) => {
  const flat: number[] = [];
  for (const o of opts) if (flat.length + o.length <= 40) flat.push(...o);
  while (flat.length % 4 !== 0) flat.push(0);
  return Uint8Array.from(flat);
});

const header: fc.Arbitrary<Ipv4Header> = fc.record({
  dscp: fc.integer({ min: 0, max: 63 }),
  ecn: fc.integer({ min: 0, max: 3 }),
  identification: fc.integer({ min: 0, max: 0xffff }),
  dontFragment: fc.boolean(),
  moreFragments: fc.boolean(),
  fragmentOffset: fc.integer({ min: 0, max: 0x1fff }).map((u) => u * 8),
  ttl: fc.integer({ min: 0, max: 255 }),
  protocol: fc.integer({ min: 0, max: 255 }),
  src: fc.integer({ min: 0, max: 0xffffffff }),
  dst: fc.integer({ min: 0, max: 0xffffffff }),
  options: optionsArea,
  payloadLength: fc.integer({ min: 0, max: 1500 }),
});

describe('properties', () => {
  it('parse(emit(h)) is h', () => {
    fc.assert(
      fc.property(header, fc.nat(8), (h, at) => {
        const length = ipv4HeaderLength(h);
        const buf = new Uint8Array(at + length + h.payloadLength);
        expect(emitIpv4Header(h, buf, at)).toBe(length);
        expect(parseIpv4Header(buf, at, buf.length - at)).toEqual(h);
      }),
    );
  });

  it('the incremental TTL decrement matches a full recomputation', () => {
    fc.assert(
      fc.property(header, (h) => {
        const buf = new Uint8Array(ipv4HeaderLength(h) + h.payloadLength);
        emitIpv4Header({ ...h, ttl: h.ttl === 0 ? 1 : h.ttl }, buf, 0);
        const v = new Ipv4PacketView(buf);
        v.decrementTtl();
        expect(v.isChecksumValid).toBe(true);
        const incremental = v.checksum;
        expect(v.fillChecksum()).toBe(incremental);
      }),
    );
  });

  it('never throws on arbitrary bytes and ranges', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 100 }),
      // Mostly-plausible headers so the later checks are reached too.
      fc.uint8Array({ minLength: 20, maxLength: 100 }).map((b) => {
        b[0] = 0x40 | (b[0] & 0x0f);
        b[2] = 0;
        b[3] = Math.min(b[3], b.length);
        if ((b[0] & 1) === 1 && (b[0] & 0x0f) * 4 <= b.length) fillIpv4HeaderChecksum(b, 0);
        return b;
      }),
    );
    fc.assert(
      fc.property(
        bytes,
        fc.integer({ min: -4, max: 110 }),
        fc.integer({ min: -4, max: 110 }),
        fc.boolean(),
        (b, off, len, whole) => {
          const length = whole ? b.length - off : len;
          const r = parseIpv4Header(b, off, length);
          const v = new Ipv4PacketView(b, off, length);
          const failure = v.check();
          expect('error' in r ? r.error : null).toBe(failure);
          if (failure === null) {
            expect(v.payloadOffset + v.payloadLength).toBeLessThanOrEqual(off + length);
            expect([...v.options()].length).toBeLessThanOrEqual(40);
          }
        },
      ),
    );
  });
});
