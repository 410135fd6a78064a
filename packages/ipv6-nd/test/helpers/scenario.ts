// Builders for scenario tests: stacks with the FIB, the ptp link and IPv6 (fake ND), joined by
// @stack/sim cables, all on one ManualClock.
import { AddressFlags, createStack, IcmpEchoService, ManualClock, NetworkProtocolService, type IcmpEcho, type NetInterface, type NetworkProtocol, type Stack } from '@stack/core';
import { fibModule } from '@stack/fib';
import { ptpLinkModule, SimNetwork } from '@stack/sim';
import { Ipv6ControlService, type Ipv6Control, type Ipv6ModuleOptions } from '../../src/index.js';
import { composeIpv6Module } from '../../src/ipv6-module.js';
import { fakeNdFactory, type FakeNd } from './fake-nd.js';

export interface Host {
  readonly stack: Stack;
  readonly net: NetworkProtocol;
  readonly echo: IcmpEcho;
  readonly control: Ipv6Control;
  readonly nd: FakeNd;
  counter(name: string): number;
}

export function makeHost(clock: ManualClock, name: string, options?: Ipv6ModuleOptions): Host {
  const stack = createStack({ name, clock });
  stack.load(fibModule());
  stack.load(ptpLinkModule());
  const created: FakeNd[] = [];
  stack.load(composeIpv6Module(options ?? {}, fakeNdFactory(new Map(), created)));
  return {
    stack,
    nd: created[0],
    net: stack.services.get(NetworkProtocolService, 'ipv6'),
    echo: stack.services.get(IcmpEchoService, 'ipv6'),
    control: stack.services.get(Ipv6ControlService),
    counter: (n) => stack.counters.get(n),
  };
}

/** A cable between two hosts with an address on each end (no DAD). */
export function connect(sim: SimNetwork, a: Host, aAddr: string, b: Host, bAddr: string, mtu = 1500): [NetInterface, NetInterface] {
  const [da, db] = sim.linkPair({ mtu });
  const ia = a.stack.interfaces.add({ name: `p${a.stack.interfaces.size}`, type: 'ptp', driver: da, flags: 0x8000 });
  const ib = b.stack.interfaces.add({ name: `p${b.stack.interfaces.size}`, type: 'ptp', driver: db, flags: 0x8000 });
  ia.addAddress({ address: aAddr, flags: AddressFlags.NODAD });
  ib.addAddress({ address: bAddr, flags: AddressFlags.NODAD });
  return [ia, ib];
}

export function world(): { clock: ManualClock; sim: SimNetwork } {
  const clock = new ManualClock();
  return { clock, sim: new SimNetwork({ clock }) };
}
