import { describe, expect, it } from 'vitest';
import {
  AddressFlags,
  createStack,
  IcmpEchoService,
  Ipv6Address,
  LinkProtocols,
  ManualClock,
  NeighbourResolverService,
  NetworkProtocolService,
  RouteTablesService,
  type EchoEvent,
} from '@stack/core';
import { etherModule } from '@stack/ether';
import { fibModule } from '@stack/fib';
import { ptpLinkModule, SimNetwork } from '@stack/sim';
import { Ipv6ControlService, ipv6Module } from '../src/index.js';
import { composeIpv6Module } from '../src/ipv6-module.js';
import { fakeNdFactory, type FakeNd } from './helpers/fake-nd.js';

const addr = (t: string) => Ipv6Address.parse(t);

describe('ipv6Module options', () => {
  it('refuses invalid options at once, naming the field', () => {
    expect(() => ipv6Module({ defaultHopLimit: 0 })).toThrow(/defaultHopLimit/);
    expect(() => ipv6Module({ reassembly: { timeoutMs: -1 } })).toThrow(/reassembly\.timeoutMs/);
    expect(() => ipv6Module({ extensionHeaders: { maxHeaders: 0 } })).toThrow(/extensionHeaders\.maxHeaders/);
    expect(() => ipv6Module({ icmpRateLimit: { burst: 0 } })).toThrow(/icmpRateLimit\.burst/);
    expect(() => ipv6Module({ pathMtu: { maxEntries: 0 } })).toThrow(/pathMtu\.maxEntries/);
    expect(() => ipv6Module({ forwarding: 'yes' as never })).toThrow(/forwarding/);
    expect(() => ipv6Module({ nd: { dadTransmits: -1 } })).toThrow(/nd\.dadTransmits/);
    expect(() => ipv6Module({ reassembly: 5 as never })).toThrow(/reassembly/);
    expect(() => ipv6Module({ icmpRateLimit: false, forwarding: true })).not.toThrow();
  });

  it('requires only the route tables', () => {
    const stack = createStack({ clock: new ManualClock() });
    expect(() => stack.load(ipv6Module())).toThrow(/route-tables/);
    stack.load(fibModule());
    stack.load(ipv6Module());
    expect(stack.modules()).toEqual(['loopback', 'fib', 'ipv6']);
  });
});

describe('the ipv6 module in a stack', () => {
  function loaded() {
    const stack = createStack({ clock: new ManualClock() });
    stack.load(fibModule());
    stack.load(ptpLinkModule());
    const created: FakeNd[] = [];
    stack.load(composeIpv6Module({}, fakeNdFactory(new Map(), created)));
    return { stack, nd: created[0] };
  }

  it('provides the network protocol, the neighbour resolver, echo and control for family ipv6', () => {
    const { stack, nd } = loaded();
    expect(stack.services.get(NetworkProtocolService, 'ipv6').family).toBe('ipv6');
    expect(stack.services.get(NeighbourResolverService, 'ipv6')).toBe(nd.resolver);
    expect(stack.services.get(IcmpEchoService, 'ipv6')).toBeDefined();
    expect(stack.services.get(Ipv6ControlService).defaultHopLimit).toBe(64);
    expect(stack.demux(LinkProtocols).ownerOf(0x86dd)).toBe('ipv6');
    expect(nd.host.isRouter()).toBe(false);
    stack.services.get(Ipv6ControlService).forwarding = true;
    expect(nd.host.isRouter()).toBe(true);
  });

  it('installs connected routes for non-link-local addresses, in every FIB or only the interface FIB', () => {
    for (const allFibs of [true, false]) {
      const stack = createStack({ clock: new ManualClock() });
      stack.load(fibModule());
      stack.load(ptpLinkModule());
      stack.load(composeIpv6Module({ addAddrAllFibs: allFibs }, fakeNdFactory()));
      const routes = stack.services.get(RouteTablesService);
      routes.createFib(1);
      const ifp = stack.interfaces.add({ name: 'p0', type: 'ptp', fib: 1, driver: { kind: 'x', name: 'x', mtu: 1500, hardwareAddress: null, linkUp: true, stats: { rxFrames: 0, rxBytes: 0, txFrames: 0, txBytes: 0, txDropped: 0, rxDropped: 0 }, start() {}, send() {}, close: async () => {} } });
      ifp.addAddress({ address: '2001:db8:1::5/64', flags: AddressFlags.NODAD });
      ifp.addAddress({ address: '2001:db8:1::6/64', flags: AddressFlags.NODAD });
      ifp.addAddress({ address: 'fe80::5/64', flags: AddressFlags.NODAD });
      const list = (fib: number) => routes.list(fib, 'ipv6').map((r) => `${r.prefix.toString()}/${r.prefixLength}`);
      expect(list(1)).toEqual(['2001:db8:1::/64']);
      expect(list(0)).toEqual(allFibs ? ['2001:db8:1::/64'] : []);
      ifp.removeAddress('2001:db8:1::5');
      expect(list(1)).toEqual(['2001:db8:1::/64']);
      ifp.removeAddress('2001:db8:1::6');
      expect(list(1)).toEqual([]);
    }
  });

  it('refuses extension header numbers as upper-layer protocols', () => {
    const { stack } = loaded();
    const net = stack.services.get(NetworkProtocolService, 'ipv6');
    for (const n of [0, 43, 44, 59, 60]) expect(() => net.registerUpper(n, { input: () => true }, 't')).toThrow(/extension header/);
    expect(() => net.registerUpper(58, { input: () => true }, 't')).toThrow(/already registered/);
  });

  it('unloads leaving nothing behind, disposes ND, and loads again', () => {
    const { stack, nd } = loaded();
    const routes = stack.services.get(RouteTablesService);
    const ifp = stack.interfaces.add({ name: 'p0', type: 'ptp', driver: { kind: 'x', name: 'x', mtu: 1500, hardwareAddress: null, linkUp: true, stats: { rxFrames: 0, rxBytes: 0, txFrames: 0, txBytes: 0, txDropped: 0, rxDropped: 0 }, start() {}, send() {}, close: async () => {} } });
    ifp.addAddress({ address: '2001:db8::1/64', flags: AddressFlags.NODAD });
    const services = stack.services.size;
    expect(stack.unload('ipv6')).toEqual({ ok: true });
    expect(nd.disposed).toBe(true);
    expect(stack.services.size).toBeLessThan(services);
    expect(stack.services.tryGet(NetworkProtocolService, 'ipv6')).toBeUndefined();
    expect(stack.demux(LinkProtocols).ownerOf(0x86dd)).toBeUndefined();
    expect(Object.keys(stack.counters.snapshot('ipv6'))).toEqual([]);
    expect(Object.keys(stack.counters.snapshot('icmp6'))).toEqual([]);
    expect(routes.list(0, 'ipv6')).toEqual([]);
    stack.load(composeIpv6Module({}, fakeNdFactory()));
    expect(routes.list(0, 'ipv6').length).toBe(1); // the existing address's connected route again
  });
});

describe('IPv6 alone over Ethernet with the real neighbour discovery', () => {
  it('two IPv6-only stacks (no IPv4 module) resolve each other and ping', () => {
    const clock = new ManualClock();
    const sim = new SimNetwork({ clock });
    const host = (name: string) => {
      const stack = createStack({ clock, name });
      stack.load(fibModule());
      stack.load(etherModule());
      stack.load(ipv6Module({ nd: { random: () => 0.5 } }));
      return stack;
    };
    const a = host('a');
    const b = host('b');
    const [da, db] = sim.linkPair();
    const ia = a.interfaces.add({ name: 'em0', driver: da });
    const ib = b.interfaces.add({ name: 'em0', driver: db });
    ia.addAddress({ address: '2001:db8::1/64' });
    ib.addAddress({ address: '2001:db8::2/64' });
    sim.run(5000); // DAD, link-local autoconfiguration
    expect(a.services.tryGet(NetworkProtocolService, 'ipv4')).toBeUndefined();
    const echo = a.services.get(IcmpEchoService, 'ipv6');
    const events: EchoEvent[] = [];
    echo.listen(1, (e) => events.push(e));
    expect(echo.send({ destination: addr('2001:db8::2'), identifier: 1, sequence: 1 })).toBeNull();
    sim.settle();
    expect(events.map((e) => [e.type, e.from.toString()])).toEqual([['reply', '2001:db8::2']]);
    const linkLocal = ib.addressesOf('ipv6').find((x) => x.address.isLinkLocal());
    expect(linkLocal).toBeDefined();
    expect(echo.send({ destination: linkLocal!.address as Ipv6Address, identifier: 1, sequence: 2, ifindex: ia.index })).toBeNull();
    sim.settle();
    expect(events.map((e) => e.sequence)).toEqual([1, 2]);
  });
});
