// Text views of a running stack: ifconfig, arp -a, ndp -a, netstat -rn, netstat -s.
import { AddressFlags, InterfaceFlags, MacAddress, NeighbourResolverService, NetworkProtocolService, parseIpAddress, RouteFlags, RouteTablesService, type AddressFamily, type InterfaceAddress, type NeighbourInfo, type PathMtuInfo, type Stack, type StackEvent } from '@stack/core';
import { Ipv4ControlService } from '@stack/ipv4';

const FLAG_NAMES: [number, string][] = [
  [InterfaceFlags.UP, 'UP'], [InterfaceFlags.BROADCAST, 'BROADCAST'], [InterfaceFlags.LOOPBACK, 'LOOPBACK'],
  [InterfaceFlags.RUNNING, 'RUNNING'], [InterfaceFlags.NOARP, 'NOARP'], [InterfaceFlags.PROMISC, 'PROMISC'],
  [InterfaceFlags.MULTICAST, 'MULTICAST'],
];

const ADDRESS_FLAG_NAMES: [number, string][] = [
  [AddressFlags.TENTATIVE, 'tentative'], [AddressFlags.DUPLICATED, 'duplicated'], [AddressFlags.DEPRECATED, 'deprecated'],
  [AddressFlags.AUTOCONF, 'autoconf'], [AddressFlags.TEMPORARY, 'temporary'], [AddressFlags.ANYCAST, 'anycast'], [AddressFlags.NODAD, 'nodad'],
];

/** `inet 192.0.2.1/24`, `inet6 fe80::1%em0/64 autoconf`, `inet6 2001:db8::1/64 tentative`. */
function addressLine(stack: Stack, a: InterfaceAddress): string {
  if (a.address.family === 'ipv4') return `\tinet ${a.toString()}`;
  const scope = a.address.isLinkLocal() ? `%${stack.interfaces.get(a.ifindex)?.name ?? a.ifindex}` : '';
  const flags = ADDRESS_FLAG_NAMES.filter(([f]) => (a.flags & f) !== 0).map(([, n]) => ` ${n}`).join('');
  return `\tinet6 ${a.address.toString()}${scope}/${a.prefixLength}${flags}`;
}

export function ifconfig(stack: Stack): string[] {
  const out: string[] = [];
  for (const ifp of stack.interfaces.list()) {
    const flags = FLAG_NAMES.filter(([f]) => ifp.hasFlag(f)).map(([, n]) => n).join(',');
    out.push(`${ifp.name}: flags=${ifp.flags.toString(16)}<${flags}> mtu ${ifp.mtu} fib ${ifp.fib}`);
    if (ifp.hardwareAddress?.length === 6) out.push(`\tether ${MacAddress.fromBytes(ifp.hardwareAddress).toString()}`);
    for (const a of ifp.addresses) out.push(addressLine(stack, a));
    const c = ifp.counters;
    out.push(`\tRX packets ${c.rxPackets} bytes ${c.rxBytes} dropped ${c.rxDropped}  TX packets ${c.txPackets} bytes ${c.txBytes} dropped ${c.txDropped}`);
  }
  return out;
}

function expiry(e: NeighbourInfo): string {
  return Number.isFinite(e.expiresIn) ? `expires in ${Math.round(e.expiresIn / 1000)} seconds` : 'permanent';
}

export function arpTable(stack: Stack): string[] {
  const arp = stack.services.tryGet(NeighbourResolverService, 'ipv4');
  if (!arp) return ['(no ARP module loaded)'];
  return arp.list().map((e) => {
    const ifname = stack.interfaces.get(e.ifindex)?.name ?? `#${e.ifindex}`;
    return `? (${e.address}) at ${e.linkAddress ?? '(incomplete)'} on ${ifname} ${expiry(e)} [${e.state}]`;
  });
}

const ND_STATE_LETTERS: Record<string, string> = { incomplete: 'I', reachable: 'R', stale: 'S', delay: 'D', probe: 'P', permanent: 'N', failed: 'F' };

/**
 * `ndp -a`: the IPv6 neighbour cache, FreeBSD style: neighbour (with its scope when link-local),
 * link-layer address, interface, expiry, state letter (R reachable, S stale, D delay, P probe,
 * I incomplete, N permanent, F failed) and flags (R: a router).
 */
export function ndpTable(stack: Stack): string[] {
  const nd = stack.services.tryGet(NeighbourResolverService, 'ipv6');
  if (!nd) return ['(IPv6 is not loaded)'];
  const out = ['Neighbor                             Linklayer Address  Netif Expire    S Flags'];
  for (const e of nd.list()) {
    const ifname = stack.interfaces.get(e.ifindex)?.name ?? `#${e.ifindex}`;
    const neighbour = e.address.startsWith('fe80:') ? `${e.address}%${ifname}` : e.address;
    const expire = Number.isFinite(e.expiresIn) ? `${Math.max(0, Math.round(e.expiresIn / 1000))}s` : 'permanent';
    const state = ND_STATE_LETTERS[e.state] ?? '?';
    out.push(`${neighbour.padEnd(37)}${(e.linkAddress ?? '(incomplete)').padEnd(19)}${ifname.padEnd(6)}${expire.padEnd(10)}${state} ${e.isRouter ? 'R' : ''}`.trimEnd());
  }
  return out;
}

function routeFlags(flags: number): string {
  return [
    'U',
    flags & RouteFlags.GATEWAY ? 'G' : '',
    flags & RouteFlags.HOST ? 'H' : '',
    flags & RouteFlags.STATIC ? 'S' : '',
    flags & RouteFlags.CONNECTED ? 'C' : '',
    flags & RouteFlags.LOCAL ? 'L' : '',
    flags & RouteFlags.BLACKHOLE ? 'B' : '',
    flags & RouteFlags.REJECT ? 'R' : '',
  ].join('');
}

/**
 * `netstat -rn` of one FIB: the IPv4 table ("Internet:") and the IPv6 table ("Internet6:") of the
 * families given (default: both). Gateways of IPv6 routes that are link-local carry their scope;
 * the source column tells connected, static and router-advertisement (`ra`) routes apart.
 */
export function routeTable(stack: Stack, fib = 0, families: readonly AddressFamily[] = ['ipv4', 'ipv6']): string[] {
  const routes = stack.services.get(RouteTablesService);
  const out = [`Routing tables (fib ${fib})`];
  for (const family of families) {
    if (families.length > 1 || family === 'ipv6') out.push('', family === 'ipv4' ? 'Internet:' : 'Internet6:');
    const width = family === 'ipv4' ? 19 : 30;
    out.push(`${'Destination'.padEnd(width)}${'Gateway'.padEnd(width)}${'Flags'.padEnd(10)}${'Netif'.padEnd(7)}Source`);
    for (const r of routes.list(fib, family)) {
      if (!r.installed) continue;
      const ifname = stack.interfaces.get(r.ifindex)?.name ?? '';
      const dest = r.prefixLength === 0 ? 'default' : `${r.prefix.toString()}/${r.prefixLength}`;
      const gw = r.gateway ? (r.gateway.family === 'ipv6' && r.gateway.isLinkLocal() ? `${r.gateway.toString()}%${ifname}` : r.gateway.toString()) : `link#${r.ifindex}`;
      out.push(`${dest.padEnd(width)}${gw.padEnd(width)}${routeFlags(r.flags).padEnd(10)}${ifname.padEnd(7)}${r.source}`);
    }
  }
  return out;
}

export function netstatS(stack: Stack, prefix?: string): string[] {
  return stack.counters.list(prefix).filter((c) => c.value !== 0).map((c) => `\t${c.value} ${c.name}`);
}

/** IPv4 reassembly in use: `ipv4 reassembly: 0 datagrams, 0 bytes` (IPv6: ipv6-support.ts). */
export function ipv4ReassemblyUsage(stack: Stack): string[] {
  const v4 = stack.services.tryGet(Ipv4ControlService);
  if (!v4) return [];
  const u = v4.reassemblyUsage();
  return [`ipv4 reassembly: ${u.datagrams} datagrams, ${u.bytes} bytes`];
}

/** The IPv6 half of {@link pathMtuView} (ipv6-support.ts): the path MTU cache, or null when IPv6 is not loaded; `flush` empties it. */
export interface Ipv6PathMtus {
  (stack: Stack, flush?: boolean): PathMtuInfo[] | null;
}

/**
 * `pmtu`: the path MTU caches (RFC 1191 for IPv4, RFC 8201 for IPv6), one destination per line,
 * `ip route get` style: `198.51.100.2 mtu 1280 expires 597s`.
 * `pmtu -4` / `pmtu -6`: one family; `pmtu ADDRESS`: the MTU a packet to ADDRESS gets now (learnt,
 * else the route's) and whether it was learnt; `pmtu flush`: forget every learnt MTU.
 */
export function pathMtuView(stack: Stack, args: readonly string[], ipv6?: Ipv6PathMtus): string[] {
  const v4 = stack.services.tryGet(Ipv4ControlService);
  const [first] = args;
  if (args.length > 1) return [`pmtu: ${args[1]}: unexpected argument (pmtu [-4|-6] [ADDRESS] | pmtu flush)`];
  if (first === 'flush') {
    v4?.flushPathMtus();
    ipv6?.(stack, true);
    return ['path MTU caches flushed'];
  }
  const lists: { family: AddressFamily; entries: PathMtuInfo[] }[] = [];
  if (v4 && first !== '-6') lists.push({ family: 'ipv4', entries: v4.pathMtus() });
  const six = first !== '-4' ? (ipv6?.(stack) ?? null) : null;
  if (six) lists.push({ family: 'ipv6', entries: six });
  if (first !== undefined && first !== '-4' && first !== '-6') {
    let address;
    try {
      address = parseIpAddress(first);
    } catch (e) {
      return [`pmtu: ADDRESS: ${e instanceof Error ? e.message : String(e)}`];
    }
    const net = stack.services.tryGet(NetworkProtocolService, address.family);
    if (!net) return [`pmtu: ADDRESS: ${address.family === 'ipv4' ? 'IPv4' : 'IPv6'} is not loaded`];
    const mtu = net.pathMtu(address);
    if (mtu === 0) return [`${address.toString()} unreachable (no route)`];
    const text = address.toString();
    const learnt = lists.find((l) => l.family === address.family)?.entries.find((e) => e.destination === text);
    return [`${text} mtu ${mtu} ${learnt ? `learnt, expires ${Math.max(0, Math.round(learnt.expiresIn / 1000))}s` : 'of the route'}`];
  }
  if (lists.length === 0) return [first === '-6' ? '(IPv6 is not loaded)' : first === '-4' ? '(IPv4 is not loaded)' : '(no IP module loaded)'];
  const out: string[] = [];
  for (const { family, entries } of lists) {
    out.push(`${family === 'ipv4' ? 'IPv4' : 'IPv6'} path MTU cache: ${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}`);
    for (const e of entries) out.push(`${e.destination} mtu ${e.mtu} expires ${Math.max(0, Math.round(e.expiresIn / 1000))}s`);
  }
  return out;
}

/** One line for a stack event: `ND em0 DAD_CONFLICT address=2001:db8::1 via=advertisement ...` (primitive fields only). */
export function eventLine(e: StackEvent): string {
  const fields = Object.entries(e)
    .filter(([k, v]) => !['system', 'subsystem', 'type', 'ifindex'].includes(k) && (v === null || ['string', 'number', 'boolean'].includes(typeof v)))
    .map(([k, v]) => `${k}=${String(v)}`);
  return [e.system, e.subsystem, e.type, ...fields].join(' ');
}
