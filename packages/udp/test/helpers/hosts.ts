// Stacks for UDP scenarios: test FIB (until @stack/fib lands) + IPv4 + UDP, over lo0 alone or
// over @stack/sim cables with @stack/ether and @stack/arp.
import { createStack, ManualClock, type NetInterface, type Stack } from '@stack/core';
import { arpModule } from '@stack/arp';
import { etherModule } from '@stack/ether';
import { ipv4Module } from '@stack/ipv4';
import { SimNetwork } from '@stack/sim';
import { udpModule } from '../../src/index.js';
import { fibModule as testFibModule } from '@stack/fib';

export function loopbackStack(clock = new ManualClock()): Stack {
  const stack = createStack({ clock });
  stack.load(testFibModule());
  stack.load(ipv4Module());
  stack.load(udpModule());
  stack.loopback.addAddress({ address: '127.0.0.1/8' });
  return stack;
}

export function etherStack(clock: ManualClock, name: string): Stack {
  const stack = createStack({ clock, name });
  stack.load(testFibModule());
  stack.load(etherModule());
  stack.load(arpModule());
  stack.load(ipv4Module());
  stack.load(udpModule());
  return stack;
}

/** Two stacks on one cable: a = 192.0.2.1/24, b = 192.0.2.2/24. */
export function pair(): { clock: ManualClock; sim: SimNetwork; a: Stack; b: Stack; ia: NetInterface; ib: NetInterface } {
  const clock = new ManualClock();
  const sim = new SimNetwork({ clock });
  const a = etherStack(clock, 'a');
  const b = etherStack(clock, 'b');
  const [da, db] = sim.linkPair();
  const ia = a.interfaces.add({ name: 'em0', driver: da });
  const ib = b.interfaces.add({ name: 'em0', driver: db });
  ia.addAddress({ address: '192.0.2.1/24' });
  ib.addAddress({ address: '192.0.2.2/24' });
  return { clock, sim, a, b, ia, ib };
}
