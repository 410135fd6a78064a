import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hexBytes } from '@stack/sim';
import {
  areIpv6OptionsWellFormed,
  emitIpv6FragmentHeader,
  emitIpv6OptionsHeader,
  emitIpv6RoutingHeader,
  ipv6ExtensionHeaderLength,
  Ipv6FragmentHeaderView,
  Ipv6NextHeader,
  ipv6OptionAction,
  Ipv6OptionAction,
  Ipv6OptionCursor,
  ipv6OptionMayChange,
  ipv6Options,
  ipv6OptionsHeaderLength,
  Ipv6OptionType,
  Ipv6RoutingHeaderView,
  isIpv6ExtensionHeader,
  padIpv6Options,
  parseIpv6FragmentHeader,
  parseIpv6OptionsHeader,
  parseIpv6RoutingHeader,
  type Ipv6FragmentHeader,
  type Ipv6Option,
  type Ipv6OptionsHeader,
  type Ipv6RoutingHeader,
} from './index.js';

const hex = hexBytes;

const option: fc.Arbitrary<Ipv6Option> = fc.oneof(
  fc.constant({ type: Ipv6OptionType.PAD1, data: new Uint8Array(0) }),
  fc.record({ type: fc.integer({ min: 1, max: 255 }), data: fc.uint8Array({ maxLength: 20 }) }),
);
const optionsHeader: fc.Arbitrary<Ipv6OptionsHeader> = fc.record({
  nextHeader: fc.integer({ min: 0, max: 255 }),
  options: fc.array(option, { maxLength: 6 }).map(padIpv6Options),
});
const routingHeader: fc.Arbitrary<Ipv6RoutingHeader> = fc.record({
  nextHeader: fc.integer({ min: 0, max: 255 }),
  routingType: fc.integer({ min: 0, max: 255 }),
  segmentsLeft: fc.integer({ min: 0, max: 255 }),
  data: fc.integer({ min: 0, max: 6 }).chain((n) => fc.uint8Array({ minLength: 4 + 8 * n, maxLength: 4 + 8 * n })),
});
const fragmentHeader: fc.Arbitrary<Ipv6FragmentHeader> = fc.record({
  nextHeader: fc.integer({ min: 0, max: 255 }),
  fragmentOffset: fc.integer({ min: 0, max: 8191 }).map((n) => n * 8),
  moreFragments: fc.boolean(),
  identification: fc.integer({ min: 0, max: 0xffffffff }),
});
const hostile = fc.tuple(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: -3, max: 70 }), fc.integer({ min: -3, max: 70 }));

describe('extension header types', () => {
  it('names the RFC 7045 extension headers and nothing else', () => {
    const known = [0, 43, 44, 50, 51, 60, 135, 139, 140, 253, 254];
    for (let nh = 0; nh < 256; nh++) expect(isIpv6ExtensionHeader(nh)).toBe(known.includes(nh));
  });

  it('reads lengths per type: fragment 8, AH in 4-byte units, the rest in 8-byte units', () => {
    const b = hex('3a02 0000 0000 0000');
    expect(ipv6ExtensionHeaderLength(Ipv6NextHeader.FRAGMENT, b, 0, 8)).toBe(8);
    expect(ipv6ExtensionHeaderLength(Ipv6NextHeader.AH, b, 0, 8)).toBe(16);
    expect(ipv6ExtensionHeaderLength(Ipv6NextHeader.DESTINATION_OPTIONS, b, 0, 8)).toBe(24);
    expect(ipv6ExtensionHeaderLength(Ipv6NextHeader.ESP, b, 0, 8)).toBe(-1);
    expect(ipv6ExtensionHeaderLength(Ipv6NextHeader.UDP, b, 0, 8)).toBe(-1);
    expect(ipv6ExtensionHeaderLength(Ipv6NextHeader.ROUTING, b, 7, 8)).toBe(-1);
    expect(ipv6ExtensionHeaderLength(Ipv6NextHeader.ROUTING, b, 0, 9)).toBe(-1);
  });
});

describe('options', () => {
  // Router Alert (MLD) followed by PadN of 0 data bytes: a Hop-by-Hop header as MLD sends it.
  const hopByHop = hex('3a00 0502 0000 0100');

  it('walks a real Hop-by-Hop header: Router Alert then PadN', () => {
    const c = new Ipv6OptionCursor().reset(hopByHop, 2, 6);
    const seen: number[][] = [];
    while (c.next()) seen.push([c.type, c.optionOffset, c.optionLength, c.dataOffset, c.dataLength]);
    expect(c.malformed).toBe(false);
    expect(seen).toEqual([
      [Ipv6OptionType.ROUTER_ALERT, 2, 4, 4, 2],
      [Ipv6OptionType.PADN, 6, 2, 8, 0],
    ]);
    expect(parseIpv6OptionsHeader(hopByHop, 0, 8)).toEqual({
      nextHeader: 58,
      options: [
        { type: 5, data: hex('0000') },
        { type: 1, data: new Uint8Array(0) },
      ],
    });
  });

  it('decodes the action and may-change bits of an option type (RFC 8200 §4.2)', () => {
    expect([0x05, 0x45, 0x85, 0xc2].map(ipv6OptionAction)).toEqual([
      Ipv6OptionAction.SKIP,
      Ipv6OptionAction.DISCARD,
      Ipv6OptionAction.DISCARD_ICMP,
      Ipv6OptionAction.DISCARD_ICMP_UNICAST,
    ]);
    expect([ipv6OptionMayChange(0x3e), ipv6OptionMayChange(0x1e)]).toEqual([true, false]);
  });

  it('stops at an option running past its header and says so', () => {
    const bad = hex('3a00 0508 0000 0000');
    expect(areIpv6OptionsWellFormed(bad, 2, 6)).toBe(false);
    expect(parseIpv6OptionsHeader(bad, 0, 8)).toEqual({ error: 'bad-options' });
    expect(parseIpv6OptionsHeader(hex('3a01 0000'), 0, 4)).toEqual({ error: 'truncated' });
    expect([...ipv6Options(bad, 2, 6)]).toEqual([]);
    const lone = hex('3a00 0000 0000 0001');
    expect(areIpv6OptionsWellFormed(lone, 2, 6)).toBe(false);
  });

  it('pads to a multiple of 8 with Pad1 or PadN', () => {
    for (let n = 0; n < 20; n++) {
      const h = { nextHeader: 59, options: [{ type: 0x3e, data: new Uint8Array(n) }] };
      const out = new Uint8Array(64);
      const len = emitIpv6OptionsHeader(h, out, 0);
      expect(len % 8).toBe(0);
      expect(len).toBe(ipv6OptionsHeaderLength(h));
      expect(areIpv6OptionsWellFormed(out, 2, len - 2)).toBe(true);
      expect(parseIpv6OptionsHeader(out, 0, len)).toEqual({ nextHeader: 59, options: padIpv6Options(h.options) });
    }
  });

  it('parse∘emit is the identity (property)', () => {
    fc.assert(
      fc.property(optionsHeader, (h) => {
        const out = new Uint8Array(ipv6OptionsHeaderLength(h) + 3);
        const len = emitIpv6OptionsHeader(h, out, 3);
        expect(parseIpv6OptionsHeader(out, 3, len)).toEqual(h);
      }),
    );
  });

  it('emit∘parse gives the same bytes back for any well-formed header (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 64 }), (raw) => {
        raw[1] = Math.min(raw[1], (raw.length >>> 3) - 1);
        const parsed = parseIpv6OptionsHeader(raw, 0, raw.length);
        if ('error' in parsed) return;
        const out = new Uint8Array(raw.length);
        const len = emitIpv6OptionsHeader(parsed, out, 0);
        expect(out.subarray(0, len)).toEqual(raw.subarray(0, len));
      }),
    );
  });

  it('never throws on random bytes; well-formed options fill the area exactly (property)', () => {
    fc.assert(
      fc.property(hostile, ([raw, offset, length]) => {
        parseIpv6OptionsHeader(raw, offset, length);
        const c = new Ipv6OptionCursor().reset(raw, offset, length);
        let covered = 0;
        while (c.next()) covered += c.optionLength;
        if (!c.malformed) expect(covered).toBe(length);
      }),
    );
  });
});

describe('Routing header', () => {
  it('reads a type 0 header with one segment left', () => {
    const b = new Uint8Array(24);
    b.set(hex('3a02 0001 0000 0000'));
    const v = new Ipv6RoutingHeaderView(b, 0, 24);
    expect(v.check()).toBeNull();
    expect([v.nextHeader, v.headerLength, v.routingType, v.segmentsLeft, v.dataOffset]).toEqual([58, 24, 0, 1, 4]);
    expect(new Ipv6RoutingHeaderView(b, 0, 23).check()).toBe('truncated');
  });

  it('parse∘emit is the identity (property)', () => {
    fc.assert(
      fc.property(routingHeader, (h) => {
        const out = new Uint8Array(4 + h.data.length);
        expect(emitIpv6RoutingHeader(h, out, 0)).toBe(out.length);
        expect(parseIpv6RoutingHeader(out, 0, out.length)).toEqual(h);
      }),
    );
  });

  it('refuses to emit a length that is not a multiple of 8', () => {
    expect(() => emitIpv6RoutingHeader({ nextHeader: 59, routingType: 4, segmentsLeft: 0, data: new Uint8Array(5) }, new Uint8Array(9), 0)).toThrow(RangeError);
  });

  it('never throws on random bytes (property)', () => {
    fc.assert(fc.property(hostile, ([raw, offset, length]) => void parseIpv6RoutingHeader(raw, offset, length)));
  });
});

describe('Fragment header', () => {
  it('reads offset, M flag and identification, and recognises atomic fragments', () => {
    const b = hex('1100 05a9 dead beef');
    const v = new Ipv6FragmentHeaderView(b, 0, 8);
    expect(v.check()).toBeNull();
    expect([v.nextHeader, v.fragmentOffset, v.moreFragments, v.identification, v.isAtomic]).toEqual([17, 1448, true, 0xdeadbeef, false]);
    expect(new Ipv6FragmentHeaderView(hex('1100 0006 0000 0001')).isAtomic).toBe(true); // reserved bits ignored
    v.moreFragments = false;
    v.fragmentOffset = 8;
    expect([v.fragmentOffset, v.moreFragments]).toEqual([8, false]);
    expect(new Ipv6FragmentHeaderView(b, 1, 7).check()).toBe('truncated');
  });

  it('parse∘emit is the identity (property)', () => {
    fc.assert(
      fc.property(fragmentHeader, (h) => {
        const out = new Uint8Array(8);
        emitIpv6FragmentHeader(h, out, 0);
        expect(parseIpv6FragmentHeader(out, 0, 8)).toEqual(h);
      }),
    );
  });

  it('never throws on random bytes (property)', () => {
    fc.assert(fc.property(hostile, ([raw, offset, length]) => void parseIpv6FragmentHeader(raw, offset, length)));
  });
});
