// The IPv6 half of the host: loading @stack/ipv6-nd from the configuration, and its ndp views.
// compose.ts and cli.ts import this module only when the configuration loads IPv6, so an IPv4-only
// host never loads the IPv6 package.
import type { PathMtuInfo, Stack } from '@stack/core';
import { ipv6Module, Ipv6ControlService, NdControlService, type NdInterfaceOptions, type NdOptions } from '@stack/ipv6-nd';
import { IPV6_INTERFACE_DEFAULTS, type HostConfig } from './config.js';

/**
 * Neighbour discovery options from the configuration: each interface's IPv6 settings become its
 * entry in `nd.interfaces` (by name), so interfaces may differ; the stack-wide defaults stay
 * @stack/ipv6-nd's (they are the host's defaults too).
 */
export function ndOptions(config: HostConfig, random?: () => number): NdOptions {
  const interfaces: Record<string, NdInterfaceOptions> = {};
  for (const ic of config.interfaces) {
    const s = ic.ipv6 ?? IPV6_INTERFACE_DEFAULTS;
    interfaces[ic.name] = {
      acceptRa: s.acceptRa,
      slaac: s.slaac,
      linkLocal: s.linkLocal,
      interfaceIdentifier: s.interfaceIdentifier,
      dadTransmits: s.dadTransmits,
    };
  }
  return {
    interfaces,
    ...(config.ipv6?.secret !== undefined ? { secret: config.ipv6.secret } : {}),
    ...(random !== undefined ? { random } : {}),
  };
}

/** Load IPv6 (with ND, DAD, SLAAC and MLD) as the configuration says. */
export function loadIpv6(stack: Stack, config: HostConfig, random?: () => number): void {
  stack.load(ipv6Module({ forwarding: config.forwarding, nd: ndOptions(config, random) }));
}

/** IPv6 reassembly in use: `ipv6 reassembly: 0 datagrams, 0 bytes`. */
export function ipv6ReassemblyUsage(stack: Stack): string[] {
  const v6 = stack.services.tryGet(Ipv6ControlService);
  if (!v6) return [];
  const u = v6.reassemblyUsage();
  return [`ipv6 reassembly: ${u.datagrams} datagrams, ${u.bytes} bytes`];
}

/** The IPv6 path MTU cache (RFC 8201) for `pmtu`, or null without IPv6; `flush` empties it first. */
export function ipv6PathMtus(stack: Stack, flush = false): PathMtuInfo[] | null {
  const v6 = stack.services.tryGet(Ipv6ControlService);
  if (!v6) return null;
  if (flush) v6.flushPathMtus();
  return v6.pathMtus();
}

function seconds(ms: number): string {
  return Number.isFinite(ms) ? `${Math.max(0, Math.round(ms / 1000))}s` : 'infinity';
}

/** `ndp -r`: the default router list, the selected one marked with `*`. */
export function ndpRouters(stack: Stack): string[] {
  const nd = stack.services.tryGet(NdControlService);
  if (!nd) return ['(IPv6 neighbour discovery is not loaded)'];
  return nd.routers().map((r) => {
    const ifname = stack.interfaces.get(r.ifindex)?.name ?? `#${r.ifindex}`;
    const flags = `${r.managed ? 'M' : ''}${r.other ? 'O' : ''}`;
    return `${r.selected ? '*' : ' '}${r.address}%${ifname} if=${ifname}, flags=${flags || '-'}, pref=${r.preference}, expire=${seconds(r.expiresIn)}${r.reachability ? `, ${r.reachability}` : ''}`;
  });
}

/** `ndp -p`: the prefix list, with the routers that advertised each prefix and the address formed from it. */
export function ndpPrefixes(stack: Stack): string[] {
  const nd = stack.services.tryGet(NdControlService);
  if (!nd) return ['(IPv6 neighbour discovery is not loaded)'];
  const out: string[] = [];
  for (const p of nd.prefixes()) {
    const ifname = stack.interfaces.get(p.ifindex)?.name ?? `#${p.ifindex}`;
    const flags = `${p.onLink ? 'L' : ''}${p.autonomous ? 'A' : ''}`;
    out.push(`${p.prefix} if=${ifname}`, `flags=${flags || '-'} vltime=${seconds(p.validIn)}, pltime=${seconds(p.preferredIn)}${p.address ? `, address ${p.address}` : ''}`);
    out.push(p.advertisedBy.length > 0 ? `  advertised by\n${p.advertisedBy.map((r) => `    ${r}%${ifname}`).join('\n')}` : '  No advertising router');
  }
  return out.flatMap((l) => l.split('\n'));
}

/** `ndp -i`: per-interface ND parameters and the multicast groups joined. */
export function ndpInterfaces(stack: Stack): string[] {
  const nd = stack.services.tryGet(NdControlService);
  if (!nd) return ['(IPv6 neighbour discovery is not loaded)'];
  const out: string[] = [];
  for (const i of nd.interfaces()) {
    out.push(
      `${i.name}: curhlim=${i.curHopLimit} linkmtu=${i.linkMtu} basereachable=${seconds(i.baseReachableTime)} reachable=${seconds(i.reachableTime)} retrans=${i.retransTimer}ms dad=${i.dadTransmits}` +
        ` accept_ra=${i.acceptRa ? 'on' : 'off'} slaac=${i.slaac ? 'on' : 'off'} linklocal=${i.settings.linkLocal ? 'on' : 'off'} iid=${i.settings.interfaceIdentifier}` +
        `${i.mldv1Compatibility ? ' mldv1' : ''}${i.ipv6Disabled ? ' ifdisabled' : ''}`,
    );
    for (const g of i.groups) out.push(`\tgroup ${g.group} refs ${g.references}`);
  }
  return out;
}

