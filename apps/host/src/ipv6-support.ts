// The IPv6 half of the host: loading @stack/ipv6-nd from the configuration, and its ndp views.
// compose.ts and cli.ts import this module only when the configuration loads IPv6, so an IPv4-only
// host never loads the IPv6 package.
import type { Stack } from '@stack/core';
import { ipv6Module, Ipv6ControlService, NdControlService, type NdOptions } from '@stack/ipv6-nd';
import { ConfigError, IPV6_INTERFACE_DEFAULTS, type HostConfig, type Ipv6InterfaceConfig } from './config.js';

/**
 * Neighbour discovery options from the interfaces' IPv6 settings. @stack/ipv6-nd takes them per
 * stack, so interfaces must agree for now; a difference is reported at the interface that differs.
 */
export function ndOptions(config: HostConfig, random?: () => number): NdOptions {
  const settings = config.interfaces.map((ic) => ic.ipv6 ?? IPV6_INTERFACE_DEFAULTS);
  const first = settings[0];
  for (const [i, s] of settings.entries()) {
    for (const key of Object.keys(first) as (keyof Ipv6InterfaceConfig)[]) {
      if (s[key] !== first[key]) {
        throw new ConfigError(
          `interfaces[${i}].ipv6.${key}`,
          `${JSON.stringify(s[key])} differs from ${config.interfaces[0].name}'s ${JSON.stringify(first[key])}: @stack/ipv6-nd applies this setting to every interface of a stack`,
        );
      }
    }
  }
  return {
    acceptRa: first.acceptRa,
    slaac: first.slaac,
    linkLocal: first.linkLocal,
    interfaceIdentifier: first.interfaceIdentifier,
    dadTransmits: first.dadTransmits,
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
        ` accept_ra=${i.acceptRa ? 'on' : 'off'} slaac=${i.slaac ? 'on' : 'off'}${i.mldv1Compatibility ? ' mldv1' : ''}`,
    );
    for (const g of i.groups) out.push(`\tgroup ${g.group} refs ${g.references}`);
  }
  return out;
}

