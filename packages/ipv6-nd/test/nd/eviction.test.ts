// The bound of the IPv6 neighbour cache over @stack/sim: a full cache evicts the least recently
// used entry, and unresolved entries before ones that carry traffic.
import { type EchoEvent, IcmpEchoService, Ipv6Address, NeighbourResolverService, type NetInterface, type Stack } from '@stack/core';
import { describe, expect, it } from 'vitest';
import { node, type NodeUnderTest, world } from './scenario-helpers.js';

const linkLocal = (ifp: NetInterface): string => ifp.addresses.find((a) => a.address.family === 'ipv6' && a.address.isLinkLocal())!.address.toString();

function ping(stack: Stack, destination: string, ifindex: number, replies: EchoEvent[]): void {
  const echo = stack.services.get(IcmpEchoService, 'ipv6');
  const identifier = echo.allocateIdentifier();
  echo.listen(identifier, (e) => replies.push(e));
  expect(echo.send({ destination: Ipv6Address.parse(destination), identifier, sequence: 1, ifindex })).toBeNull();
}

/** Host `a` with a neighbour cache of 3 entries, and four peers on one switch, past DAD. */
function lan() {
  const { clock, sim } = world();
  const sw = sim.switch();
  const a = node(clock, 'a', sw.port(), { maxEntries: 3 });
  const peers: NodeUnderTest[] = ['b', 'c', 'd', 'e'].map((name) => node(clock, name, sw.port()));
  sim.run(3000);
  const [b, c, d, e] = peers.map((p) => linkLocal(p.em0));
  const cached = () => a.stack.services.get(NeighbourResolverService, 'ipv6').list().map((n) => `${n.address} ${n.state}`);
  const replies: EchoEvent[] = [];
  /** Ping `to` from a and let the exchange finish. */
  const use = (to: string) => {
    ping(a.stack, to, a.em0.index, replies);
    sim.run(200);
  };
  return { sim, a, b, c, d, e, cached, replies, use };
}

describe('neighbour cache bound (RFC 4861 §7.3, RFC 6583)', () => {
  it('evicts the least recently used neighbour: one kept in use survives the newcomer', () => {
    const { a, b, c, d, e, cached, replies, use } = lan();
    use(b);
    use(c);
    use(d);
    expect(cached().sort()).toEqual([`${b} reachable`, `${c} reachable`, `${d} reachable`].sort());
    // b is the oldest entry, but it keeps carrying traffic; c is now the least recently used.
    use(b);
    use(b);
    use(e);
    expect(replies).toHaveLength(6);
    expect(cached().sort()).toEqual([`${b} reachable`, `${d} reachable`, `${e} reachable`].sort());
    // Resolved entries hold no queue: nothing was dropped by the eviction.
    expect(a.counter('nd.cache.evicted')).toBe(0);
    expect(a.counter('nd.cache.created')).toBe(4);
    expect(a.counter('nd.cache.full')).toBe(0);
    // Used again, d stays and b (used longest ago now) goes.
    use(d);
    use(c);
    expect(cached().sort()).toEqual([`${c} reachable`, `${d} reachable`, `${e} reachable`].sort());
    expect(replies).toHaveLength(8);
  });

  it('evicts an unresolved entry, with its queued packet, before neighbours in use', () => {
    const { sim, a, b, c, d, e, cached, replies, use } = lan();
    use(b);
    use(c);
    // Nobody answers for fe80::dead: its entry stays INCOMPLETE, holding the echo request.
    ping(a.stack, 'fe80::dead', a.em0.index, replies);
    sim.run(100);
    expect(cached()).toContain('fe80::dead incomplete');
    use(d);
    expect(cached().sort()).toEqual([`${b} reachable`, `${c} reachable`, `${d} reachable`].sort());
    expect(a.counter('nd.cache.evicted')).toBe(1); // the queued request went with it
    // With no unresolved entry left, the least recently used working one goes.
    use(e);
    expect(cached().sort()).toEqual([`${c} reachable`, `${d} reachable`, `${e} reachable`].sort());
    expect(replies.filter((r) => r.type === 'reply')).toHaveLength(4);
    expect(a.stack.pool.stats.inUse).toBe(0);
  });
});
