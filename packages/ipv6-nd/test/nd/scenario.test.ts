// Scenarios over @stack/sim with the real ipv6Module(): ND, DAD, SLAAC and MLD end to end.
import { AddressFlags, type EchoEvent, IcmpEchoService, Ipv6Address, NeighbourResolverService, type NetInterface, RouteTablesService, type Stack } from '@stack/core';
import type { EthernetLinkLayer } from '@stack/ether';
import { describe, expect, it } from 'vitest';
import { MldRecordType, NdControlService, NdMessageType, parseMldReport, parseNdMessage } from '../../src/nd/index.js';
import { pio, ra, slla, text6 } from './helpers.js';
import { ALL_NODES_MAC, icmpFrame, node, RawPort, world } from './scenario-helpers.js';

function ping(stack: Stack, destination: string, ifindex?: number): EchoEvent[] {
  const echo = stack.services.get(IcmpEchoService, 'ipv6');
  const identifier = echo.allocateIdentifier();
  const events: EchoEvent[] = [];
  echo.listen(identifier, (e) => events.push(e));
  expect(echo.send({ destination: Ipv6Address.parse(destination), identifier, sequence: 1, ifindex })).toBeNull();
  return events;
}

const linkLocal = (ifp: NetInterface) => ifp.addresses.find((a) => a.address.family === 'ipv6' && a.address.isLinkLocal())!;

function lan() {
  const { clock, sim } = world();
  const sw = sim.switch();
  const a = node(clock, 'a', sw.port());
  const b = node(clock, 'b', sw.port());
  const router = new RawPort(sw.port());
  return { clock, sim, a, b, router };
}

describe('neighbour discovery end to end (RFC 4861, RFC 4862, RFC 3810)', () => {
  it('forms link-local addresses, passes DAD, resolves each other and pings', () => {
    const { sim, a, b, router } = lan();
    sim.run(3000);
    const la = linkLocal(a.em0);
    const lb = linkLocal(b.em0);
    expect(la.isActive(a.em0) && lb.isActive(b.em0)).toBe(true);
    const events = ping(a.stack, lb.address.toString(), a.em0.index);
    sim.run(100);
    expect(events).toMatchObject([{ type: 'reply', from: lb.address }]);
    const hex = (m: Uint8Array) => [...m].map((x) => x.toString(16).padStart(2, '0')).join(':');
    const resolver = a.stack.services.get(NeighbourResolverService, 'ipv6');
    expect(resolver.list()).toMatchObject([{ address: lb.address.toString(), state: 'reachable', linkAddress: hex(b.em0.hardwareAddress!) }]);
    // What the third port saw: DAD probes from ::, MLDv2 reports with hop limit 1 and Router Alert.
    const seen = router.icmp();
    const dad = seen.filter((f) => f.icmpType === NdMessageType.NEIGHBOR_SOLICITATION && f.src === '::');
    expect(dad.length).toBeGreaterThanOrEqual(2);
    for (const f of dad) expect(f.hopLimit).toBe(255);
    const reports = seen.filter((f) => f.icmpType === NdMessageType.MLDV2_REPORT);
    expect(reports.length).toBeGreaterThan(0);
    for (const f of reports) expect([f.hopLimit, f.routerAlert, f.dst, f.ethDst]).toEqual([1, true, 'ff02::16', '33:33:00:00:00:16']);
    const first = parseMldReport(reports[0].icmp, 0, reports[0].icmp.length);
    expect('error' in first ? first : first.records[0].type).toBe(MldRecordType.CHANGE_TO_EXCLUDE_MODE);
    expect(a.counter('nd.rx.bad-hop-limit')).toBe(0);
  });

  it('detects a duplicate global address over the wire: the owner defends it, the newcomer marks it DUPLICATED', () => {
    const { sim, a, b } = lan();
    sim.run(3000);
    const owned = b.em0.addAddress({ address: '2001:db8::1/64' });
    sim.run(3000);
    expect(owned.isActive(b.em0)).toBe(true);
    const dup = a.em0.addAddress({ address: '2001:db8::1/64' });
    expect(dup.flags & AddressFlags.TENTATIVE).toBe(AddressFlags.TENTATIVE);
    sim.run(3000);
    expect(dup.flags & AddressFlags.DUPLICATED).toBe(AddressFlags.DUPLICATED);
    expect(owned.isActive(b.em0)).toBe(true);
    const hex = [...b.em0.hardwareAddress!].map((x) => x.toString(16).padStart(2, '0')).join(':');
    expect(a.events.find((e) => e.type === 'DAD_CONFLICT')).toMatchObject({ subsystem: 'em0', address: '2001:db8::1', tentative: true, linkAddress: hex });
  });

  it('learns a default router and a prefix from an RA, forms an address, and sends off-link traffic to the router', () => {
    const { sim, a, router } = lan();
    sim.run(3000);
    const ROUTER = 'fe80::1';
    const advert = ra({ curHopLimit: 61, routerLifetime: 1800, options: [slla([...router.mac].map((x) => x.toString(16).padStart(2, '0')).join(':')), pio('2001:db8:1::', 64, 86_400, 14_400)] });
    router.send(icmpFrame(router.mac, ALL_NODES_MAC, ROUTER, 'ff02::1', advert));
    sim.run(2000);
    const formed = a.em0.addresses.find((x) => x.address.toString().startsWith('2001:db8:1:'))!;
    expect(formed.isActive(a.em0)).toBe(true);
    expect(formed.flags & AddressFlags.AUTOCONF).toBe(AddressFlags.AUTOCONF);
    router.received.length = 0;
    ping(a.stack, '2001:db8:99::1');
    sim.run(10);
    const out = router.icmp().filter((f) => f.icmpType === 128);
    const hex = [...router.mac].map((x) => x.toString(16).padStart(2, '0')).join(':');
    expect(out).toMatchObject([{ ethDst: hex, dst: '2001:db8:99::1', src: formed.address.toString(), hopLimit: 61 }]);
  });

  it('answers an on-link destination that never replies with ICMPv6 address unreachable after MAX_MULTICAST_SOLICIT', () => {
    const { sim, a, router } = lan();
    sim.run(3000);
    router.send(icmpFrame(router.mac, ALL_NODES_MAC, 'fe80::1', 'ff02::1', ra({ options: [pio('2001:db8:1::', 64, 86_400, 14_400)] })));
    sim.run(2000);
    router.received.length = 0;
    const events = ping(a.stack, '2001:db8:1::99');
    sim.run(5000);
    const solicitations = router.icmp().filter((f) => f.icmpType === NdMessageType.NEIGHBOR_SOLICITATION);
    expect(solicitations.map((f) => f.dst)).toEqual(['ff02::1:ff00:99', 'ff02::1:ff00:99', 'ff02::1:ff00:99']);
    const m = parseNdMessage(solicitations[0].icmp, 0, solicitations[0].icmp.length);
    expect('error' in m ? m : m.kind === 'neighbor-solicitation' && text6(m.target)).toBe('2001:db8:1::99');
    expect(events).toMatchObject([{ type: 'error', icmpType: 1, icmpCode: 3 }]);
    expect(a.counter('nd.cache.resolution-failed')).toBe(1);
  });

  it('drops a forged RA with hop limit 254 that crossed a router, counted, changing nothing', () => {
    const { sim, a, router } = lan();
    sim.run(3000);
    const before = a.em0.addresses.length;
    router.send(icmpFrame(router.mac, ALL_NODES_MAC, 'fe80::1', 'ff02::1', ra({ options: [pio('2001:db8:1::', 64, 86_400, 14_400)] }), 254));
    sim.run(2000);
    expect(a.counter('nd.rx.bad-hop-limit')).toBe(1);
    expect(a.em0.addresses.length).toBe(before);
    expect(a.stack.services.get(NdControlService).routers()).toEqual([]);
  });

  it('unloads cleanly: routes, link-layer groups, timers and listeners go with the IPv6 module', () => {
    const { clock, sim, a, b, router } = lan();
    sim.run(3000);
    router.send(icmpFrame(router.mac, ALL_NODES_MAC, 'fe80::1', 'ff02::1', ra({ options: [pio('2001:db8:1::', 64, 86_400, 14_400)] })));
    sim.run(2000);
    expect(clock.pending).toBeGreaterThan(0);
    const routes = a.stack.services.get(RouteTablesService);
    expect(routes.list(0, 'ipv6').some((r) => r.source === 'nd')).toBe(true);
    const layer = a.stack.linkLayerOf(a.em0) as EthernetLinkLayer;
    expect(layer.multicastGroups(a.em0).length).toBeGreaterThan(0);
    sim.settle();
    expect(a.stack.unload('ipv6')).toMatchObject({ ok: true });
    expect(routes.list(0, 'ipv6').filter((r) => r.source === 'nd' || r.source === 'nd-redirect')).toEqual([]);
    expect(layer.multicastGroups(a.em0)).toEqual([]);
    expect(a.stack.moduleRegistrations('ipv6')).toBe(0);
    expect(a.stack.counters.list('nd')).toEqual([]);
    expect(b.stack.unload('ipv6')).toMatchObject({ ok: true });
    sim.settle();
    expect(clock.pending).toBe(0); // every ND, DAD, MLD and lifetime timer of both stacks is gone
    // No listener left behind: adding an address forms no DAD run and no error.
    const added = a.em0.addAddress({ address: '2001:db8:7::1/64' });
    expect(added.flags).toBe(0);
  });
});
