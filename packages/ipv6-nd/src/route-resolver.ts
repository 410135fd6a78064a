import { flowHash6, InterfaceFlags, RouteFlags, type NetInterface, type RouteTables, type SendError, type Stack } from '@stack/core';
import { copy16, isIpv4MappedAt, isLinkScopedAt, isLoopbackAt, isMulticastAt, isUnspecifiedAt } from './address-bytes.js';
import { packetFlowHash6 } from './flow-hash.js';
import type { LinkScope } from './link-scope.js';
import type { LocalAddresses } from './local-addresses.js';
import type { NdLink } from './nd-link.js';

/** Where a packet goes: filled in by {@link RouteResolver.resolve}; one scratch object per user. */
export class ResolvedRoute {
  ifp: NetInterface | null = null;
  /** Next-hop address: the gateway, or the destination itself when on link. */
  readonly nextHop = new Uint8Array(16);
  /** MTU towards the next hop: the route's when set, the RA-advertised link MTU, else the interface's. */
  mtu = 0;
  /** `RouteFlags` of the route used (BLACKHOLE/REJECT set when that was the failure). */
  routeFlags = 0;
}

/**
 * Output routing for IPv6: our own addresses go through the loopback interface (never by
 * recursion); link-scoped destinations (link-local unicast, link- and interface-local multicast)
 * leave through the interface the sender names, or the single running link (RFC 4007 §6); other
 * multicast through the named interface or a route; everything else by longest-prefix match in a
 * FIB, where a flow hash picks the member of an ECMP group. Allocates nothing.
 */
export class RouteResolver {
  /** The unspecified address, hashed in place of a source not chosen yet. */
  private readonly noSource = new Uint8Array(16);

  /**
   * @param flowSeed - this stack's seed of the ECMP flow hash (core `flowHash6`).
   * @param maxHeaders - extension headers walked to find the ports of an unlabelled packet.
   */
  constructor(
    private readonly stack: Stack,
    private readonly routes: RouteTables,
    private readonly locals: LocalAddresses,
    private readonly scope: LinkScope,
    private readonly nd: NdLink,
    readonly flowSeed: number,
    private readonly maxHeaders: number,
  ) {}

  /** Flow hash of the packet whose IPv6 header is at `bytes[at]` (forwarding; see `packetFlowHash6`). */
  packetHash(bytes: Uint8Array, at: number, end: number): number {
    return packetFlowHash6(this.flowSeed, bytes, at, end, this.maxHeaders);
  }

  /** Flow hash of a packet from `src` (null: not chosen yet) to `dst` with the given label, protocol and ports word. */
  flowHash(
    src: Uint8Array | null,
    srcOffset: number,
    dst: Uint8Array,
    dstOffset: number,
    flowLabel: number,
    protocol: number,
    ports: number,
  ): number {
    const s = src ?? this.noSource;
    return flowHash6(this.flowSeed, s, src === null ? 0 : srcOffset, dst, dstOffset, flowLabel, protocol, ports);
  }

  /**
   * Route the destination `dst[o..o+16)` in `fib`, optionally pinned to interface `ifindex` (0:
   * any); `flowHash` picks the member when the route is an ECMP group (the same hash, the same
   * member). Returns null on success (then `out` is filled) or the reason.
   */
  resolve(fib: number, dst: Uint8Array, o: number, ifindex: number, flowHash: number, out: ResolvedRoute): SendError | null {
    const interfaces = this.stack.interfaces;
    out.routeFlags = 0;
    copy16(dst, o, out.nextHop, 0);
    // RFC 4291 §2.5.2 / RFC 4038 §4.2: neither :: nor an IPv4-mapped address is ever a destination.
    if (isUnspecifiedAt(dst, o) || isIpv4MappedAt(dst, o)) return 'network-unreachable';
    if (this.locals.active(dst, o, ifindex) !== null) return this.finish(this.stack.loopback, 0, out);
    if (isLoopbackAt(dst, o)) return 'no-route';
    const pinned = ifindex !== 0 ? interfaces.byIndexFast(ifindex) : undefined;
    if (ifindex !== 0 && pinned === undefined) return 'no-route';
    if (isLinkScopedAt(dst, o)) {
      const ifp = pinned ?? this.scope.singleLink();
      return ifp === undefined ? 'no-route' : this.finish(ifp, 0, out);
    }
    if (pinned !== undefined && isMulticastAt(dst, o)) return this.finish(pinned, 0, out);
    const id = this.routes.lookup6(fib, dst, o, flowHash);
    if (id < 0) {
      if (!isMulticastAt(dst, o)) return 'no-route';
      const ifp = this.scope.singleLink();
      return ifp === undefined ? 'no-route' : this.finish(ifp, 0, out);
    }
    const hop = this.routes.nextHop(id);
    out.routeFlags = hop.flags;
    if ((hop.flags & RouteFlags.BLACKHOLE) !== 0) return 'no-route';
    if ((hop.flags & RouteFlags.REJECT) !== 0) return 'host-unreachable';
    // Pinned to another interface (SO_BINDTODEVICE): treat the destination as on link there.
    if (pinned !== undefined && hop.ifindex !== ifindex) return this.finish(pinned, 0, out);
    const ifp = interfaces.byIndexFast(hop.ifindex);
    if (ifp === undefined) return 'no-route';
    if (hop.gateway !== null && hop.gateway.family === 'ipv6') hop.gateway.copyTo(out.nextHop, 0);
    return this.finish(ifp, hop.mtu, out);
  }

  private finish(ifp: NetInterface, routeMtu: number, out: ResolvedRoute): SendError | null {
    if (!ifp.isRunning) return 'interface-down';
    out.ifp = ifp;
    let mtu = ifp.mtu;
    if (routeMtu > 0 && routeMtu < mtu) mtu = routeMtu;
    const advertised = ifp.hasFlag(InterfaceFlags.LOOPBACK) ? 0 : this.nd.linkMtu(ifp.index);
    if (advertised > 0 && advertised < mtu) mtu = advertised;
    out.mtu = mtu;
    return null;
  }
}
