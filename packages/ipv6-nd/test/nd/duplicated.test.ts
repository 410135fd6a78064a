// A DUPLICATED address is not ours (RFC 4862 §5.4.5): its owner is an ordinary neighbour, reached
// over the wire, and resolved by its advertisements.
import {
  AddressFlags,
  createStack,
  type EchoEvent,
  IcmpEchoService,
  Ipv6Address,
  type ManualClock,
  NeighbourResolverService,
  NetworkProtocolService,
  RouteTablesService,
  type Stack,
} from '@stack/core';
import { etherModule } from '@stack/ether';
import { fibModule } from '@stack/fib';
import type { SimEndpoint } from '@stack/sim';
import { describe, expect, it } from 'vitest';
import { ipv6Module } from '../../src/index.js';
import { NdMessageType, parseNdMessage } from '../../src/nd/index.js';
import { harness, na, ns, outgoing, slla, text6 } from './helpers.js';
import { decode, type Frame, node, RawPort, world } from './scenario-helpers.js';

const hex = (m: Uint8Array) => [...m].map((x) => x.toString(16).padStart(2, '0')).join(':');

function ping(stack: Stack, destination: string): EchoEvent[] {
  const echo = stack.services.get(IcmpEchoService, 'ipv6');
  const identifier = echo.allocateIdentifier();
  const events: EchoEvent[] = [];
  echo.listen(identifier, (e) => events.push(e));
  expect(echo.send({ destination: Ipv6Address.parse(destination), identifier, sequence: 1 })).toBeNull();
  return events;
}

/** NA targets seen on the raw port, sent from `ethSrc`. */
function advertisedTargets(port: RawPort, ethSrc: string): string[] {
  const out: string[] = [];
  for (const f of port.icmp()) {
    if (f.icmpType !== NdMessageType.NEIGHBOR_ADVERTISEMENT || f.ethSrc !== ethSrc) continue;
    const m = parseNdMessage(f.icmp, 0, f.icmp.length);
    if (!('error' in m) && m.kind === 'neighbor-advertisement') out.push(text6(m.target));
  }
  return out;
}

describe('a DUPLICATED address is not ours (RFC 4862 §5.4.5)', () => {
  it('pings the node that owns an address this host marked DUPLICATED: resolved by its NA, sent on the wire', () => {
    const { sim } = world();
    const clock = sim.clock as ManualClock;
    const sw = sim.switch();
    const a = node(clock, 'a', sw.port());
    const bPort = sw.port();
    const b = node(clock, 'b', bPort);
    const wire = new RawPort(sw.port());
    const sentByB: Frame[] = [];
    bPort.observe((direction, data, start, length) => {
      const f = direction === 'tx' ? decode(data.slice(start, start + length)) : null;
      if (f !== null) sentByB.push(f);
    });
    sim.run(3000);
    a.em0.addAddress({ address: '2001:db8::1/64' });
    b.em0.addAddress({ address: '2001:db8::2/64' });
    sim.run(3000);
    const dup = b.em0.addAddress({ address: '2001:db8::1/64' });
    sim.run(3000);
    expect(dup.flags & AddressFlags.DUPLICATED).toBe(AddressFlags.DUPLICATED);
    const net = b.stack.services.get(NetworkProtocolService, 'ipv6');
    expect(net.isLocalAddress(Ipv6Address.parse('2001:db8::1'))).toBe(false);

    sentByB.length = 0;
    const events = ping(b.stack, '2001:db8::1');
    sim.run(3000);
    expect(events).toMatchObject([{ type: 'reply', from: Ipv6Address.parse('2001:db8::1') }]);
    // The request went on the wire to A's MAC, not through B's loopback.
    const requests = sentByB.filter((f) => f.icmpType === 128);
    expect(requests).toMatchObject([{ ethSrc: hex(b.em0.hardwareAddress!), ethDst: hex(a.em0.hardwareAddress!), dst: '2001:db8::1', src: '2001:db8::2' }]);
    const resolver = b.stack.services.get(NeighbourResolverService, 'ipv6');
    expect(resolver.list().find((e) => e.address === '2001:db8::1')).toMatchObject({ linkAddress: hex(a.em0.hardwareAddress!) });
    expect(b.counter('nd.cache.resolution-failed')).toBe(0);
    expect(b.counter('nd.dad.conflicts-after-dad')).toBe(0);
    expect(dup.flags & AddressFlags.DUPLICATED).toBe(AddressFlags.DUPLICATED);

    // A runs DAD for its address again (link bounce): B, not claiming it, stays silent.
    wire.received.length = 0;
    a.em0.setUp(false);
    a.em0.setUp(true);
    sim.run(3000);
    const owned = a.em0.findAddress(Ipv6Address.parse('2001:db8::1'))!;
    expect(owned.isActive(a.em0)).toBe(true);
    expect(advertisedTargets(wire, hex(b.em0.hardwareAddress!))).not.toContain('2001:db8::1');
    expect(b.counter('nd.rx.not-our-target')).toBeGreaterThan(0);
  });

  it('updates an incomplete neighbour entry from an NA for a duplicated address and answers no NS for it', () => {
    const h = harness({ linkLocal: false, dadMaxDelayMs: 0 });
    const em0 = h.addInterface();
    em0.addAddress({ address: '2001:db8::2/64', flags: AddressFlags.NODAD });
    const dup = em0.addAddress({ address: '2001:db8::7/64' });
    h.receive(em0, na('2001:db8::7', { override: true }, '02:00:00:00:00:77'), { src: '2001:db8::7', dst: 'ff02::1' });
    expect(dup.flags & AddressFlags.DUPLICATED).toBe(AddressFlags.DUPLICATED);
    const conflicts = h.events.filter((e) => e.type === 'DAD_CONFLICT').length;

    const out = new Uint8Array(6);
    const sent: string[] = [];
    const transmit = (_ifp: unknown, _buf: unknown, link: Uint8Array) => sent.push(hex(link));
    expect(h.nd.resolver.resolve(em0, outgoing('2001:db8::7', '2001:db8::2', 1), out, transmit)).toBe(0);
    const solicitation = h.ofType(NdMessageType.NEIGHBOR_SOLICITATION).at(-1)!;
    expect(solicitation).toMatchObject({ src: '2001:db8::2', dst: 'ff02::1:ff00:7' });
    h.receive(em0, na('2001:db8::7', { solicited: true, override: true }, '02:00:00:00:00:77'), { src: '2001:db8::7', dst: '2001:db8::2' });
    expect(sent).toEqual(['02:00:00:00:00:77']);
    expect(h.nd.resolver.list()).toMatchObject([{ address: '2001:db8::7', state: 'reachable', linkAddress: '02:00:00:00:00:77' }]);
    expect(h.events.filter((e) => e.type === 'DAD_CONFLICT')).toHaveLength(conflicts);

    // Its owner's solicitations for it are not ours to answer (RFC 4861 §7.2.3).
    const nas = h.ofType(NdMessageType.NEIGHBOR_ADVERTISEMENT).length;
    h.receive(em0, ns('2001:db8::7', [slla('02:00:00:00:00:77')]), { src: '2001:db8::7', dst: 'ff02::1:ff00:7' });
    h.receive(em0, ns('2001:db8::7', [{ type: 'nonce', nonce: Uint8Array.of(1, 2, 3, 4, 5, 6) }]), { src: '::', dst: 'ff02::1:ff00:7' });
    expect(h.ofType(NdMessageType.NEIGHBOR_ADVERTISEMENT)).toHaveLength(nas);
    expect(h.counter('nd.rx.not-our-target')).toBe(2);
  });

  it('a router forwards packets for an address it holds DUPLICATED to the node that owns it', () => {
    const { sim } = world();
    const clock = sim.clock as ManualClock;
    const lan1 = sim.switch();
    const lan2 = sim.switch();
    const a = node(clock, 'a', lan1.port(), { dadMaxDelayMs: 0 });
    const c = node(clock, 'c', lan2.port(), { dadMaxDelayMs: 0 });
    const r = router(clock, lan1.port(), lan2.port());
    sim.run(3000);
    a.em0.addAddress({ address: '2001:db8:1::1/64' });
    c.em0.addAddress({ address: '2001:db8:2::2/64' });
    r.em0.addAddress({ address: '2001:db8:1::fe/64' });
    r.em1.addAddress({ address: '2001:db8:2::fe/64' });
    sim.run(3000);
    const dup = r.em0.addAddress({ address: '2001:db8:1::1/64' });
    sim.run(3000);
    expect(dup.flags & AddressFlags.DUPLICATED).toBe(AddressFlags.DUPLICATED);
    const via = (s: Stack, gateway: string, ifindex: number) =>
      s.services.get(RouteTablesService).add(0, { prefix: Ipv6Address.parse('::'), prefixLength: 0, gateway: Ipv6Address.parse(gateway), ifindex });
    via(a.stack, '2001:db8:1::fe', a.em0.index);
    via(c.stack, '2001:db8:2::fe', c.em0.index);

    const events = ping(c.stack, '2001:db8:1::1');
    sim.run(3000);
    expect(events).toMatchObject([{ type: 'reply', from: Ipv6Address.parse('2001:db8:1::1') }]);
    expect(r.stack.counters.get('ipv6.in.forwarded')).toBe(2);
  });
});

function router(clock: ManualClock, lan1: SimEndpoint, lan2: SimEndpoint) {
  const stack = createStack({ name: 'r', clock });
  stack.load(fibModule());
  stack.load(etherModule());
  stack.load(ipv6Module({ forwarding: true, nd: { secret: 'secret of the router for tests', dadMaxDelayMs: 0 } }));
  const em0 = stack.interfaces.add({ name: 'em0', driver: lan1 });
  const em1 = stack.interfaces.add({ name: 'em1', driver: lan2 });
  return { stack, em0, em1 };
}
