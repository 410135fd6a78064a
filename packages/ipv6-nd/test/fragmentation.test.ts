import { describe, expect, it } from 'vitest';
import { Ipv6Address, RouteTablesService, type EchoEvent, type PacketBuffer } from '@stack/core';
import { Ipv6FragmentHeaderView, Ipv6PacketView, parseIcmpv6, type Icmpv6Message } from '../src/index.js';
import { echoRequest, fragments, ipv6Packet, udp } from './helpers/packets.js';
import { connect, makeHost, world } from './helpers/scenario.js';
import { inOutcomes, ME, PEER, single, type Single } from './helpers/single.js';

const addr = (t: string) => Ipv6Address.parse(t);

/** The ICMPv6 messages the stack sent, parsed. */
function sentIcmp(s: Single): Icmpv6Message[] {
  return s.wire.take().map((p) => {
    const m = parseIcmpv6(p, 40, p.length - 40);
    if ('error' in m) throw new Error(m.error);
    return m;
  });
}

/** A UDP catcher on protocol 17: records payload lengths. */
function catchUdp(s: Single): number[] {
  const got: number[] = [];
  s.net.registerUpper(17, { input: (buf: PacketBuffer) => (got.push(buf.length), buf.release(), true) }, 'test');
  return got;
}

const payload = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 13) & 0xff);

describe('fragmentation on output (RFC 8200 §4.5)', () => {
  it('round-trips a 4000-byte echo over a 1500-byte MTU, fragmented and reassembled both ways', () => {
    const { clock, sim } = world();
    const a = makeHost(clock, 'a');
    const b = makeHost(clock, 'b');
    connect(sim, a, '2001:db8::1/64', b, '2001:db8::2/64');
    const events: EchoEvent[] = [];
    a.echo.listen(5, (e) => events.push(e));
    expect(a.echo.send({ destination: addr('2001:db8::2'), identifier: 5, sequence: 1, size: 4000 })).toBeNull();
    sim.settle();
    expect(events).toHaveLength(1);
    const reply = events[0];
    if (reply.type !== 'reply') throw new Error('expected a reply');
    expect(reply.size).toBe(4000);
    expect(reply.data.every((byte, i) => byte === (i & 0xff))).toBe(true);
    expect([a.counter('ipv6.out.fragments-created'), b.counter('ipv6.reass.ok'), b.counter('ipv6.out.fragments-created'), a.counter('ipv6.reass.ok')]).toEqual([3, 1, 3, 1]);
    expect(a.control.reassemblyUsage()).toEqual({ datagrams: 0, bytes: 0 });
    expect(a.stack.pool.stats.inUse).toBe(0);
    expect(b.stack.pool.stats.inUse).toBe(0);
  });

  it('cuts 8-byte aligned fragments with M on all but the last, one identification, header repeated', () => {
    const s = single();
    s.echo.send({ destination: addr(PEER), identifier: 1, sequence: 1, size: 4000 });
    const sent = s.wire.take();
    expect(sent.map((p) => p.length)).toEqual([1496, 1496, 1160]);
    const views = sent.map((p) => new Ipv6PacketView(p));
    expect(views.map((v) => [v.check(), v.nextHeader, v.payloadLength])).toEqual([
      [null, 44, 1456],
      [null, 44, 1456],
      [null, 44, 1120],
    ]);
    const frags = sent.map((p) => new Ipv6FragmentHeaderView(p, 40, 8));
    expect(frags.map((f) => [f.nextHeader, f.fragmentOffset, f.moreFragments])).toEqual([
      [58, 0, true],
      [58, 1448, true],
      [58, 2896, false],
    ]);
    expect(new Set(frags.map((f) => f.identification)).size).toBe(1);
  });

  it('draws identifications per destination pair, not from one global counter (RFC 7739)', () => {
    const s = single();
    const ids = (dst: string) => {
      s.echo.send({ destination: addr(dst), identifier: 1, sequence: 1, size: 2000 });
      return new Ipv6FragmentHeaderView(s.wire.take()[0], 40, 8).identification;
    };
    const a1 = ids('2001:db8::a');
    const a2 = ids('2001:db8::a');
    const b1 = ids('2001:db8::b');
    const a3 = ids('2001:db8::a');
    expect([(a2 - a1) >>> 0, (a3 - a2) >>> 0]).toEqual([1, 1]);
    expect(b1).not.toBe((a2 + 1) >>> 0);
  });

  it("refuses with 'message-too-long' when told not to fragment", () => {
    const s = single();
    expect(s.echo.send({ destination: addr(PEER), identifier: 1, sequence: 1, size: 1453, dontFragment: true })).toBe('message-too-long');
    expect(s.echo.send({ destination: addr(PEER), identifier: 1, sequence: 1, size: 1452, dontFragment: true })).toBeNull();
    const routes = s.stack.services.get(RouteTablesService);
    routes.add(0, { prefix: addr('2001:db8:1::'), prefixLength: 48, ifindex: s.ifp.index, mtu: 1280 });
    expect(s.echo.send({ destination: addr('2001:db8:1::1'), identifier: 1, sequence: 2, size: 1300, dontFragment: true })).toBe('message-too-long');
    expect(s.echo.send({ destination: addr('2001:db8:1::1'), identifier: 1, sequence: 2, size: 1300 })).toBeNull();
    expect(s.wire.take().map((p) => p.length)).toEqual([1500, 1280, 124]);
    expect(s.counter('ipv6.out.message-too-long')).toBe(2);
  });

  it('uses the link MTU advertised by routers when it is lower (RFC 4861 §6.3.4)', () => {
    const s = single();
    s.nd.linkMtus.set(s.ifp.index, 1400);
    s.echo.send({ destination: addr(PEER), identifier: 1, sequence: 1, size: 1400 });
    expect(s.wire.take().map((p) => p.length)).toEqual([1400, 104]);
  });
});

describe('reassembly (RFC 8200 §4.5, RFC 5722, RFC 6946, RFC 7112)', () => {
  const datagram = udp(PEER, ME, 1000, 2000, payload(2992)); // 3000 bytes
  const base = { src: PEER, dst: ME, id: 0x1234, nextHeader: 17 };

  it('reassembles fragments in any order and delivers the whole packet once', () => {
    const s = single();
    const got = catchUdp(s);
    const f = fragments(base, datagram, [
      [0, 1000, true],
      [1000, 1000, true],
      [2000, 1000, false],
    ]);
    s.wire.inject([f[2], f[0]]);
    expect(s.control.reassemblyUsage().datagrams).toBe(1);
    s.wire.inject([f[1]]);
    expect(got).toEqual([3000]);
    expect(s.counter('ipv6.reass.ok')).toBe(1);
    expect(s.control.reassemblyUsage()).toEqual({ datagrams: 0, bytes: 0 });
    expect(s.counter('ipv6.in.received') + s.counter('ipv6.reass.ok')).toBe(inOutcomes(s.stack));
    expect(s.stack.pool.stats.inUse).toBe(0);
  });

  it('discards the whole packet on overlapping fragments, later ones too, and ignores exact duplicates', () => {
    const s = single();
    const got = catchUdp(s);
    const f = fragments(base, datagram, [
      [0, 1000, true],
      [992, 1008, true],
      [2000, 1000, false],
      [1000, 1000, true],
    ]);
    s.wire.inject([f[0], f[0]]);
    expect(s.counter('ipv6.reass.duplicate')).toBe(1);
    s.wire.inject([f[1]]);
    expect(s.counter('ipv6.reass.overlap')).toBe(1);
    s.wire.inject([f[2], f[3]]);
    expect(got).toEqual([]);
    expect(s.counter('ipv6.reass.late-fragment')).toBe(2);
    expect(s.control.reassemblyUsage().bytes).toBe(0);
    s.clock.advance(60_000);
    expect(s.control.reassemblyUsage().datagrams).toBe(0);
    expect(s.wire.take()).toEqual([]); // a discarded packet earns no time exceeded
  });

  it('processes an atomic fragment in isolation, never merging it with a pending reassembly (RFC 6946)', () => {
    const s = single();
    const got = catchUdp(s);
    const [pending] = fragments(base, datagram, [[0, 1000, true]]);
    s.wire.inject([pending]);
    const small = udp(PEER, ME, 1, 2, payload(10));
    s.wire.inject(fragments(base, small, [[0, small.length, false]]));
    expect(got).toEqual([18]);
    expect(s.counter('ipv6.reass.atomic')).toBe(1);
    expect(s.control.reassemblyUsage().datagrams).toBe(1);
  });

  it('answers a first fragment without the whole header chain with parameter problem code 3 (RFC 7112)', () => {
    const s = single();
    const chain = new Uint8Array(24);
    chain[0] = 17; // a Destination Options header (16 bytes) then UDP — cut after 8 bytes of it
    chain[1] = 1;
    const f = ipv6Packet({ src: PEER, dst: ME, nextHeader: 60, payload: chain.subarray(0, 8), ext: [{ kind: 'fragment', offset: 0, more: true, id: 9 }] });
    s.wire.inject([f]);
    expect(s.counter('ipv6.in.incomplete-chain')).toBe(1);
    expect(sentIcmp(s)).toMatchObject([{ kind: 'parameter-problem', code: 3, pointer: 0 }]);
  });

  it('answers a non-last fragment not a multiple of 8 bytes with parameter problem at the Payload Length', () => {
    const s = single();
    s.wire.inject(fragments(base, datagram, [[0, 1001, true]]));
    expect(s.counter('ipv6.in.bad-fragment')).toBe(1);
    expect(sentIcmp(s)).toMatchObject([{ kind: 'parameter-problem', code: 0, pointer: 4 }]);
  });

  it('answers a fragment reaching beyond 65535 bytes with parameter problem at the Fragment Offset', () => {
    const s = single();
    s.wire.inject(fragments(base, payload(100), [[65528 - 64, 72, false]]).map((p) => p));
    expect(s.counter('ipv6.in.bad-fragment')).toBe(0);
    const beyond = ipv6Packet({ src: PEER, dst: ME, nextHeader: 17, payload: payload(16), ext: [{ kind: 'fragment', offset: 65528, more: false, id: 77 }] });
    s.wire.inject([beyond]);
    expect(s.counter('ipv6.in.bad-fragment')).toBe(1);
    expect(sentIcmp(s)).toMatchObject([{ kind: 'parameter-problem', code: 0, pointer: 42 }]);
  });

  it('gives up after 60 s with time exceeded code 1 only when fragment zero arrived', () => {
    const s = single();
    s.wire.inject(fragments(base, datagram, [[0, 1000, true]]));
    s.wire.inject(fragments({ ...base, id: 2 }, datagram, [[1000, 1000, true]]));
    s.clock.advance(59_999);
    expect(s.wire.take()).toEqual([]);
    s.clock.advance(1);
    const sent = sentIcmp(s);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ kind: 'time-exceeded', code: 1 });
    const quoted = (sent[0] as { quoted: Uint8Array }).quoted;
    expect(quoted.length).toBe(40 + 8 + 1000);
    expect(new Ipv6FragmentHeaderView(quoted, 40, 8).identification).toBe(0x1234);
    expect(s.counter('ipv6.reass.timeout')).toBe(2);
    expect(s.control.reassemblyUsage()).toEqual({ datagrams: 0, bytes: 0 });
  });

  it('keeps reassembly bounded: datagrams, bytes, fragments per packet', () => {
    const s = single({ reassembly: { maxDatagrams: 4, maxBytes: 8192, maxFragments: 3 } });
    for (let id = 0; id < 50; id++) s.wire.inject(fragments({ ...base, id }, datagram, [[1000, 1000, true]]));
    expect(s.control.reassemblyUsage().datagrams).toBe(4);
    expect(s.control.reassemblyUsage().bytes).toBeLessThanOrEqual(8192);
    expect(s.counter('ipv6.reass.evicted')).toBe(46);
    const many = fragments({ ...base, id: 1000 }, datagram, [
      [0, 8, true],
      [8, 8, true],
      [16, 8, true],
      [24, 8, true],
    ]);
    s.wire.inject(many);
    expect(s.counter('ipv6.reass.too-many-fragments')).toBe(1);
    expect(s.stack.pool.stats.inUse).toBe(0);
  });

  // A fragment costs the bytes it carries, not the offset it sits at: a flat store sized to the
  // highest fragment end let a few fragments near 64 KiB fill the byte bound and evict every
  // packet in progress.
  it('counts a far-offset fragment by the bytes it holds, so a few cannot evict packets in progress', () => {
    const s = single({ reassembly: { maxBytes: 64 * 1024 } });
    const got = catchUdp(s);
    const cuts: Array<[number, number, boolean]> = [
      [0, 1000, true],
      [1000, 1000, true],
      [2000, 1000, false],
    ];
    for (let id = 100; id < 104; id++) s.wire.inject(fragments({ ...base, id }, datagram, cuts.slice(0, 1)));
    expect(s.control.reassemblyUsage()).toEqual({ datagrams: 4, bytes: 4 * 1024 });
    const far = payload(64008);
    for (let id = 0; id < 40; id++) s.wire.inject(fragments({ ...base, id }, far, [[64000, 8, true]]));
    expect(s.control.reassemblyUsage()).toEqual({ datagrams: 44, bytes: 4 * 1024 + 40 * 64 });
    expect(s.counter('ipv6.reass.memory')).toBe(0);
    for (let id = 100; id < 104; id++) s.wire.inject(fragments({ ...base, id }, datagram, cuts.slice(1)));
    expect(got).toEqual([3000, 3000, 3000, 3000]);
    expect(s.control.reassemblyUsage()).toEqual({ datagrams: 40, bytes: 40 * 64 });
    s.clock.advance(60_000);
    expect(s.control.reassemblyUsage()).toEqual({ datagrams: 0, bytes: 0 });
    expect(s.stack.pool.stats.inUse).toBe(0);
  });

  it('reassembles behind a Hop-by-Hop header and delivers the fragmentable part with the right Next Header', () => {
    const s = single();
    const got = catchUdp(s);
    const hbh = { kind: 'hop-by-hop' as const, options: [{ type: 1, data: new Uint8Array(4) }] };
    const cut = (offset: number, length: number, more: boolean) =>
      ipv6Packet({ src: PEER, dst: ME, nextHeader: 17, payload: datagram.subarray(offset, offset + length), ext: [hbh, { kind: 'fragment', offset, more, id: 5 }] });
    s.wire.inject([cut(1504, 1496, false), cut(0, 1504, true)]);
    expect(got).toEqual([3000]);
  });

  it('drops a fragment found inside a reassembled packet', () => {
    const s = single();
    catchUdp(s);
    const inner = ipv6Packet({ src: PEER, dst: ME, nextHeader: 17, payload: udp(PEER, ME, 1, 2, payload(16)), ext: [{ kind: 'fragment', offset: 0, more: true, id: 99 }] }).subarray(40);
    const outer = (offset: number, length: number, more: boolean) =>
      ipv6Packet({ src: PEER, dst: ME, nextHeader: 44, payload: inner.subarray(offset, offset + length), ext: [{ kind: 'fragment', offset, more, id: 98 }] });
    s.wire.inject([outer(0, 16, true), outer(16, inner.length - 16, false)]);
    expect(s.counter('ipv6.reass.ok')).toBe(1);
    expect(s.counter('ipv6.in.bad-fragment')).toBe(1);
  });

  it('echo requests arriving in fragments are answered', () => {
    const s = single();
    const req = echoRequest(PEER, ME, 1, 2, 2000);
    s.wire.inject(fragments({ ...base, nextHeader: 58 }, req, [[0, 1232, true], [1232, req.length - 1232, false]]));
    expect(s.wire.take().length).toBe(2); // the reply, fragmented to 1500
  });
});
