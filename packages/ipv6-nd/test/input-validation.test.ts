import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressFlags, Verdict, type PacketBuffer } from '@stack/core';
import { PtpDriver } from '@stack/sim';
import { Ipv6InputHook, parseIcmpv6, type Icmpv6Message } from '../src/index.js';
import { echoRequest, hex, icmpv6, ipv6Packet, udp, type Ext } from './helpers/packets.js';
import { inOutcomes, ME, ME_LL, PEER, PEER_LL, single, type Single } from './helpers/single.js';

/** The ICMPv6 messages the stack sent, parsed. */
function sentIcmp(s: Single): Icmpv6Message[] {
  return s.wire.take().map((p) => {
    const m = parseIcmpv6(p, 40, p.length - 40);
    if ('error' in m) throw new Error(m.error);
    return m;
  });
}

/** A protocol-17 catcher: records payload lengths. */
function catchUdp(s: Single): number[] {
  const got: number[] = [];
  s.net.registerUpper(17, { input: (buf: PacketBuffer) => (got.push(buf.length), buf.release(), true) }, 'test');
  return got;
}

const datagram = udp(PEER, ME, 1, 2, new Uint8Array(4));
const toMe = (ext: Ext[] = [], nextHeader = 17, payload = datagram, extra: Partial<Parameters<typeof ipv6Packet>[0]> = {}) =>
  ipv6Packet({ src: PEER, dst: ME, nextHeader, payload, ext, ...extra });

/** A Destination Options header holding one 2-byte option of `type`. */
const opt = (type: number): Ext[] => [{ kind: 'destination', options: [{ type, data: new Uint8Array(2) }] }];

/** Every received packet ends in exactly one ipv6.in outcome counter. */
function balanced(s: Single): void {
  expect(inOutcomes(s.stack)).toBe(s.counter('ipv6.in.received') + s.counter('ipv6.reass.ok'));
  expect(s.stack.pool.stats.inUse).toBe(0);
}

describe('IPv6 header validation (RFC 8200 §3, RFC 4291)', () => {
  it('drops short packets, a Payload Length beyond the frame and other versions, each counted', () => {
    const s = single();
    const good = toMe();
    const v4 = good.slice();
    v4[0] = 0x45;
    const long = good.slice();
    long[5] += 1;
    s.wire.inject([good.subarray(0, 39), long, v4]);
    expect([s.counter('ipv6.in.truncated'), s.counter('ipv6.in.bad-version')]).toEqual([2, 1]);
    expect(s.wire.take()).toEqual([]);
    balanced(s);
  });

  it('trims link padding after the packet', () => {
    const s = single();
    const got = catchUdp(s);
    const padded = new Uint8Array(toMe().length + 20);
    padded.set(toMe());
    s.wire.inject([padded]);
    expect(got).toEqual([12]);
  });

  it('refuses impossible sources and destinations', () => {
    const s = single();
    const cases: Array<[string, string, string]> = [
      ['ff02::1', ME, 'bad-source'],
      ['::1', ME, 'bad-source'],
      ['::ffff:192.0.2.1', ME, 'bad-source'],
      [PEER, '::', 'bad-destination'],
      [PEER, '::1', 'bad-destination'],
      [PEER, '::ffff:192.0.2.1', 'bad-destination'],
      [PEER, 'ff00::1', 'bad-destination'],
      [PEER, 'ff01::1', 'bad-destination'],
    ];
    for (const [src, dst] of cases) s.wire.inject([ipv6Packet({ src, dst, nextHeader: 58, payload: echoRequest(src, dst, 1, 1) })]);
    expect([s.counter('ipv6.in.bad-source'), s.counter('ipv6.in.bad-destination')]).toEqual([3, 5]);
    expect(s.wire.take()).toEqual([]);
    balanced(s);
  });

  it('accepts a link-local destination only on its own interface, and never a tentative address', () => {
    const s = single();
    const got = catchUdp(s);
    s.wire.inject([ipv6Packet({ src: PEER_LL, dst: ME_LL, nextHeader: 17, payload: datagram })]);
    expect(got).toHaveLength(1);
    s.stack.interfaces.add({ name: 'raw1', type: 'ptp', driver: new PtpDriver({ name: 'raw1', protocol: 0x86dd }) }).addAddress({ address: 'fe80::77/64', flags: AddressFlags.NODAD });
    s.wire.inject([ipv6Packet({ src: PEER_LL, dst: 'fe80::77', nextHeader: 17, payload: datagram })]);
    s.ifp.addAddress({ address: '2001:db8::5/64', flags: AddressFlags.TENTATIVE });
    s.wire.inject([ipv6Packet({ src: PEER, dst: '2001:db8::5', nextHeader: 17, payload: datagram })]);
    expect(got).toHaveLength(1);
    expect(s.counter('ipv6.in.not-for-us')).toBe(2);
    balanced(s);
  });

  it('runs the ipv6.input hooks: drop, consume and replace', () => {
    const s = single();
    const got = catchUdp(s);
    let verdict: number = Verdict.DROP;
    s.stack.hooks.register(Ipv6InputHook, { id: 'test', fn: (buf, _ifp, result) => {
      if (verdict === Verdict.CONSUMED) buf.release();
      if (verdict === Verdict.REPLACE) result.replacement = buf;
      return verdict as 0;
    } }, 'test');
    s.wire.inject([toMe()]);
    verdict = Verdict.CONSUMED;
    s.wire.inject([toMe()]);
    verdict = Verdict.REPLACE;
    s.wire.inject([toMe()]);
    expect([s.counter('ipv6.in.hook-dropped'), s.counter('ipv6.in.hook-consumed'), got.length]).toEqual([1, 1, 1]);
    balanced(s);
  });
});

describe('extension header chain (RFC 8200 §4)', () => {
  it('answers an unknown Next Header with parameter problem code 1 pointing at the field that named it', () => {
    const s = single();
    s.wire.inject([toMe([], 200, new Uint8Array(8))]);
    s.wire.inject([toMe([{ kind: 'destination', options: [] }], 200, new Uint8Array(8))]);
    expect(sentIcmp(s)).toMatchObject([
      { kind: 'parameter-problem', code: 1, pointer: 6 },
      { kind: 'parameter-problem', code: 1, pointer: 40 },
    ]);
    expect(s.counter('ipv6.in.unknown-next-header')).toBe(2);
    balanced(s);
  });

  it('treats a Hop-by-Hop header anywhere but first as an unrecognised Next Header', () => {
    const s = single();
    s.wire.inject([toMe([{ kind: 'destination', options: [] }, { kind: 'hop-by-hop', options: [] }])]);
    expect(sentIcmp(s)).toMatchObject([{ kind: 'parameter-problem', code: 1, pointer: 40 }]);
  });

  it('walks Hop-by-Hop, Destination Options and an exhausted Routing header to the upper layer', () => {
    const s = single();
    const got = catchUdp(s);
    s.wire.inject([
      toMe([
        { kind: 'hop-by-hop', options: [{ type: 0x05, data: new Uint8Array(2) }] },
        { kind: 'destination', options: [{ type: 0x1e, data: new Uint8Array(3) }] },
        { kind: 'routing', routingType: 0, segmentsLeft: 0, data: new Uint8Array(20) },
        { kind: 'destination', options: [] },
      ]),
    ]);
    expect(got).toEqual([12]);
    s.wire.inject([toMe([], 59, new Uint8Array(0))]);
    expect(s.counter('ipv6.in.no-next-header')).toBe(1);
    balanced(s);
  });

  it('refuses a Routing header with segments left: type 0 (RFC 5095) and any other type alike', () => {
    const s = single();
    const got = catchUdp(s);
    s.wire.inject([toMe([{ kind: 'routing', routingType: 0, segmentsLeft: 1, data: new Uint8Array(20) }])]);
    s.wire.inject([toMe([{ kind: 'destination', options: [] }, { kind: 'routing', routingType: 4, segmentsLeft: 2, data: new Uint8Array(36) }])]);
    expect(got).toEqual([]);
    expect(sentIcmp(s)).toMatchObject([
      { kind: 'parameter-problem', code: 0, pointer: 42 },
      { kind: 'parameter-problem', code: 0, pointer: 50 },
    ]);
    expect(s.counter('ipv6.in.routing-header')).toBe(2);
  });

  it('drops chains longer than the bounds: headers and bytes', () => {
    const s = single({ extensionHeaders: { maxHeaders: 3, maxBytes: 64 } });
    const got = catchUdp(s);
    const dest = { kind: 'destination' as const, options: [] };
    s.wire.inject([toMe([dest, dest, dest])]);
    s.wire.inject([toMe([dest, dest, dest, dest])]);
    s.wire.inject([toMe([{ kind: 'destination', options: [{ type: 0x1e, data: new Uint8Array(61) }] }])]);
    expect(got).toEqual([12]);
    expect([s.counter('ipv6.in.too-many-headers'), s.counter('ipv6.in.headers-too-long')]).toEqual([1, 1]);
    balanced(s);
  });

  it('drops an extension header that runs past the packet', () => {
    const s = single();
    s.wire.inject([toMe([{ kind: 'raw', type: 60, bytes: hex('0004 0000 0000 0000') }], 17, new Uint8Array(0))]);
    s.wire.inject([toMe([{ kind: 'raw', type: 0, bytes: hex('0004 0000 0000 0000') }], 17, new Uint8Array(0))]);
    expect(s.counter('ipv6.in.bad-extension-header')).toBe(2);
    balanced(s);
  });
});

describe('options (RFC 8200 §4.2)', () => {
  it('skips, discards, or discards with parameter problem code 2 by the action bits of an unknown option', () => {
    const s = single();
    const got = catchUdp(s);
    s.wire.inject([toMe(opt(0x1e))]);
    s.wire.inject([toMe(opt(0x5e))]);
    s.wire.inject([toMe(opt(0x9e))]);
    s.wire.inject([toMe(opt(0xde))]);
    expect(got).toEqual([12]);
    expect(s.counter('ipv6.in.unknown-option')).toBe(3);
    expect(sentIcmp(s)).toMatchObject([
      { kind: 'parameter-problem', code: 2, pointer: 42 },
      { kind: 'parameter-problem', code: 2, pointer: 42 },
    ]);
  });

  it('answers action 10 even to a multicast destination, action 11 only to unicast', () => {
    const s = single();
    const to = (type: number) => ipv6Packet({ src: PEER, dst: 'ff02::1', nextHeader: 17, payload: datagram, ext: opt(type) });
    s.wire.inject([to(0x9e), to(0xde)]);
    expect(sentIcmp(s)).toMatchObject([{ kind: 'parameter-problem', code: 2, pointer: 42 }]);
  });

  it('drops malformed options, long padding and PadN carrying data; bounds the option count', () => {
    const s = single({ extensionHeaders: { maxOptions: 2 } });
    const raw = (bytes: string) => toMe([{ kind: 'raw', type: 60, bytes: hex(bytes) }]);
    s.wire.inject([raw('0000 0109 0000 0000')]); // PadN running past the header
    s.wire.inject([raw('0001 0100 0000 0000 0100 0000 0000 0000')]); // 8 bytes of padding in a row
    s.wire.inject([raw('0000 0104 0000 0100')]); // PadN with a non-zero byte
    s.wire.inject([raw('0000 1e00 1e00 1e00')]); // three options, two allowed
    expect([s.counter('ipv6.in.bad-options'), s.counter('ipv6.in.too-many-options')]).toEqual([3, 1]);
    balanced(s);
  });

  it('notes a Router Alert in Hop-by-Hop for the upper layers (MLD)', () => {
    const s = single();
    const alerted: boolean[] = [];
    s.net.registerUpper(17, { input: (b) => (alerted.push((b.flags & (1 << 16)) !== 0), b.release(), true) }, 'test');
    s.wire.inject([toMe([{ kind: 'hop-by-hop', options: [{ type: 5, data: new Uint8Array(2) }] }])]);
    s.wire.inject([toMe()]);
    expect(alerted).toEqual([true, false]);
  });
});

describe('when ICMPv6 errors are sent (RFC 4443 §2.4)', () => {
  it('never about an ICMPv6 error message or a redirect', () => {
    const s = single();
    const error = icmpv6(PEER, ME, { kind: 'time-exceeded', code: 0, quoted: new Uint8Array(48) });
    const redirect = icmpv6(PEER, ME, { kind: 'other', type: 137, code: 0, restOfHeader: 0, data: new Uint8Array(32) });
    s.wire.inject([toMe(opt(0x9e), 58, error), toMe(opt(0x9e), 58, redirect), toMe(opt(0x9e), 58, echoRequest(PEER, ME, 1, 1))]);
    expect(sentIcmp(s)).toHaveLength(1);
    expect(s.counter('icmp6.out.suppressed')).toBe(2);
  });

  it('never to the unspecified source, nor about a packet sent to a group (code 1 is no exception)', () => {
    const s = single();
    s.wire.inject([ipv6Packet({ src: '::', dst: ME, nextHeader: 200, payload: new Uint8Array(8) })]);
    s.wire.inject([ipv6Packet({ src: PEER, dst: 'ff02::1', nextHeader: 200, payload: new Uint8Array(8) })]);
    s.wire.inject([toMe([], 200, new Uint8Array(8))], 2); // unicast in a link-layer multicast
    expect(s.wire.take()).toEqual([]);
    expect(s.counter('icmp6.out.suppressed')).toBe(3);
  });

  it('rate-limits errors with a token bucket (§2.4 (f))', () => {
    const s = single({ icmpRateLimit: { perSecond: 10, burst: 5 } });
    for (let i = 0; i < 20; i++) s.wire.inject([toMe([], 200, new Uint8Array(8))]);
    expect(s.wire.take()).toHaveLength(5);
    expect(s.counter('icmp6.out.rate-limited')).toBe(15);
    s.clock.advance(300);
    for (let i = 0; i < 20; i++) s.wire.inject([toMe([], 200, new Uint8Array(8))]);
    expect(s.wire.take()).toHaveLength(3);
  });

  it('quotes as much of the invoking packet as fits in 1280 bytes', () => {
    const s = single();
    s.wire.inject([toMe([], 200, new Uint8Array(1400))]);
    const [error] = s.wire.take();
    expect(error.length).toBe(1280);
  });
});

describe('hostile input', () => {
  it('never throws on random packets, counts every one, and holds no buffer (property)', () => {
    const s = single({ extensionHeaders: { maxHeaders: 4 } });
    catchUdp(s);
    const types = [0, 43, 44, 60, 58, 17, 59, 51, 50, 200];
    fc.assert(
      fc.property(
        fc.constantFrom(...types),
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom(ME, ME_LL, 'ff02::1', PEER, '2001:db8::1:2'),
        fc.integer({ min: 0, max: 3 }),
        (nextHeader, payload, dst, linkFlags) => {
          const before = s.counter('ipv6.in.received');
          s.wire.inject([ipv6Packet({ src: PEER, dst, nextHeader, payload })], linkFlags);
          expect(s.counter('ipv6.in.received')).toBe(before + 1);
          s.wire.take();
          balanced(s);
        },
      ),
      { numRuns: 400 },
    );
    expect(s.counter('stack.input-errors')).toBe(0);
  });

  it('never throws on ICMPv6 messages with valid checksums and random bodies, quoted packets included (property)', () => {
    const s = single();
    s.net.registerUpper(17, { input: (b) => (b.release(), true), error: () => {} }, 'test');
    fc.assert(
      fc.property(
        fc.constantFrom(1, 2, 3, 4, 100, 128, 129, 133, 134, 135, 136, 137, 143, 200),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.uint8Array({ maxLength: 200 }),
        fc.boolean(),
        (type, code, rest, body, quoteOurs) => {
          // Half the time the body starts like a packet we sent, so error handling walks it.
          if (quoteOurs && body.length >= 40) {
            body[0] = 0x60;
            body.set(ipv6Packet({ src: ME, dst: PEER, nextHeader: 17, payload: new Uint8Array(0) }).subarray(8, 40), 8);
          }
          const message = icmpv6(PEER, ME, { kind: 'other', type, code, restOfHeader: rest, data: body });
          s.wire.inject([toMe([], 58, message)]);
          s.wire.take();
          balanced(s);
        },
      ),
      { numRuns: 400 },
    );
    expect(s.counter('stack.input-errors')).toBe(0);
    expect(s.control.pathMtus().every((p) => p.mtu >= 1280)).toBe(true);
  });

  it('never throws on random bytes after a valid fixed header (property)', () => {
    const s = single();
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 40, maxLength: 200 }), (raw) => {
        raw[0] = 0x60 | (raw[0] & 0x0f);
        raw[4] = 0;
        raw[5] = Math.min(raw[5], raw.length - 40);
        raw.set(ipv6Packet({ src: PEER, dst: ME, nextHeader: 0, payload: new Uint8Array(0) }).subarray(8, 40), 8);
        s.wire.inject([raw]);
        s.wire.take();
        balanced(s);
      }),
      { numRuns: 400 },
    );
    expect(s.counter('stack.input-errors')).toBe(0);
  });
});
