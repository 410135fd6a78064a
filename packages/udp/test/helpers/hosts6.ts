// Stacks for UDP over IPv6: FIB + IPv6 (+ IPv4 for dual-stack cases) + UDP, over lo0 alone or over
// @stack/sim cables with a point-to-point test link (no neighbour resolution needed).
import { AddressFlags, createStack, ManualClock, type NetInterface, type Stack } from '@stack/core';
import { fibModule } from '@stack/fib';
import { ipv4Module } from '@stack/ipv4';
import { ipv6Module, type Ipv6ModuleOptions } from '@stack/ipv6-nd';
import { ptpLinkModule, SimNetwork } from '@stack/sim';
import { udpModule } from '../../src/index.js';

/** ND without DAD, router solicitations or link-local autoconfiguration: addresses are usable at once. */
export const quietNd: Ipv6ModuleOptions = { nd: { dadTransmits: 0, maxRtrSolicitations: 0, linkLocal: false, mld: false } };

/** IPv6 alone (no IPv4 module) with ::1 on lo0. */
export function ipv6OnlyStack(clock = new ManualClock(), options: Ipv6ModuleOptions = quietNd): Stack {
  const stack = createStack({ clock });
  stack.load(fibModule());
  stack.load(ipv6Module(options));
  stack.load(udpModule());
  stack.loopback.addAddress({ address: '::1/128', flags: AddressFlags.NODAD });
  return stack;
}

/** IPv4 and IPv6 with 127.0.0.1 and ::1 on lo0. */
export function dualStack(clock = new ManualClock()): Stack {
  const stack = ipv6OnlyStack(clock);
  stack.load(ipv4Module());
  stack.loopback.addAddress({ address: '127.0.0.1/8' });
  return stack;
}

/** Two IPv6-only stacks on one cable: a = 2001:db8::1/64 + fe80::1/64, b = 2001:db8::2/64 + fe80::2/64, ptp links. */
export function pair6(options: Ipv6ModuleOptions = quietNd): { clock: ManualClock; sim: SimNetwork; a: Stack; b: Stack; ia: NetInterface; ib: NetInterface } {
  const clock = new ManualClock();
  const sim = new SimNetwork({ clock });
  const a = ipv6OnlyStack(clock, options);
  const b = ipv6OnlyStack(clock, options);
  a.load(ptpLinkModule());
  b.load(ptpLinkModule());
  const [da, db] = sim.linkPair();
  const ia = a.interfaces.add({ name: 'p1', type: 'ptp', driver: da, flags: 0x8000 });
  const ib = b.interfaces.add({ name: 'p1', type: 'ptp', driver: db, flags: 0x8000 });
  for (const [ifp, n] of [[ia, 1], [ib, 2]] as const) {
    ifp.addAddress({ address: `2001:db8::${n}/64`, flags: AddressFlags.NODAD });
    ifp.addAddress({ address: `fe80::${n}/64`, flags: AddressFlags.NODAD });
  }
  return { clock, sim, a, b, ia, ib };
}
