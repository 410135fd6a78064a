import { formatLinkAddress, type InterfaceAddress, type NetInterface } from '@stack/core';
import type { AddressAutoconf } from './autoconf/autoconf.js';
import type { Dad } from './autoconf/dad.js';
import { isHardwareDerived } from './autoconf/interface-id.js';
import type { MldHost } from './mld/mld-host.js';
import type { DefaultRouters } from './routers/default-routers.js';
import type { PrefixList } from './routers/prefix-list.js';
import type { Redirects } from './routers/redirects.js';
import type { RouterSolicitor } from './routers/router-solicitor.js';
import type { NdRuntime } from './runtime/nd-runtime.js';
import { ipv6Bytes } from './runtime/own-addresses.js';

/** The parts that stop and start with IPv6 on an interface. @internal */
export interface DisableParts {
  readonly dad: Dad;
  readonly autoconf: AddressAutoconf;
  readonly mld: MldHost;
  readonly routers: DefaultRouters;
  readonly prefixes: PrefixList;
  readonly redirects: Redirects;
  readonly solicitor: RouterSolicitor;
}

/**
 * RFC 4862 §5.4.5: when a link-local address whose interface identifier comes from the hardware
 * address (modified EUI-64) is found duplicated, another node on the link very likely has the same
 * hardware address, and IPv6 operation on the interface should be disabled. Here that means: ND
 * neither sends nor receives anything on it (counted `nd.tx.ipv6-disabled`, `nd.rx.ipv6-disabled`),
 * every other address of it is held TENTATIVE (never used), no address is formed, and what RAs
 * taught about the link is forgotten. Counted `nd.dad.interface-disabled`, announced by an
 * `IPV6_DISABLED` event. A new hardware address, or DAD run again through the control service,
 * enables it again (`IPV6_ENABLED`).
 * @internal
 */
export class Ipv6Disabler {
  constructor(
    private readonly rt: NdRuntime,
    private readonly parts: DisableParts,
  ) {}

  /** DAD marked `addr` DUPLICATED: disable IPv6 on `ifp` if it is a hardware-derived link-local address. */
  duplicated(ifp: NetInterface, addr: InterfaceAddress): void {
    if (!addr.address.isLinkLocal() || !isHardwareDerived(ipv6Bytes(addr), ifp.hardwareAddress)) return;
    if (!this.rt.disabled.add(ifp.index)) return;
    this.rt.counters.dad['interface-disabled'].inc();
    const p = this.parts;
    p.solicitor.stop(ifp.index);
    p.routers.flush(ifp.index, 'disabled');
    p.prefixes.flush(ifp.index);
    p.redirects.flush(ifp.index);
    this.rt.params.delete(ifp.index);
    p.dad.hold(ifp);
    const mac = ifp.hardwareAddress;
    this.event(ifp, 'IPV6_DISABLED', addr.address.toString(), mac === null ? null : formatLinkAddress(mac));
  }

  isDisabled(ifindex: number): boolean {
    return this.rt.disabled.has(ifindex);
  }

  /** Enable IPv6 on `ifp` again: its held addresses run DAD, and ND starts as on interface start. */
  enable(ifp: NetInterface): void {
    if (!this.rt.disabled.delete(ifp.index)) return;
    this.event(ifp, 'IPV6_ENABLED', null, null);
    const p = this.parts;
    p.dad.resume(ifp);
    if (!ifp.isRunning) return;
    p.autoconf.interfaceUp(ifp);
    p.mld.interfaceUp(ifp);
    p.solicitor.start(ifp);
  }

  /** The interface went away. */
  forget(ifindex: number): void {
    this.rt.disabled.delete(ifindex);
  }

  private event(ifp: NetInterface, type: 'IPV6_DISABLED' | 'IPV6_ENABLED', address: string | null, linkAddress: string | null): void {
    this.rt.events.emit(() => ({ system: 'ND', subsystem: ifp.name, type, ifindex: ifp.index, address, linkAddress }));
  }
}
