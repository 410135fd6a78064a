// The IPv6 layer on an interface where ND reports IPv6 disabled (RFC 4862 §5.4.5; the fake ND of
// the seam says so): nothing is accepted there, nothing leaves through it, forwarded packets
// included, and all of it works again once ND enables it.
import { describe, expect, it } from 'vitest';
import { Ipv6Address, RouteTablesService, type EchoEvent } from '@stack/core';
import { connect, makeHost, world, type Host } from './helpers/scenario.js';
import { inOutcomes } from './helpers/single.js';

const addr = (t: string) => Ipv6Address.parse(t);

/** a (2001:db8:a::1) — r — b (2001:db8:b::1); r forwards. */
function line() {
  const { clock, sim } = world();
  const a = makeHost(clock, 'a');
  const r = makeHost(clock, 'r', { forwarding: true });
  const b = makeHost(clock, 'b');
  const [ia, ira] = connect(sim, a, '2001:db8:a::1/64', r, '2001:db8:a::fe/64');
  const [irb, ib] = connect(sim, r, '2001:db8:b::fe/64', b, '2001:db8:b::1/64');
  const gw = (h: Host, gateway: string, ifindex: number) =>
    h.stack.services.get(RouteTablesService).add(0, { prefix: addr('::'), prefixLength: 0, gateway: addr(gateway), ifindex });
  gw(a, '2001:db8:a::fe', ia.index);
  gw(b, '2001:db8:b::fe', ib.index);
  const events: EchoEvent[] = [];
  a.echo.listen(1, (e) => events.push(e));
  let sequence = 0;
  const ping = (to: string) => a.echo.send({ destination: addr(to), identifier: 1, sequence: ++sequence });
  return { sim, a, r, b, ira, irb, events, ping };
}

describe('IPv6 disabled on an interface (RFC 4862 §5.4.5)', () => {
  it('drops everything received there, before any other check, and accepts again once enabled', () => {
    const { sim, r, ira, events, ping } = line();
    r.nd.disabled.add(ira.index);
    expect(ping('2001:db8:a::fe')).toBeNull(); // r's own address on that link
    expect(ping('ff02::1')).toBeNull();
    expect(ping('2001:db8:b::1')).toBeNull(); // to be forwarded
    sim.settle();
    expect(events).toEqual([]);
    expect(r.counter('ipv6.in.interface-disabled')).toBe(3);
    expect(r.counter('ipv6.in.received')).toBe(3);
    expect(inOutcomes(r.stack)).toBe(3); // one outcome per packet
    expect(r.counter('icmp6.in.received')).toBe(0);

    r.nd.disabled.delete(ira.index);
    expect(ping('2001:db8:a::fe')).toBeNull();
    expect(ping('2001:db8:b::1')).toBeNull();
    sim.settle();
    expect(events.map((e) => `${e.type} ${e.from.toString()}`)).toEqual(['reply 2001:db8:a::fe', 'reply 2001:db8:b::1']);
    expect(r.counter('ipv6.in.interface-disabled')).toBe(3);
  });

  it('sends nothing out of it: refused at allocation, and forwarded packets dropped', () => {
    const { sim, a, r, irb, events, ping } = line();
    r.nd.disabled.add(irb.index);
    // Originated: allocation reports it before anything is built.
    const echo = r.echo;
    expect(echo.send({ destination: addr('2001:db8:b::1'), identifier: 9, sequence: 1 })).toBe('interface-down');
    expect(echo.send({ destination: addr('ff02::1'), identifier: 9, sequence: 2, ifindex: irb.index })).toBe('interface-down');
    expect(r.counter('ipv6.out.interface-disabled')).toBe(2);
    // Forwarded: dropped at the output, no ICMPv6 error.
    expect(ping('2001:db8:b::1')).toBeNull();
    sim.settle();
    expect(events).toEqual([]);
    expect(r.counter('ipv6.out.interface-disabled')).toBe(3);
    expect(r.counter('icmp6.out.destination-unreachable')).toBe(0);
    expect(a.stack.pool.stats.inUse + r.stack.pool.stats.inUse).toBe(0);

    r.nd.disabled.delete(irb.index);
    expect(ping('2001:db8:b::1')).toBeNull();
    sim.settle();
    expect(events.map((e) => `${e.type} ${e.from.toString()}`)).toEqual(['reply 2001:db8:b::1']);
    expect(r.counter('ipv6.out.interface-disabled')).toBe(3);
  });
});
