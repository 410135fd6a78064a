import { describe, expect, it } from 'vitest';
import { Ipv4Address, RouteTablesService, Verdict, type EchoEvent, type PacketBuffer } from '@stack/core';
import { Icmpv4Type, Icmpv4UnreachableCode, Ipv4RouteHook } from '../src/index.js';
import { connect, makeHost, world, type Host } from './helpers/scenario.js';

const addr = (t: string) => Ipv4Address.parse(t);

function defaultRoute(h: Host, gateway: string, ifindex: number): void {
  h.stack.services.get(RouteTablesService).add(0, { prefix: addr('0.0.0.0'), prefixLength: 0, gateway: addr(gateway), ifindex });
}

/** A (192.0.2.1) — R (forwarding) — B (198.51.100.1); the R—B link has the given MTU. */
function threeStacks(mtuRB = 1500) {
  const { clock, sim } = world();
  const a = makeHost(clock, 'a');
  const r = makeHost(clock, 'r', { forwarding: true });
  const b = makeHost(clock, 'b');
  const [pa] = connect(sim, a, '192.0.2.1/24', r, '192.0.2.254/24');
  const [, pb] = connect(sim, r, '198.51.100.254/24', b, '198.51.100.1/24', mtuRB);
  defaultRoute(a, '192.0.2.254', pa.index);
  defaultRoute(b, '198.51.100.254', pb.index);
  const events: EchoEvent[] = [];
  a.echo.listen(1, (e) => events.push(e));
  return { clock, sim, a, r, b, events };
}

describe('forwarding', () => {
  it('forwards between interfaces, decrementing the TTL with a valid checksum', () => {
    const { sim, a, r, events } = threeStacks();
    a.echo.send({ destination: addr('198.51.100.1'), identifier: 1, sequence: 1 });
    sim.settle();
    expect(events).toHaveLength(1);
    const reply = events[0];
    expect(reply.type === 'reply' && [reply.from.toString(), reply.ttl]).toEqual(['198.51.100.1', 63]);
    expect(r.counter('ipv4.in.forwarded')).toBe(2);
    expect(r.counter('ipv4.in.bad-checksum')).toBe(0);
  });

  it('answers TTL 1 with time exceeded from the router (RFC 1812 §5.3.1)', () => {
    const { sim, a, r, b, events } = threeStacks();
    a.echo.send({ destination: addr('198.51.100.1'), identifier: 1, sequence: 9, ttl: 1 });
    sim.settle();
    expect(events).toEqual([
      expect.objectContaining({ type: 'error', identifier: 1, sequence: 9, icmpType: Icmpv4Type.TIME_EXCEEDED, icmpCode: 0 }),
    ]);
    expect(events[0].from.toString()).toBe('192.0.2.254');
    expect(r.counter('ipv4.in.ttl-exceeded')).toBe(1);
    expect(b.counter('ipv4.in.received')).toBe(0);
  });

  it('a host (forwarding off) drops datagrams not for it', () => {
    const { sim, a, r } = threeStacks();
    r.control.forwarding = false;
    a.echo.send({ destination: addr('198.51.100.1'), identifier: 1, sequence: 1 });
    sim.settle();
    expect(r.counter('ipv4.in.not-for-us')).toBe(1);
  });

  it('fragments on the way, or answers fragmentation needed with the MTU when DF is set (RFC 1191)', () => {
    const { sim, a, r, b, events } = threeStacks(1280);
    a.echo.send({ destination: addr('198.51.100.1'), identifier: 1, sequence: 1, size: 1400 });
    sim.settle();
    expect(events.map((e) => e.type)).toEqual(['reply']);
    expect(r.counter('ipv4.out.fragments-created')).toBe(2);
    expect(b.counter('ipv4.reass.ok')).toBe(1);
    a.echo.send({ destination: addr('198.51.100.1'), identifier: 1, sequence: 2, size: 1400, dontFragment: true });
    sim.settle();
    expect(events[1]).toEqual(
      expect.objectContaining({ type: 'error', sequence: 2, icmpType: Icmpv4Type.DESTINATION_UNREACHABLE, icmpCode: Icmpv4UnreachableCode.FRAGMENTATION_NEEDED }),
    );
    expect(r.counter('ipv4.in.frag-needed')).toBe(1);
  });

  it('answers net unreachable when it has no route', () => {
    const { sim, a, r, events } = threeStacks();
    a.echo.send({ destination: addr('203.0.113.5'), identifier: 1, sequence: 3 });
    sim.settle();
    expect(events).toEqual([expect.objectContaining({ type: 'error', icmpType: 3, icmpCode: Icmpv4UnreachableCode.NET })]);
    expect(r.counter('ipv4.in.no-route')).toBe(1);
  });

  it('lets an ipv4.route hook choose the FIB per packet (policy routing)', () => {
    const { sim, a, r, events } = threeStacks();
    const routes = r.stack.services.get(RouteTablesService);
    routes.createFib(1);
    // FIB 1 holds no routes at all (a new FIB receives the connected routes: remove them).
    for (const rt of routes.list(1, 'ipv4')) routes.remove(1, rt.prefix, rt.prefixLength);
    r.stack.load({
      name: 'policy',
      attach(ctx) {
        ctx.hook(Ipv4RouteHook, {
          id: 'to-fib-1',
          // Forwarded packets only (they carry their input interface); R's own output stays in FIB 0.
          fn: (buf: PacketBuffer, ifp) => {
            if (ifp !== null) buf.fib = 1;
            return Verdict.PASS;
          },
        });
      },
    });
    a.echo.send({ destination: addr('198.51.100.1'), identifier: 1, sequence: 4 });
    sim.settle();
    // FIB 1 has no route to the destination.
    expect(events).toEqual([expect.objectContaining({ type: 'error', icmpType: 3, icmpCode: 0 })]);
    expect(r.stack.unload('policy')).toEqual({ ok: true });
    a.echo.send({ destination: addr('198.51.100.1'), identifier: 1, sequence: 5 });
    sim.settle();
    expect(events[1].type).toBe('reply');
  });
});
