// One stack with one raw-driven interface "raw0" (2001:db8::1/64 and fe80::1/64) and the fake ND:
// tests inject crafted packets and read what the stack answered.
import { AddressFlags, createStack, IcmpEchoService, ManualClock, NetworkProtocolService, type IcmpEcho, type NetInterface, type NetworkProtocol, type Stack } from '@stack/core';
import { fibModule } from '@stack/fib';
import { Ipv6ControlService, type Ipv6Control, type Ipv6ModuleOptions } from '../../src/index.js';
import { composeIpv6Module } from '../../src/ipv6-module.js';
import { fakeNdFactory, type FakeNd } from './fake-nd.js';
import { ptpLinkModule, PtpDriver } from '@stack/sim';

export interface Single {
  readonly clock: ManualClock;
  readonly stack: Stack;
  readonly ifp: NetInterface;
  readonly wire: PtpDriver;
  readonly nd: FakeNd;
  readonly net: NetworkProtocol;
  readonly echo: IcmpEcho;
  readonly control: Ipv6Control;
  counter(name: string): number;
}

export const ME = '2001:db8::1';
export const PEER = '2001:db8::2';
export const ME_LL = 'fe80::1';
export const PEER_LL = 'fe80::2';

export function single(options: Ipv6ModuleOptions = {}, mtu = 1500): Single {
  const clock = new ManualClock();
  const stack = createStack({ clock });
  stack.load(fibModule());
  stack.load(ptpLinkModule());
  const created: FakeNd[] = [];
  stack.load(composeIpv6Module(options, fakeNdFactory(new Map(), created)));
  const wire = new PtpDriver({ name: 'raw0', mtu, protocol: 0x86dd });
  const ifp = stack.interfaces.add({ name: 'raw0', type: 'ptp', driver: wire, flags: 0x8000 });
  ifp.addAddress({ address: `${ME}/64`, flags: AddressFlags.NODAD });
  ifp.addAddress({ address: `${ME_LL}/64`, flags: AddressFlags.NODAD });
  return {
    clock,
    stack,
    ifp,
    wire,
    nd: created[0],
    net: stack.services.get(NetworkProtocolService, 'ipv6'),
    echo: stack.services.get(IcmpEchoService, 'ipv6'),
    control: stack.services.get(Ipv6ControlService),
    counter: (n) => stack.counters.get(n),
  };
}

/** Sum of every `ipv6.in.*` outcome counter (everything but `received`). */
export function inOutcomes(stack: Stack): number {
  let sum = 0;
  for (const [name, value] of Object.entries(stack.counters.snapshot('ipv6.in'))) if (name !== 'ipv6.in.received') sum += value;
  return sum;
}
