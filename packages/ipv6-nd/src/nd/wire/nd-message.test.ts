import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  emitNdMessage,
  type NdMessage,
  ndMessageLength,
  type NdOption,
  NdOptionScan,
  NeighborAdvertisementView,
  parseNdMessage,
  RouterAdvertisementView,
} from './index.js';

const addr = fc.uint8Array({ minLength: 16, maxLength: 16 });
/** Bodies whose length + 2 is a multiple of 8, so parse returns exactly what was emitted. */
const body = fc.integer({ min: 0, max: 3 }).chain((n) => fc.uint8Array({ minLength: 6 + 8 * n, maxLength: 6 + 8 * n }));
const u32 = fc.integer({ min: 0, max: 0xffff_ffff });

const option: fc.Arbitrary<NdOption> = fc.oneof(
  fc.record({ type: fc.constantFrom('source-link-address' as const, 'target-link-address' as const), address: body }),
  fc.record({
    type: fc.constant('prefix-information' as const),
    prefixLength: fc.integer({ min: 0, max: 255 }),
    onLink: fc.boolean(),
    autonomous: fc.boolean(),
    otherFlags: fc.integer({ min: 0, max: 0x3f }),
    validLifetime: u32,
    preferredLifetime: u32,
    prefix: addr,
  }),
  fc.record({ type: fc.constant('redirected-header' as const), data: fc.integer({ min: 0, max: 4 }).chain((n) => fc.uint8Array({ minLength: 8 * n, maxLength: 8 * n })) }),
  fc.record({ type: fc.constant('mtu' as const), mtu: u32 }),
  fc.record({ type: fc.constant('nonce' as const), nonce: body }),
  fc.record({ type: fc.constant('rdnss' as const), lifetime: u32, servers: fc.array(addr, { minLength: 1, maxLength: 3 }) }),
  fc.record({ type: fc.constant('unknown' as const), code: fc.constantFrom(6, 7, 24, 31, 200), body }),
);
const options = fc.array(option, { maxLength: 5 });
const code = fc.integer({ min: 0, max: 255 });

const message: fc.Arbitrary<NdMessage> = fc.oneof(
  fc.record({ kind: fc.constant('router-solicitation' as const), code, options }),
  fc.record({
    kind: fc.constant('router-advertisement' as const),
    code,
    curHopLimit: fc.integer({ min: 0, max: 255 }),
    flags: fc.integer({ min: 0, max: 255 }),
    routerLifetime: fc.integer({ min: 0, max: 0xffff }),
    reachableTime: u32,
    retransTimer: u32,
    options,
  }),
  fc.record({ kind: fc.constant('neighbor-solicitation' as const), code, target: addr, options }),
  fc.record({ kind: fc.constant('neighbor-advertisement' as const), code, router: fc.boolean(), solicited: fc.boolean(), override: fc.boolean(), target: addr, options }),
  fc.record({ kind: fc.constant('redirect' as const), code, target: addr, destination: addr, options }),
);

describe('ND messages (RFC 4861 §4)', () => {
  it('parse ∘ emit is the identity, and length() is what emit writes', () => {
    fc.assert(
      fc.property(message, fc.integer({ min: 0, max: 7 }), (m, at) => {
        const bytes = new Uint8Array(at + ndMessageLength(m));
        expect(emitNdMessage(m, bytes, at)).toBe(ndMessageLength(m));
        expect(parseNdMessage(bytes, at, bytes.length - at)).toEqual(m);
      }),
    );
  });

  it('never throws on random bytes, and the scan agrees with the parser about option validity', () => {
    const scan = new NdOptionScan();
    fc.assert(
      fc.property(fc.constantFrom(133, 134, 135, 136, 137), fc.uint8Array({ maxLength: 120 }), fc.integer({ min: -2, max: 130 }), (type, rest, length) => {
        const bytes = Uint8Array.from([type, ...rest]);
        const parsed = parseNdMessage(bytes, 0, length);
        if ('error' in parsed) return;
        const fixed = { 133: 8, 134: 16, 135: 24, 136: 24, 137: 40 }[type]!;
        expect(scan.scan(bytes, fixed, length)).toBeNull();
      }),
    );
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), fc.integer({ min: 0, max: 90 }), (bytes, length) => void parseNdMessage(bytes, 0, length)));
  });

  it('refuses zero-length options, options past the end and misshapen known options', () => {
    const ns = (opts: number[]) => Uint8Array.from([135, 0, 0, 0, 0, 0, 0, 0, ...new Array(16).fill(0), ...opts]);
    expect(parseNdMessage(ns([1, 0, 0, 0, 0, 0, 0, 0]), 0, 32)).toEqual({ error: 'zero-option-length' });
    expect(parseNdMessage(ns([1, 2, 0, 0, 0, 0, 0, 0]), 0, 32)).toEqual({ error: 'option-overrun' });
    expect(parseNdMessage(ns([1]), 0, 25)).toEqual({ error: 'option-overrun' });
    expect(parseNdMessage(ns([5, 2, ...new Array(14).fill(0)]), 0, 40)).toEqual({ error: 'bad-option' });
    expect(parseNdMessage(ns([]), 0, 23)).toEqual({ error: 'truncated' });
    expect(parseNdMessage(Uint8Array.from([128, 0, 0, 0]), 0, 4)).toEqual({ error: 'wrong-type' });
    const scan = new NdOptionScan();
    const bytes = ns([1, 0]);
    expect(scan.scan(bytes, 24, 26)).toBe('zero-option-length');
  });

  it('views read what the plain objects wrote', () => {
    const m: NdMessage = {
      kind: 'neighbor-advertisement', code: 0, router: true, solicited: false, override: true,
      target: Uint8Array.from({ length: 16 }, (_, i) => i), options: [{ type: 'target-link-address', address: Uint8Array.of(2, 0, 0, 0, 0, 1) }],
    };
    const bytes = new Uint8Array(ndMessageLength(m));
    emitNdMessage(m, bytes, 0);
    const view = new NeighborAdvertisementView(bytes, 0, bytes.length);
    expect(view.check()).toBeNull();
    expect([view.router, view.solicited, view.override]).toEqual([true, false, true]);
    expect(bytes[view.targetOffset + 15]).toBe(15);
    const scan = new NdOptionScan();
    expect(scan.scan(bytes, view.optionsOffset, view.end)).toBeNull();
    expect([...bytes.subarray(scan.tllaOffset, scan.tllaOffset + scan.tllaLength)]).toEqual([2, 0, 0, 0, 0, 1]);
    const ra = new RouterAdvertisementView(bytes, 0, bytes.length);
    expect(ra.check()).toBe('wrong-type');
  });

  it('reads the RFC 4191 router preference', () => {
    const bytes = new Uint8Array(16);
    bytes[0] = 134;
    const view = new RouterAdvertisementView(bytes, 0, 16);
    const prf = (bits: number) => {
      view.flags = bits << 3;
      return view.preference;
    };
    expect([prf(0), prf(1), prf(2), prf(3)]).toEqual([0, 1, -2, -1]);
  });
});
