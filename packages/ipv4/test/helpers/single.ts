// One stack with one raw-driven interface (192.0.2.1/24 on "raw0"): tests inject crafted packets
// and read what the stack answered.
import { createStack, IcmpEchoService, ManualClock, NetworkProtocolService, type IcmpEcho, type NetInterface, type Stack } from '@stack/core';
import { ipv4Module, Ipv4ControlService, type Ipv4Control, type Ipv4ModuleOptions } from '../../src/index.js';
import { ptpLinkModule, PtpDriver } from '@stack/sim';
import { fibModule as testFibModule } from '@stack/fib';

export interface Single {
  readonly clock: ManualClock;
  readonly stack: Stack;
  readonly ifp: NetInterface;
  readonly wire: PtpDriver;
  readonly echo: IcmpEcho;
  readonly control: Ipv4Control;
  counter(name: string): number;
}

export function single(options?: Ipv4ModuleOptions, mtu = 1500): Single {
  const clock = new ManualClock();
  const stack = createStack({ clock });
  stack.load(testFibModule());
  stack.load(ptpLinkModule());
  stack.load(ipv4Module(options));
  const wire = new PtpDriver({ name: 'raw0', mtu, protocol: 0x0800 });
  const ifp = stack.interfaces.add({ name: 'raw0', type: 'ptp', driver: wire });
  ifp.addAddress({ address: '192.0.2.1/24' });
  stack.services.get(NetworkProtocolService, 'ipv4');
  return {
    clock,
    stack,
    ifp,
    wire,
    echo: stack.services.get(IcmpEchoService, 'ipv4'),
    control: stack.services.get(Ipv4ControlService),
    counter: (n) => stack.counters.get(n),
  };
}

/** Sum of every `ipv4.in.*` outcome counter (everything but `received`). */
export function inOutcomes(stack: Stack): number {
  let sum = 0;
  for (const [name, value] of Object.entries(stack.counters.snapshot('ipv4.in'))) if (name !== 'ipv4.in.received') sum += value;
  return sum;
}
