// Text views of a running stack: ifconfig, arp -a, netstat -r, netstat -s.
import { InterfaceFlags, MacAddress, NeighbourResolverService, RouteFlags, RouteTablesService, type Stack } from '@stack/core';

const FLAG_NAMES: [number, string][] = [
  [InterfaceFlags.UP, 'UP'], [InterfaceFlags.BROADCAST, 'BROADCAST'], [InterfaceFlags.LOOPBACK, 'LOOPBACK'],
  [InterfaceFlags.RUNNING, 'RUNNING'], [InterfaceFlags.NOARP, 'NOARP'], [InterfaceFlags.PROMISC, 'PROMISC'],
  [InterfaceFlags.MULTICAST, 'MULTICAST'],
];

export function ifconfig(stack: Stack): string[] {
  const out: string[] = [];
  for (const ifp of stack.interfaces.list()) {
    const flags = FLAG_NAMES.filter(([f]) => ifp.hasFlag(f)).map(([, n]) => n).join(',');
    out.push(`${ifp.name}: flags=${ifp.flags.toString(16)}<${flags}> mtu ${ifp.mtu} fib ${ifp.fib}`);
    if (ifp.hardwareAddress?.length === 6) out.push(`\tether ${MacAddress.fromBytes(ifp.hardwareAddress).toString()}`);
    for (const a of ifp.addresses) out.push(`\t${a.family === 'ipv4' ? 'inet' : 'inet6'} ${a.toString()}`);
    const c = ifp.counters;
    out.push(`\tRX packets ${c.rxPackets} bytes ${c.rxBytes} dropped ${c.rxDropped}  TX packets ${c.txPackets} bytes ${c.txBytes} dropped ${c.txDropped}`);
  }
  return out;
}

export function arpTable(stack: Stack): string[] {
  const arp = stack.services.tryGet(NeighbourResolverService, 'ipv4');
  if (!arp) return ['(no ARP module loaded)'];
  return arp.list().map((e) => {
    const ifname = stack.interfaces.get(e.ifindex)?.name ?? `#${e.ifindex}`;
    const expires = Number.isFinite(e.expiresIn) ? `expires in ${Math.round(e.expiresIn / 1000)} seconds` : 'permanent';
    return `? (${e.address}) at ${e.linkAddress ?? '(incomplete)'} on ${ifname} ${expires} [${e.state}]`;
  });
}

export function routeTable(stack: Stack, fib = 0): string[] {
  const routes = stack.services.get(RouteTablesService);
  const out = [`Routing tables (fib ${fib})`, 'Destination        Gateway            Flags     Netif'];
  for (const r of routes.list(fib, 'ipv4')) {
    const flags = [
      'U',
      r.flags & RouteFlags.GATEWAY ? 'G' : '',
      r.flags & RouteFlags.HOST ? 'H' : '',
      r.flags & RouteFlags.STATIC ? 'S' : '',
      r.flags & RouteFlags.CONNECTED ? 'C' : '',
      r.flags & RouteFlags.BLACKHOLE ? 'B' : '',
      r.flags & RouteFlags.REJECT ? 'R' : '',
    ].join('');
    const dest = r.prefixLength === 0 ? 'default' : `${r.prefix.toString()}/${r.prefixLength}`;
    const gw = r.gateway ? r.gateway.toString() : `link#${r.ifindex}`;
    const ifname = stack.interfaces.get(r.ifindex)?.name ?? '';
    out.push(`${dest.padEnd(19)}${gw.padEnd(19)}${flags.padEnd(10)}${ifname}`);
  }
  return out;
}

export function netstatS(stack: Stack, prefix?: string): string[] {
  return stack.counters.list(prefix).filter((c) => c.value !== 0).map((c) => `\t${c.value} ${c.name}`);
}
