// Multicast membership at run time: the `join` / `leave` commands (what IP_ADD_MEMBERSHIP and
// IP_DROP_MEMBERSHIP do for a socket) and the `igmp` view (netstat -g / ifmcstat style).
import { NetworkProtocolService, parseIpAddress, type Stack } from '@stack/core';
import { Ipv4ControlService } from '@stack/ipv4';

/**
 * `join GROUP IFNAME` / `leave GROUP IFNAME`: one reference more or less on a group of either family
 * (IGMP reports IPv4 groups, MLD IPv6 ones). Returns the lines to print.
 */
export function membershipCommand(stack: Stack, verb: 'join' | 'leave', args: readonly string[]): string[] {
  const [groupText, ifname] = args;
  if (groupText === undefined || ifname === undefined) return [`usage: ${verb} GROUP IFNAME (e.g. ${verb} 239.1.2.3 em0)`];
  let group;
  try {
    group = parseIpAddress(groupText);
  } catch (e) {
    return [`${verb}: ${e instanceof Error ? e.message : String(e)}`];
  }
  if (!group.isMulticast()) return [`${verb}: ${group.toString()} is not a multicast address`];
  const ifp = stack.interfaces.get(ifname);
  if (ifp === undefined) return [`${verb}: no interface named "${ifname}"`];
  const net = stack.services.tryGet(NetworkProtocolService, group.family);
  if (net === undefined) return [`${verb}: ${group.family === 'ipv4' ? 'IPv4' : 'IPv6'} is not loaded`];
  if (verb === 'join') net.joinGroup(ifp.index, group);
  else net.leaveGroup(ifp.index, group);
  return [`${verb === 'join' ? 'joined' : 'left'} ${group.toString()} on ${ifp.name}`];
}

function seconds(ms: number): string {
  return `${Math.ceil(ms / 1000)}s`;
}

/**
 * `igmp`: per interface, IGMP's compatibility mode and parameters (RFC 3376 §7.2.1, §8) and the IPv4
 * groups joined with their references, e.g.
 * `em0: igmp v2 robustness 2 query-interval 125s v2-querier-present 258s` then `\tgroup 239.1.2.3 refs 1`.
 */
export function igmpView(stack: Stack): string[] {
  const v4 = stack.services.tryGet(Ipv4ControlService);
  if (!v4) return ['(IPv4 is not loaded)'];
  const out: string[] = [];
  for (const m of v4.multicast()) {
    const name = stack.interfaces.get(m.ifindex)?.name ?? `#${m.ifindex}`;
    const i = m.igmp;
    if (i === null) out.push(`${name}: igmp off`);
    else {
      const older = `${i.v1QuerierPresentMs > 0 ? ` v1-querier-present ${seconds(i.v1QuerierPresentMs)}` : ''}${i.v2QuerierPresentMs > 0 ? ` v2-querier-present ${seconds(i.v2QuerierPresentMs)}` : ''}`;
      out.push(`${name}: igmp v${i.version} robustness ${i.robustness} query-interval ${seconds(i.queryIntervalMs)}${older}${i.pendingReports > 0 ? ` pending ${i.pendingReports}` : ''}`);
    }
    for (const g of m.groups) out.push(`\tgroup ${g.group} refs ${g.references}${g.reported ? '' : ' (not reported)'}`);
  }
  return out.length > 0 ? out : ['(no IPv4 multicast groups joined)'];
}
