import { AddressFlags, formatLinkAddress, Ipv6Address, type NetInterface, type PacketBuffer } from '@stack/core';
import type { NdHost } from '../../nd-seam.js';
import type { AddressAutoconf } from '../autoconf/autoconf.js';
import type { Dad } from '../autoconf/dad.js';
import type { MldHost } from '../mld/mld-host.js';
import type { Neighbours } from '../neighbours/neighbours.js';
import type { DefaultRouters } from '../routers/default-routers.js';
import type { PrefixList } from '../routers/prefix-list.js';
import type { Redirects } from '../routers/redirects.js';
import type { RouteInstaller } from '../routers/route-installer.js';
import type { RouterSolicitor } from '../routers/router-solicitor.js';
import { isLinkLocalAt, isMulticastAt, isSolicitedNodeAt, isUnspecifiedAt, sameAddress } from '../runtime/address-words.js';
import { type NdRuntime, runsNd } from '../runtime/nd-runtime.js';
import { findOwnIpv6 } from '../runtime/own-addresses.js';
import {
  findNdOption,
  INFINITE_LIFETIME,
  NaFlags,
  NdMessageType,
  NdOptionScan,
  NdOptionType,
  NeighborAdvertisementView,
  NeighborSolicitationView,
  PrefixFlags,
  RedirectView,
  RouterAdvertisementView,
  RouterSolicitationView,
} from '../wire/index.js';
import { type RxReason, validateNdMessage } from './nd-validation.js';

/** The parts of ND the receive path drives. @internal */
export interface NdInputParts {
  readonly neighbours: Neighbours;
  readonly dad: Dad;
  readonly autoconf: AddressAutoconf;
  readonly mld: MldHost;
  readonly routers: DefaultRouters;
  readonly prefixes: PrefixList;
  readonly redirects: Redirects;
  readonly installer: RouteInstaller;
  readonly solicitor: RouterSolicitor;
}

function read32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

/**
 * The ND receive path: validates every message (RFC 4861 §6.1, §7.1, §8.1), drops and counts what
 * fails, and hands the rest to the neighbour cache, DAD, router discovery and MLD. Every buffer is
 * released here; nothing throws.
 * @internal
 */
export class NdInput {
  private readonly scan = new NdOptionScan();
  private readonly rs = new RouterSolicitationView();
  private readonly ra = new RouterAdvertisementView();
  private readonly ns = new NeighborSolicitationView();
  private readonly na = new NeighborAdvertisementView();
  private readonly redirect = new RedirectView();
  private readonly host: NdHost;

  constructor(
    private readonly rt: NdRuntime,
    private readonly parts: NdInputParts,
  ) {
    this.host = rt.host;
  }

  input(ifp: NetInterface, buf: PacketBuffer, type: number, hopLimit: number, routerAlert: boolean): void {
    if (this.rt.disabled.has(ifp.index)) {
      // RFC 4862 §5.4.5: IPv6 is disabled on this interface.
      this.rt.counters.rx['ipv6-disabled'].inc();
      ifp.counters.rxDropped++;
      buf.release();
      return;
    }
    if (type === NdMessageType.MLD_QUERY || type === NdMessageType.MLDV1_REPORT || type === NdMessageType.MLDV1_DONE || type === NdMessageType.MLDV2_REPORT) {
      try {
        this.parts.mld.input(ifp, buf, type, hopLimit, routerAlert);
      } catch {
        this.rt.counters.rx.errors.inc();
      }
      return;
    }
    let refused: RxReason | null;
    try {
      refused = runsNd(ifp) ? this.dispatch(ifp, buf, type, hopLimit) : 'not-nd-interface';
    } catch {
      // A bug, not hostile input (the views are checked first): count it apart and carry on.
      refused = 'errors';
    }
    if (refused !== null) {
      this.rt.counters.rx[refused].inc();
      ifp.counters.rxDropped++;
    }
    buf.release();
  }

  private dispatch(ifp: NetInterface, buf: PacketBuffer, type: number, hopLimit: number): RxReason | null {
    const length = buf.end - buf.start;
    const linkLength = ifp.hardwareAddress!.length;
    switch (type) {
      case NdMessageType.NEIGHBOR_SOLICITATION:
        return validateNdMessage(this.ns.reset(buf.data, buf.start, length), this.scan, hopLimit, linkLength) ?? this.solicitation(ifp, buf);
      case NdMessageType.NEIGHBOR_ADVERTISEMENT:
        return validateNdMessage(this.na.reset(buf.data, buf.start, length), this.scan, hopLimit, linkLength) ?? this.advertisement(ifp, buf);
      case NdMessageType.ROUTER_SOLICITATION:
        return validateNdMessage(this.rs.reset(buf.data, buf.start, length), this.scan, hopLimit, linkLength) ?? this.routerSolicitation(ifp, buf);
      case NdMessageType.ROUTER_ADVERTISEMENT:
        // §6.1.2: the source must be link-local (checked first: routers use link-local addresses).
        if (!isLinkLocalAt(buf.src, 0)) return 'ra-not-link-local';
        return validateNdMessage(this.ra.reset(buf.data, buf.start, length), this.scan, hopLimit, linkLength) ?? this.routerAdvertisement(ifp, buf);
      case NdMessageType.REDIRECT:
        if (!isLinkLocalAt(buf.src, 0)) return 'redirect-not-link-local';
        return validateNdMessage(this.redirect.reset(buf.data, buf.start, length), this.scan, hopLimit, linkLength) ?? this.redirected(ifp, buf);
      default:
        return 'unknown-type';
    }
  }

  // --- Neighbor Solicitation (RFC 4861 §7.1.1, §7.2.3, §7.2.4; RFC 4862 §5.4.3) ------------------

  private solicitation(ifp: NetInterface, buf: PacketBuffer): RxReason | null {
    const d = buf.data;
    const scan = this.scan;
    const target = this.ns.targetOffset;
    const fromUnspecified = isUnspecifiedAt(buf.src, 0);
    if (isMulticastAt(d, target)) return 'multicast-target';
    if (fromUnspecified && !isSolicitedNodeAt(buf.dst, 0)) return 'dad-not-solicited-node';
    if (fromUnspecified && scan.sllaOffset >= 0) return 'unspecified-with-slla';
    this.rt.counters.rx.ns.inc();
    // §7.2.3: only targets assigned to the interface; a DUPLICATED address is not (RFC 4862 §5.4.5).
    const own = findOwnIpv6(ifp, d, target);
    if (own === undefined) return 'not-our-target';
    if ((own.flags & AddressFlags.TENTATIVE) !== 0) {
      if (!fromUnspecified) return 'tentative-target';
      if (scan.nonceOffset >= 0 && this.parts.dad.isOwnProbe(own, d, scan.nonceOffset, scan.nonceLength)) return 'own';
      this.parts.dad.conflict(ifp, own, 'solicitation', null);
      return null;
    }
    if (!fromUnspecified && scan.sllaOffset >= 0) this.parts.neighbours.learn(ifp, buf.src, 0, d, scan.sllaOffset);
    if (!own.isActive(ifp)) return 'inactive-target';
    const link = own.linkAddress(ifp);
    if (link === null) return 'inactive-target';
    // §7.2.4: solicited unless the asker had no address; Override unless anycast.
    let flags = (own.flags & AddressFlags.ANYCAST) !== 0 ? 0 : NaFlags.OVERRIDE;
    if (this.host.isRouter()) flags |= NaFlags.ROUTER;
    if (fromUnspecified) this.rt.sender.advertise(ifp, own, null, 0, flags, link, false);
    else this.rt.sender.advertise(ifp, own, buf.src, 0, flags | NaFlags.SOLICITED, link, false);
    return null;
  }

  // --- Neighbor Advertisement (RFC 4861 §7.1.2, §7.2.5; RFC 4862 §5.4.4) -------------------------

  private advertisement(ifp: NetInterface, buf: PacketBuffer): RxReason | null {
    const d = buf.data;
    const view = this.na;
    const scan = this.scan;
    const target = view.targetOffset;
    if (isMulticastAt(d, target)) return 'multicast-target';
    if (isMulticastAt(buf.dst, 0) && view.solicited) return 'solicited-to-multicast';
    this.rt.counters.rx.na.inc();
    // A DUPLICATED address is not found: its owner's advertisements resolve it like any neighbour's.
    const own = findOwnIpv6(ifp, d, target);
    if (own !== undefined) {
      const link = own.linkAddress(ifp);
      const linkLength = ifp.hardwareAddress!.length;
      // Our own advertisement reflected back to us is not a conflict. We never advertise a tentative
      // address, so for one an NA with our link address comes from a node with the same hardware
      // address: a conflict (RFC 4862 §5.4.5).
      const tentative = (own.flags & AddressFlags.TENTATIVE) !== 0;
      if (!tentative && scan.tllaOffset >= 0 && link !== null && sameBytes(link, d, scan.tllaOffset, linkLength)) return 'own';
      this.parts.dad.conflict(ifp, own, 'advertisement', scan.tllaOffset >= 0 ? formatLinkAddress(d, scan.tllaOffset, linkLength) : null);
      return null;
    }
    const flags = view.flags;
    const known = this.parts.neighbours.advertised(
      ifp,
      d,
      target,
      { router: (flags & NaFlags.ROUTER) !== 0, solicited: (flags & NaFlags.SOLICITED) !== 0, override: (flags & NaFlags.OVERRIDE) !== 0 },
      d,
      scan.tllaOffset,
    );
    return known ? null : 'unknown-target';
  }

  // --- Router Solicitation (RFC 4861 §6.1.1, §6.2.6) ------------------------------------------------

  private routerSolicitation(ifp: NetInterface, buf: PacketBuffer): RxReason | null {
    const fromUnspecified = isUnspecifiedAt(buf.src, 0);
    if (fromUnspecified && this.scan.sllaOffset >= 0) return 'unspecified-with-slla';
    this.rt.counters.rx.rs.inc();
    // §6.2.6: hosts discard solicitations; a router records the sender (IsRouter false).
    if (!this.host.isRouter()) return 'rs-ignored';
    if (!fromUnspecified && this.scan.sllaOffset >= 0) this.parts.neighbours.learn(ifp, buf.src, 0, buf.data, this.scan.sllaOffset, false);
    return null;
  }

  // --- Router Advertisement (RFC 4861 §6.1.2, §6.3.4; RFC 4862 §5.5.3) ------------------------------

  private routerAdvertisement(ifp: NetInterface, buf: PacketBuffer): RxReason | null {
    const d = buf.data;
    const ra = this.ra;
    const scan = this.scan;
    this.rt.counters.rx.ra.inc();
    const neighbours = this.parts.neighbours;
    if (scan.sllaOffset >= 0) neighbours.learn(ifp, buf.src, 0, d, scan.sllaOffset, true);
    else {
      const entry = neighbours.find(ifp.index, buf.src, 0);
      if (entry !== undefined) entry.isRouter = true;
    }
    if (this.host.isRouter() || !this.rt.settings.of(ifp.index).acceptRa) return 'ra-ignored';
    const lifetime = ra.routerLifetime;
    if (lifetime !== 0) this.parts.solicitor.stop(ifp.index);
    this.parts.routers.advertised(ifp, buf.src, 0, lifetime, ra.preference, ra.managed, ra.other);
    const params = this.rt.params.of(ifp.index);
    const now = this.rt.stack.clock.now();
    if (ra.curHopLimit !== 0) params.curHopLimit = ra.curHopLimit;
    if (ra.reachableTime !== 0) params.setBaseReachableTime(Math.min(ra.reachableTime, 3_600_000), now);
    if (ra.retransTimer !== 0) params.retransTimer = ra.retransTimer;
    if (scan.mtuOffset >= 0) {
      const mtu = read32(d, scan.mtuOffset + 2);
      if (mtu >= 1280 && mtu <= ifp.mtu) params.linkMtu = mtu;
      else this.rt.counters.ra['mtu-ignored'].inc();
    }
    if (scan.prefixCount > 0) this.prefixes(ifp, buf);
    return null;
  }

  private prefixes(ifp: NetInterface, buf: PacketBuffer): void {
    const d = buf.data;
    const end = this.ra.end;
    const router = new Ipv6Address(buf.src, 0).toString();
    const type = NdOptionType.PREFIX_INFORMATION;
    for (let o = findNdOption(d, type, this.ra.optionsOffset, end); o >= 0; o = findNdOption(d, type, o + d[o + 1] * 8, end)) {
      const length = d[o + 2];
      const flags = d[o + 3];
      const valid = read32(d, o + 4);
      const preferred = read32(d, o + 8);
      const prefix = d.subarray(o + 16, o + 32);
      // §6.3.4: the link-local prefix is ignored altogether.
      if (isLinkLocalAt(prefix, 0)) {
        this.rt.counters.ra['prefix-link-local'].inc();
        continue;
      }
      const onLink = (flags & PrefixFlags.ON_LINK) !== 0;
      const autonomous = (flags & PrefixFlags.AUTONOMOUS) !== 0;
      const formed = autonomous ? this.parts.autoconf.prefix(ifp, prefix, length, valid, preferred) : null;
      this.parts.prefixes.advertised(ifp, prefix, length, onLink, autonomous, valid, preferred === INFINITE_LIFETIME ? preferred : Math.min(preferred, valid), router, formed?.address.toString() ?? null);
    }
  }

  // --- Redirect (RFC 4861 §8.1, §8.3) ----------------------------------------------------------

  private redirected(ifp: NetInterface, buf: PacketBuffer): RxReason | null {
    const d = buf.data;
    const view = this.redirect;
    const target = view.targetOffset;
    const destination = view.destinationOffset;
    if (isMulticastAt(d, destination)) return 'redirect-multicast-destination';
    const onLink = sameAddress(d, target, d, destination);
    if (!onLink && !isLinkLocalAt(d, target)) return 'redirect-bad-target';
    this.rt.counters.rx.redirect.inc();
    if (this.host.isRouter()) return 'redirect-ignored';
    if (!this.parts.installer.isFirstHop(ifp.fib, d, destination, buf.src, 0, ifp.index)) return 'redirect-not-first-hop';
    const dst = new Ipv6Address(d, destination);
    const gateway = onLink ? null : new Ipv6Address(d, target);
    this.parts.redirects.add(ifp, dst, gateway);
    const neighbours = this.parts.neighbours;
    if (this.scan.tllaOffset >= 0) neighbours.learn(ifp, d, target, d, this.scan.tllaOffset, onLink ? undefined : true);
    else if (!onLink) {
      const entry = neighbours.find(ifp.index, d, target);
      if (entry !== undefined) entry.isRouter = true;
    }
    this.rt.counters.ra['redirects-accepted'].inc();
    this.rt.events.emit(() => ({
      system: 'ND',
      subsystem: ifp.name,
      type: 'REDIRECT',
      ifindex: ifp.index,
      destination: dst.toString(),
      target: (gateway ?? dst).toString(),
    }));
    return null;
  }
}

function sameBytes(a: Uint8Array, bytes: Uint8Array, at: number, length: number): boolean {
  if (a.length !== length) return false;
  for (let i = 0; i < length; i++) if (a[i] !== bytes[at + i]) return false;
  return true;
}
