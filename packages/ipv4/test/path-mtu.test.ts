import { describe, expect, it } from 'vitest';
import {
  Ipv4Address,
  Ipv6Address,
  NetworkProtocolService,
  RouteTablesService,
  type EchoEvent,
  type NetworkProtocol,
  type PacketBuffer,
  type TransportErrorReport,
} from '@stack/core';
import { PTP_HEADER_LENGTH, type SimEndpoint } from '@stack/sim';
import { emitIcmpv4, Icmpv4Type, Icmpv4UnreachableCode, Ipv4PacketView, ipv4Module, type Ipv4ModuleOptions } from '../src/index.js';
import { ip, ipv4Packet } from './helpers/packets.js';
import { connect, makeHost, world, type Host } from './helpers/scenario.js';
import { single as bare, type Single } from './helpers/single.js';

const addr = (t: string) => Ipv4Address.parse(t);
const ME = '192.0.2.1';
const ROUTER = '192.0.2.254';
const FAR = '198.51.100.1';

/** One stack (192.0.2.1/24 on raw0) with a default route through 192.0.2.254. */
function single(options?: Ipv4ModuleOptions): Single & { net: NetworkProtocol } {
  const s = bare(options);
  s.stack.services.get(RouteTablesService).add(0, { prefix: addr('0.0.0.0'), prefixLength: 0, gateway: addr(ROUTER), ifindex: s.ifp.index });
  return { ...s, net: s.stack.services.get(NetworkProtocolService, 'ipv4') };
}

/** An ICMP fragmentation needed (type 3 code 4) from the router reporting `mtu`, quoting `quoted` (header + 8 bytes kept). */
function fragNeeded(s: Single, mtu: number, quoted: Uint8Array, from = ROUTER): void {
  const q = quoted.subarray(0, Math.min(quoted.length, 20 + 8));
  const icmp = new Uint8Array(8 + q.length);
  emitIcmpv4({ kind: 'destination-unreachable', code: Icmpv4UnreachableCode.FRAGMENTATION_NEEDED, nextHopMtu: mtu, quoted: q }, icmp, 0);
  s.wire.inject([ipv4Packet({ src: ip(from), dst: ip(ME), protocol: 1 }, icmp)]);
}

/** A datagram this stack could have sent: from ME (or `src`) to `dst`, `total` bytes long, DF set. */
function ours(dst: string, total = 1500, src = ME): Uint8Array {
  return ipv4Packet({ src: ip(src), dst: ip(dst), protocol: 17, dontFragment: true }, new Uint8Array(total - 20));
}

/** [total length, fragment offset, more fragments] of each packet sent by an echo of `size` bytes. */
function sent(s: Single, dst: string, size: number): Array<[number, number, boolean]> {
  expect(s.echo.send({ destination: addr(dst), identifier: 1, sequence: 1, size })).toBeNull();
  return s.wire.take().map((p) => {
    const v = new Ipv4PacketView(p);
    expect(v.check()).toBeNull();
    return [v.totalLength, v.fragmentOffset, v.moreFragments];
  });
}

describe('path MTU discovery (RFC 1191)', () => {
  describe('through a router that answers fragmentation needed', () => {
    /** A (192.0.2.1) — R (forwarding) — B (198.51.100.1); the R—B link has MTU 1000. */
    function threeStacks() {
      const { clock, sim } = world();
      const a = makeHost(clock, 'a');
      const r = makeHost(clock, 'r', { forwarding: true });
      const b = makeHost(clock, 'b');
      const [pa] = connect(sim, a, '192.0.2.1/24', r, '192.0.2.254/24');
      const [, pb] = connect(sim, r, '198.51.100.254/24', b, '198.51.100.1/24', 1000);
      const route = (h: Host, gateway: string, ifindex: number) =>
        h.stack.services.get(RouteTablesService).add(0, { prefix: addr('0.0.0.0'), prefixLength: 0, gateway: addr(gateway), ifindex });
      route(a, '192.0.2.254', pa.index);
      route(b, '198.51.100.254', pb.index);
      const events: EchoEvent[] = [];
      a.echo.listen(1, (e) => events.push(e));
      // Every IPv4 packet A puts on its wire, decoded.
      const wire: Ipv4PacketView[] = [];
      (pa.driver as SimEndpoint).observe((direction, data, start, length) => {
        if (direction === 'tx') wire.push(new Ipv4PacketView(data.slice(start + PTP_HEADER_LENGTH, start + length)));
      });
      return { sim, a, r, b, events, wire };
    }

    it('lowers the path MTU, then fragments the next local datagram to it so the router need not', () => {
      const { sim, a, r, b, events, wire } = threeStacks();
      expect(a.net.pathMtu(addr(FAR))).toBe(1500);
      a.echo.send({ destination: addr(FAR), identifier: 1, sequence: 1, size: 1400, dontFragment: true });
      sim.settle();
      expect(events.map((e) => (e.type === 'error' ? [e.icmpType, e.icmpCode] : e.type))).toEqual([[3, 4]]);
      expect(a.counter('ipv4.pmtu.updates')).toBe(1);
      expect(a.control.pathMtus()).toEqual([{ destination: FAR, mtu: 1000, expiresIn: 600_000 }]);
      expect(a.net.pathMtu(addr(FAR))).toBe(1000);
      expect(a.net.pathMtu(addr('192.0.2.254'))).toBe(1500); // other destinations keep the link MTU

      wire.length = 0;
      a.echo.send({ destination: addr(FAR), identifier: 1, sequence: 2, size: 1400 });
      sim.settle();
      expect(events[1]).toMatchObject({ type: 'reply', sequence: 2, size: 1400 });
      // 8 + 1400 bytes of ICMP in fragments of at most 1000 bytes, cut on 8-byte boundaries.
      expect(wire.map((v) => [v.check(), v.totalLength, v.fragmentOffset, v.moreFragments, v.dontFragment])).toEqual([
        [null, 996, 0, true, false],
        [null, 452, 976, false, false],
      ]);
      expect(new Set(wire.map((v) => v.identification)).size).toBe(1);
      // R forwards A's fragments as they are (and B cut its own reply for its 1000-byte link).
      expect(r.counter('ipv4.out.fragments-created')).toBe(0);
      expect(b.counter('ipv4.reass.ok')).toBe(1);
      expect(r.counter('ipv4.in.frag-needed')).toBe(1);
    });

    it("makes a don't-fragment send above the learnt path MTU fail with 'message-too-long'", () => {
      const { sim, a } = threeStacks();
      a.echo.send({ destination: addr(FAR), identifier: 1, sequence: 1, size: 1400, dontFragment: true });
      sim.settle();
      expect(a.echo.send({ destination: addr(FAR), identifier: 1, sequence: 2, size: 973, dontFragment: true })).toBe('message-too-long');
      expect(a.echo.send({ destination: addr(FAR), identifier: 1, sequence: 3, size: 972, dontFragment: true })).toBeNull();
      sim.settle();
      expect(a.counter('ipv4.out.message-too-long')).toBe(1);
    });
  });

  it('fails the send stage of a DF datagram allocated before the report arrived', () => {
    const s = single();
    const req = { destination: addr(FAR), protocol: 17, dontFragment: true };
    const buf = s.net.allocate(req, 1400) as PacketBuffer;
    expect(typeof buf).toBe('object');
    fragNeeded(s, 1280, ours(FAR));
    expect(s.net.send(buf, req)).toBe('message-too-long');
    expect(s.wire.take()).toEqual([]);
    expect(s.net.allocate(req, 1261)).toBe('message-too-long');
    expect(s.stack.pool.stats.inUse).toBe(0);
  });

  it('uses the RFC 1191 §7 plateau below the quoted total length when the next-hop MTU is 0', () => {
    const s = single({ pathMtu: { minMtu: 68 } });
    fragNeeded(s, 0, ours(FAR, 1500));
    expect(s.control.pathMtus()).toEqual([{ destination: FAR, mtu: 1492, expiresIn: 600_000 }]);
    fragNeeded(s, 0, ours(FAR, 1492));
    fragNeeded(s, 0, ours('198.51.100.2', 1000));
    fragNeeded(s, 0, ours('198.51.100.3', 300));
    expect(s.control.pathMtus().map((e) => e.mtu)).toEqual([1006, 508, 296]);
    expect(s.counter('ipv4.pmtu.plateau')).toBe(4);
    expect(s.counter('ipv4.pmtu.updates')).toBe(4);
    expect(sent(s, FAR, 1400)).toEqual([
      [1004, 0, true],
      [444, 984, false],
    ]);
  });

  it('ignores, and counts, reports not quoting our datagrams, below 68, towards no route, or not lowering the estimate', () => {
    const s = single();
    fragNeeded(s, 1000, ours(FAR, 1500, '192.0.2.66')); // not from one of our addresses
    fragNeeded(s, 67, ours(FAR)); // RFC 791: no path is narrower than 68
    fragNeeded(s, 1500, ours(FAR)); // not below the route MTU
    fragNeeded(s, 9000, ours(FAR));
    fragNeeded(s, 1000, ours(ME)); // to ourselves: never leaves through a router
    expect(s.counter('ipv4.pmtu.ignored')).toBe(5);
    expect(s.control.pathMtus()).toEqual([]);
    fragNeeded(s, 1000, ours(FAR));
    fragNeeded(s, 1200, ours(FAR)); // above the learnt estimate: never raised by a message
    fragNeeded(s, 1000, ours(FAR)); // equal: ignored too
    expect(s.control.pathMtus()).toEqual([{ destination: FAR, mtu: 1000, expiresIn: 600_000 }]);
    expect(s.counter('ipv4.pmtu.updates')).toBe(1);
    expect(s.counter('ipv4.pmtu.ignored')).toBe(7);
    s.stack.services.get(RouteTablesService).remove(0, addr('0.0.0.0'), 0);
    fragNeeded(s, 800, ours('203.0.113.9'));
    expect(s.counter('ipv4.pmtu.ignored')).toBe(8);
    expect(s.net.pathMtu(addr(FAR))).toBe(0);
  });

  it('raises a report below the floor to it (default 552, as Linux), or to the configured floor', () => {
    const s = single();
    fragNeeded(s, 300, ours(FAR));
    expect(s.control.pathMtus()[0].mtu).toBe(552);
    fragNeeded(s, 68, ours(FAR));
    expect(s.counter('ipv4.pmtu.ignored')).toBe(1);
    const low = single({ pathMtu: { minMtu: 68 } });
    fragNeeded(low, 68, ours(FAR));
    expect(low.control.pathMtus()[0].mtu).toBe(68);
    expect(() => ipv4Module({ pathMtu: { minMtu: 67 } })).toThrow(/pathMtu\.minMtu/);
    expect(() => ipv4Module({ pathMtu: { maxEntries: 0 } })).toThrow(/pathMtu\.maxEntries/);
    expect(() => ipv4Module({ pathMtu: { timeoutMs: -1 } })).toThrow(/pathMtu\.timeoutMs/);
  });

  it('ages an estimate out after 10 minutes, after which the interface MTU is used again (RFC 1191 §6.3)', () => {
    const s = single();
    fragNeeded(s, 1000, ours(FAR));
    s.clock.advance(599_999);
    expect(s.net.pathMtu(addr(FAR))).toBe(1000);
    expect(sent(s, FAR, 1400).map((f) => f[0])).toEqual([996, 452]);
    s.clock.advance(1);
    expect(s.net.pathMtu(addr(FAR))).toBe(1500);
    expect(sent(s, FAR, 1400)).toEqual([[1428, 0, false]]);
    expect(s.control.pathMtus()).toEqual([]);
  });

  it('stays bounded under a flood of reports for distinct destinations', () => {
    const s = single({ pathMtu: { maxEntries: 64 } });
    for (let i = 0; i < 5000; i++) fragNeeded(s, 1000 + (i % 400), ours(new Ipv4Address((0xc6336400 + i) >>> 0).toString()));
    const list = s.control.pathMtus();
    expect(list.length).toBeGreaterThan(0);
    expect(list.length).toBeLessThanOrEqual(64);
    expect(s.counter('ipv4.pmtu.updates')).toBe(5000);
    // The newest report is kept; the oldest went.
    expect(s.net.pathMtu(new Ipv4Address((0xc6336400 + 4999) >>> 0))).toBe(1000 + (4999 % 400));
    expect(s.net.pathMtu(new Ipv4Address(0xc6336400))).toBe(1500);
    s.control.flushPathMtus();
    expect(s.control.pathMtus()).toEqual([]);
    expect(s.stack.pool.stats.inUse).toBe(0);
  });

  it('still hands the report, with the next-hop MTU, to the transport that sent the quoted datagram', () => {
    const s = single();
    const reports: TransportErrorReport[] = [];
    s.net.registerUpper(17, { input: (b) => (b.release(), true), error: (r) => reports.push(r) }, 'test');
    const datagram = ipv4Packet({ src: ip(ME), dst: ip(FAR), protocol: 17, dontFragment: true }, Uint8Array.from([0x04, 0xd2, 0, 53, 5, 0xc8, 0, 0, ...new Array<number>(1392).fill(0)]));
    fragNeeded(s, 1400, datagram);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ family: 'ipv4', kind: 'packet-too-big', type: Icmpv4Type.DESTINATION_UNREACHABLE, code: 4, mtu: 1400 });
    expect([reports[0].source.toString(), reports[0].destination.toString()]).toEqual([ME, FAR]);
    expect(reports[0].quoted.subarray(0, 4)).toEqual(Uint8Array.from([0x04, 0xd2, 0, 53]));
    expect(s.net.pathMtu(addr(FAR))).toBe(1400);
  });

  it('does not apply the path MTU cache to forwarded datagrams', () => {
    const s = single({ forwarding: true });
    fragNeeded(s, 1000, ours(FAR));
    expect(s.net.pathMtu(addr(FAR))).toBe(1000);
    s.wire.inject([ipv4Packet({ src: ip('192.0.2.7'), dst: ip(FAR), protocol: 17 }, new Uint8Array(1380))]);
    const out = s.wire.take().map((p) => new Ipv4PacketView(p));
    expect(out.map((v) => [v.totalLength, v.fragmentOffset, v.moreFragments, v.ttl])).toEqual([[1400, 0, false, 63]]);
    expect(s.counter('ipv4.in.forwarded')).toBe(1);
  });

  it('answers pathMtu(): the route or interface MTU, lowered by a learnt one; 0 without a route', () => {
    const s = single();
    const routes = s.stack.services.get(RouteTablesService);
    routes.add(0, { prefix: addr('203.0.113.0'), prefixLength: 24, gateway: addr(ROUTER), ifindex: s.ifp.index, mtu: 1280 });
    s.stack.loopback.addAddress({ address: '127.0.0.1/8' });
    expect(s.net.pathMtu(addr('192.0.2.2'))).toBe(1500);
    expect(s.net.pathMtu(addr('203.0.113.1'))).toBe(1280);
    expect(s.net.pathMtu(addr('127.0.0.1'))).toBe(s.stack.loopback.mtu);
    expect(s.net.pathMtu(addr('192.0.2.2'), s.ifp.index, 0)).toBe(1500);
    expect(s.net.pathMtu(addr('192.0.2.2'), 0, 7)).toBe(0); // an empty FIB
    expect(s.net.pathMtu(Ipv6Address.parse('2001:db8::1'))).toBe(0);
    fragNeeded(s, 1100, ours('203.0.113.1'));
    expect(s.net.pathMtu(addr('203.0.113.1'))).toBe(1100);
    fragNeeded(s, 1000, ours('192.0.2.2'));
    expect(s.net.pathMtu(addr('192.0.2.2'))).toBe(1000);
    routes.remove(0, addr('0.0.0.0'), 0);
    expect(s.net.pathMtu(addr(FAR))).toBe(0);
  });
});
