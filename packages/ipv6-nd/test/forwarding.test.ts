import { describe, expect, it } from 'vitest';
import { Ipv6Address, RouteFlags, RouteTablesService, type EchoEvent } from '@stack/core';
import { Ipv6RouteHook } from '../src/index.js';
import { echoRequest, ipv6Packet } from './helpers/packets.js';
import { connect, makeHost, world, type Host } from './helpers/scenario.js';

const addr = (t: string) => Ipv6Address.parse(t);

/**
 * a (2001:db8:a::1) — r — b (2001:db8:b::1); r forwards; a and b route everything through r's
 * link-local address. The r–b link has MTU `mtuRB`.
 */
function line(mtuRB = 1500) {
  const { clock, sim } = world();
  const a = makeHost(clock, 'a');
  const r = makeHost(clock, 'r', { forwarding: true });
  const b = makeHost(clock, 'b');
  const [ia, ira] = connect(sim, a, '2001:db8:a::1/64', r, '2001:db8:a::fe/64');
  const [irb, ib] = connect(sim, r, '2001:db8:b::fe/64', b, '2001:db8:b::1/64', mtuRB);
  ira.addAddress({ address: 'fe80::fe/64', flags: 0x80 });
  irb.addAddress({ address: 'fe80::fe/64', flags: 0x80 });
  ia.addAddress({ address: 'fe80::a/64', flags: 0x80 });
  ib.addAddress({ address: 'fe80::b/64', flags: 0x80 });
  const gw = (h: Host, ifindex: number) => h.stack.services.get(RouteTablesService).add(0, { prefix: addr('::'), prefixLength: 0, gateway: addr('fe80::fe'), ifindex });
  gw(a, ia.index);
  gw(b, ib.index);
  const events: EchoEvent[] = [];
  a.echo.listen(1, (e) => events.push(e));
  return { clock, sim, a, r, b, ia, ib, ira, irb, events };
}

describe('forwarding (RFC 8200, RFC 4443 §3)', () => {
  it('forwards both ways, decrementing the hop limit', () => {
    const { sim, a, r, events } = line();
    expect(a.echo.send({ destination: addr('2001:db8:b::1'), identifier: 1, sequence: 1 })).toBeNull();
    sim.settle();
    expect(events.map((e) => [e.type, e.from.toString(), e.type === 'reply' ? e.ttl : 0])).toEqual([['reply', '2001:db8:b::1', 63]]);
    expect(r.counter('ipv6.in.forwarded')).toBe(2);
  });

  it('answers a hop limit that would reach 0 with time exceeded code 0', () => {
    const { sim, a, r, events } = line();
    a.echo.send({ destination: addr('2001:db8:b::1'), identifier: 1, sequence: 2, ttl: 1 });
    sim.settle();
    expect(events.map((e) => [e.type, e.from.toString(), e.type === 'error' ? [e.icmpType, e.icmpCode] : null])).toEqual([
      ['error', '2001:db8:a::fe', [3, 0]],
    ]);
    expect(r.counter('ipv6.in.hop-limit-exceeded')).toBe(1);
  });

  it('answers a packet larger than the next link with packet too big, and the sender adapts (RFC 8201)', () => {
    const { sim, a, r, b, events } = line(1280);
    a.echo.send({ destination: addr('2001:db8:b::1'), identifier: 1, sequence: 3, size: 1400 });
    sim.settle();
    expect(events.map((e) => (e.type === 'error' ? [e.icmpType, e.from.toString()] : e.type))).toEqual([[2, '2001:db8:a::fe']]);
    expect(r.counter('ipv6.in.packet-too-big')).toBe(1);
    expect(a.control.pathMtus()).toMatchObject([{ destination: '2001:db8:b::1', mtu: 1280 }]);
    a.echo.send({ destination: addr('2001:db8:b::1'), identifier: 1, sequence: 4, size: 1400 });
    sim.settle();
    expect(events[1]).toMatchObject({ type: 'reply', sequence: 4, size: 1400 });
    expect(b.counter('ipv6.reass.ok')).toBe(1);
    expect(r.counter('ipv6.out.fragmented')).toBe(0); // routers never fragment
  });

  it('answers no route with destination unreachable code 0, a reject route with code 6, and drops on a blackhole', () => {
    const { sim, a, r, events } = line();
    const routes = r.stack.services.get(RouteTablesService);
    routes.add(0, { prefix: addr('2001:db8:6::'), prefixLength: 48, flags: RouteFlags.REJECT });
    routes.add(0, { prefix: addr('2001:db8:7::'), prefixLength: 48, flags: RouteFlags.BLACKHOLE });
    a.echo.send({ destination: addr('2001:db8:5::1'), identifier: 1, sequence: 1 });
    a.echo.send({ destination: addr('2001:db8:6::1'), identifier: 1, sequence: 2 });
    a.echo.send({ destination: addr('2001:db8:7::1'), identifier: 1, sequence: 3 });
    sim.settle();
    expect(events.map((e) => (e.type === 'error' ? [e.sequence, e.icmpType, e.icmpCode] : e.type))).toEqual([
      [1, 1, 0],
      [2, 1, 6],
    ]);
    expect([r.counter('ipv6.in.no-route'), r.counter('ipv6.in.reject'), r.counter('ipv6.in.blackhole')]).toEqual([1, 1, 1]);
  });

  it('keeps link-local traffic on its link: code 2 for a link-local source, silence for a link-local destination', () => {
    const { sim, a, r, ia } = line();
    const send = (src: string, dst: string) => {
      const p = ipv6Packet({ src, dst, nextHeader: 58, payload: echoRequest(src, dst, 9, 9) });
      const buf = a.stack.pool.alloc(p.length, 64);
      buf.copyFrom(p);
      buf.family = 'ipv6';
      a.stack.linkLayerOf(ia)!.output(ia, buf, 0x86dd);
    };
    send('fe80::a', '2001:db8:b::1');
    send('2001:db8:a::1', 'fe80::77');
    sim.settle();
    expect(r.counter('ipv6.in.beyond-scope')).toBe(2);
    expect(r.counter('icmp6.out.destination-unreachable')).toBe(1);
    expect(a.counter('icmp6.in.destination-unreachable')).toBe(1);
  });

  it('lets an ipv6.route hook choose the FIB per packet (policy routing)', () => {
    const { sim, a, r, events } = line();
    const routes = r.stack.services.get(RouteTablesService);
    routes.createFib(1);
    routes.add(1, { prefix: addr('2001:db8:b::1'), prefixLength: 128, flags: RouteFlags.REJECT });
    a.echo.send({ destination: addr('2001:db8:b::1'), identifier: 1, sequence: 1 });
    sim.settle();
    r.stack.hooks.register(Ipv6RouteHook, { id: 'fib1', fn: (buf, ifp) => ((buf.fib = ifp !== null ? 1 : buf.fib), 0) }, 'test');
    a.echo.send({ destination: addr('2001:db8:b::1'), identifier: 1, sequence: 2 });
    sim.settle();
    expect(events.map((e) => [e.type, e.sequence])).toEqual([
      ['reply', 1],
      ['error', 2],
    ]);
  });

  it('does not forward when forwarding is off, and can be switched at run time', () => {
    const { sim, a, r, events } = line();
    r.control.forwarding = false;
    a.echo.send({ destination: addr('2001:db8:b::1'), identifier: 1, sequence: 1 });
    sim.settle();
    expect(events).toEqual([]);
    expect(r.counter('ipv6.in.not-for-us')).toBe(1);
    r.control.forwarding = true;
    a.echo.send({ destination: addr('2001:db8:b::1'), identifier: 1, sequence: 2 });
    sim.settle();
    expect(events.map((e) => e.sequence)).toEqual([2]);
  });

  it('never forwards multicast', () => {
    const { sim, a, r } = line();
    a.echo.send({ destination: addr('ff0e::1234'), identifier: 1, sequence: 1 });
    sim.settle();
    expect(r.counter('ipv6.in.forwarded')).toBe(0);
    expect(r.counter('ipv6.in.not-for-us')).toBe(1);
  });
});
