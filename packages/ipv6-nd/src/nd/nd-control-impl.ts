import { Ipv6Address, type NetInterface, type Stack } from '@stack/core';
import type { Dad } from './autoconf/dad.js';
import type { MldHost } from './mld/mld-host.js';
import type { Ipv6Disabler } from './interface-disable.js';
import type { InterfaceReconfigurer } from './interface-reconfigure.js';
import type { NdControl, NdInterfaceInfo, NdPrefixInfo, NdRouterInfo } from './nd-control.js';
import type { NdInterfaceOptions } from './nd-interface-options.js';
import type { Neighbours } from './neighbours/neighbours.js';
import type { DefaultRouters } from './routers/default-routers.js';
import type { PrefixList } from './routers/prefix-list.js';
import type { RouterSolicitor } from './routers/router-solicitor.js';
import { formatIpv6Bytes } from './runtime/ipv6-text.js';
import { type NdRuntime, runsNd } from './runtime/nd-runtime.js';

/** FreeBSD `ndp -a` state letters. */
const STATE_LETTER: Record<string, string> = { incomplete: 'I', reachable: 'R', stale: 'S', delay: 'D', probe: 'P', permanent: 'R' };

/** The parts the control service reads. @internal */
export interface NdControlParts {
  readonly neighbours: Neighbours;
  readonly routers: DefaultRouters;
  readonly prefixes: PrefixList;
  readonly solicitor: RouterSolicitor;
  readonly dad: Dad;
  readonly mld: MldHost;
  readonly reconfigurer: InterfaceReconfigurer;
  readonly disabler: Ipv6Disabler;
}

/** {@link NdControl} over one stack's ND. @internal */
export class NdControlImpl implements NdControl {
  private readonly stack: Stack;

  constructor(
    private readonly rt: NdRuntime,
    private readonly parts: NdControlParts,
  ) {
    this.stack = rt.stack;
  }

  routers(ifindex?: number): NdRouterInfo[] {
    return this.parts.routers.list(ifindex);
  }

  prefixes(ifindex?: number): NdPrefixInfo[] {
    return this.parts.prefixes.list(ifindex);
  }

  interfaces(ifindex?: number): NdInterfaceInfo[] {
    const now = this.stack.clock.now();
    const out: NdInterfaceInfo[] = [];
    for (const ifp of this.stack.interfaces.list()) {
      if ((ifindex !== undefined && ifp.index !== ifindex) || !runsNd(ifp)) continue;
      const p = this.rt.params.of(ifp.index);
      const settings = this.rt.settings.of(ifp.index);
      out.push({
        ifindex: ifp.index,
        name: ifp.name,
        curHopLimit: p.curHopLimit,
        linkMtu: p.linkMtu,
        baseReachableTime: p.baseReachableTime,
        reachableTime: p.reachableTime(now),
        retransTimer: p.retransTimer,
        dadTransmits: settings.dadTransmits,
        acceptRa: settings.acceptRa && !this.rt.host.isRouter(),
        slaac: settings.slaac,
        settings,
        groups: this.parts.mld.groups(ifp.index).map((g) => ({ group: formatIpv6Bytes(g.group), references: g.references })),
        mldv1Compatibility: this.parts.mld.isV1Compatible(ifp.index),
        ipv6Disabled: this.parts.disabler.isDisabled(ifp.index),
      });
    }
    return out;
  }

  flushRouters(ifindex?: number): void {
    this.parts.routers.flush(ifindex, 'flushed');
  }

  flushPrefixes(ifindex?: number): void {
    this.parts.prefixes.flush(ifindex);
  }

  solicitRouters(ifindex: number): void {
    this.parts.solicitor.start(this.ndInterface(ifindex));
  }

  redoDad(ifindex: number, address: string): void {
    const ifp = this.ndInterface(ifindex);
    const value = Ipv6Address.tryParse(typeof address === 'string' ? address.split('/')[0] : '');
    const addr = value === null ? undefined : ifp.findAddress(value);
    if (addr === undefined) throw new Error(`address: ${String(address)} is not an IPv6 address configured on ${ifp.name}`);
    this.parts.disabler.enable(ifp);
    this.parts.dad.restart(ifp, addr);
  }

  formatNeighbours(ifindex?: number): string[] {
    return this.parts.neighbours.list(ifindex).map((e) => {
      const ifp = this.stack.interfaces.get(e.ifindex);
      const name = ifp?.name ?? String(e.ifindex);
      const scoped = e.address.startsWith('fe80:') ? `${e.address}%${name}` : e.address;
      const expire = e.state === 'permanent' ? 'permanent' : Number.isNaN(e.expiresIn) ? 'expired' : `${Math.ceil(e.expiresIn / 1000)}s`;
      return `${scoped} ${e.linkAddress ?? '(incomplete)'} ${name} ${expire} ${STATE_LETTER[e.state] ?? '?'}${e.isRouter ? ' R' : ''}`;
    });
  }

  setInterfaceOptions(iface: string | number, options: NdInterfaceOptions): void {
    this.parts.reconfigurer.set(iface, options);
  }

  private ndInterface(ifindex: number): NetInterface {
    const ifp = this.stack.interfaces.get(ifindex);
    if (ifp === undefined) throw new Error(`ifindex: no interface with index ${String(ifindex)}`);
    if (!runsNd(ifp)) throw new Error(`ifindex: neighbour discovery does not run on ${ifp.name}`);
    return ifp;
  }
}
