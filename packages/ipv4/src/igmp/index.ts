import { InterfaceEvents, formatIpv4, type Counter, type DemuxTable, type ModuleContext, type UpperProtocolHandler } from '@stack/core';
import type { MulticastGroups } from '../multicast-groups.js';
import type { Ipv4Output } from '../output.js';
import { IpProtocol } from '../wire/index.js';
import { createIgmpCounters } from './igmp-counters.js';
import { IgmpHost } from './igmp-host.js';
import { IgmpInput } from './igmp-input.js';
import type { ResolvedIgmpOptions } from './igmp-options.js';
import { IgmpSender } from './igmp-sender.js';
import type { Ipv4MulticastInterface } from './igmp-types.js';

export type { IgmpOptions } from './igmp-options.js';
export { resolveIgmpOptions, type ResolvedIgmpOptions } from './igmp-options.js';
export type { IgmpInterfaceState, Ipv4GroupMembership, Ipv4MulticastInterface } from './igmp-types.js';

/** What the multicast part of the module needs from the rest of it. @internal */
export interface MulticastParts {
  readonly groups: MulticastGroups;
  readonly output: Ipv4Output;
  readonly uppers: DemuxTable<UpperProtocolHandler>;
  /** `ipv4.out.requests`: IGMP originates datagrams too. */
  readonly originated: Counter;
}

/** The multicast side of the module, for its control service. @internal */
export interface Ipv4Multicast {
  list(): Ipv4MulticastInterface[];
}

/**
 * Wire multicast membership to the interfaces' life and, unless `igmp` is null (`igmp: false`),
 * run the IGMP host: protocol 2 in the upper-protocol table, reports on join and leave, answers to
 * queries. Everything is registered through `ctx`, so unloading removes it.
 * @internal
 */
export function attachMulticast(ctx: ModuleContext, igmp: ResolvedIgmpOptions | null, parts: MulticastParts): Ipv4Multicast {
  const stack = ctx.stack;
  const { groups } = parts;
  let host: IgmpHost | null = null;
  if (igmp !== null) {
    const counters = createIgmpCounters(ctx);
    const sender = new IgmpSender(stack, parts.output, counters, parts.originated);
    const h = new IgmpHost(stack, sender, counters, igmp, (callback) => ctx.createTimer(callback));
    host = h;
    ctx.track(parts.uppers.register(IpProtocol.IGMP, new IgmpInput(h, counters), ctx.name));
    groups.listener = h;
    ctx.onUnload(() => {
      groups.listener = null;
      h.dispose();
    });
  }
  ctx.on(InterfaceEvents, (e) => {
    if (e.type === 'DETACH') {
      groups.dropInterface(e.ifindex);
      host?.dropInterface(e.ifindex);
      return;
    }
    const ifp = stack.interfaces.byIndexFast(e.ifindex);
    if (ifp === undefined) return;
    if (e.type === 'ATTACH' || e.type === 'UP' || e.type === 'LINK_UP') groups.joinAllHosts(ifp);
    if (host === null) return;
    if ((e.type === 'UP' || e.type === 'LINK_UP') && ifp.isRunning) host.interfaceUp(ifp);
    else if ((e.type === 'DOWN' || e.type === 'LINK_DOWN') && !ifp.isRunning) host.interfaceDown(ifp.index);
  });
  for (const ifp of stack.interfaces.list()) groups.joinAllHosts(ifp);
  return {
    list(): Ipv4MulticastInterface[] {
      const out: Ipv4MulticastInterface[] = [];
      for (const ifp of stack.interfaces.list()) {
        const joined = groups.groupsOf(ifp.index);
        const igmpState = host?.status(ifp.index) ?? null;
        if (joined.length === 0 && igmpState === null) continue;
        out.push({
          ifindex: ifp.index,
          groups: joined.map(([group, references]) => ({ group: formatIpv4(group), references, reported: host !== null && host.reports(ifp.index, group) })),
          igmp: igmpState,
        });
      }
      return out;
    },
  };
}
