// Builders for scenario tests: stacks with the test FIB, the ptp link and IPv4, joined by
// @stack/sim cables, all on one ManualClock.
import { createStack, IcmpEchoService, ManualClock, NetworkProtocolService, type IcmpEcho, type NetInterface, type NetworkProtocol, type Stack } from '@stack/core';
import { ptpLinkModule, SimNetwork } from '@stack/sim';
import { ipv4Module, Ipv4ControlService, type Ipv4Control, type Ipv4ModuleOptions } from '../../src/index.js';
import { fibModule as testFibModule } from '@stack/fib';

export interface Host {
  readonly stack: Stack;
  readonly net: NetworkProtocol;
  readonly echo: IcmpEcho;
  readonly control: Ipv4Control;
  counter(name: string): number;
}

export function makeHost(clock: ManualClock, name: string, options?: Ipv4ModuleOptions): Host {
  const stack = createStack({ name, clock });
  stack.load(testFibModule());
  stack.load(ptpLinkModule());
  stack.load(ipv4Module(options));
  return {
    stack,
    net: stack.services.get(NetworkProtocolService, 'ipv4'),
    echo: stack.services.get(IcmpEchoService, 'ipv4'),
    control: stack.services.get(Ipv4ControlService),
    counter: (n) => stack.counters.get(n),
  };
}

/** A cable between two hosts with an address on each end. */
export function connect(sim: SimNetwork, a: Host, aAddr: string, b: Host, bAddr: string, mtu = 1500): [NetInterface, NetInterface] {
  const [da, db] = sim.linkPair({ mtu });
  const ia = a.stack.interfaces.add({ name: `p${a.stack.interfaces.size}`, type: 'ptp', driver: da });
  const ib = b.stack.interfaces.add({ name: `p${b.stack.interfaces.size}`, type: 'ptp', driver: db });
  ia.addAddress({ address: aAddr });
  ib.addAddress({ address: bAddr });
  return [ia, ib];
}

export function world(): { clock: ManualClock; sim: SimNetwork } {
  const clock = new ManualClock();
  return { clock, sim: new SimNetwork({ clock }) };
}
