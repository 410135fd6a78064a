import {
  flowHash4,
  InterfaceFlags,
  isIpv4LimitedBroadcast,
  isIpv4Multicast,
  RouteFlags,
  type NetInterface,
  type RouteTables,
  type SendError,
  type Stack,
} from '@stack/core';
import { datagramFlowHash4 } from './flow-hash.js';
import type { LocalAddresses } from './local-addresses.js';

/** Where a datagram goes: filled in by {@link RouteResolver.resolve}; one scratch object per user. */
export class ResolvedRoute {
  ifp: NetInterface | null = null;
  /** Next-hop address (the gateway, or the destination when on link). */
  nextHop = 0;
  /** Path MTU: the route's when set, else the interface's. */
  mtu = 0;
  /** Sent as a link-layer broadcast (limited or directed broadcast destination). */
  broadcast = false;
  /** `RouteFlags` of the route used (BLACKHOLE/REJECT set when that was the failure). */
  routeFlags = 0;
}

/**
 * Output routing: our own addresses go through the loopback interface (never by recursion),
 * limited broadcasts and multicasts out of the chosen interface, everything else by longest-prefix
 * match in a FIB, where a flow hash picks the member of an ECMP group.
 */
export class RouteResolver {
  /**
   * @param flowSeed - this stack's seed of the ECMP flow hash (core `flowHash4`).
   */
  constructor(
    private readonly stack: Stack,
    private readonly routes: RouteTables,
    private readonly locals: LocalAddresses,
    readonly flowSeed: number,
  ) {}

  /** Flow hash of the datagram whose header is at `bytes[at]` (forwarding; see `datagramFlowHash4`). */
  datagramHash(bytes: Uint8Array, at: number, end: number): number {
    return datagramFlowHash4(this.flowSeed, bytes, at, end);
  }

  /** Flow hash of a datagram from `src` to `dst` carrying `protocol` with the ports word `ports` (0: none). */
  flowHash(src: number, dst: number, protocol: number, ports: number): number {
    return flowHash4(this.flowSeed, src, dst, protocol, ports);
  }

  /**
   * Route `dst` in `fib`, optionally pinned to interface `ifindex` (0: any); `flowHash` picks the
   * member when the route is an ECMP group (the same hash, the same member). Allocates nothing.
   * Returns null on success (then `out` is filled) or the reason.
   */
  resolve(fib: number, dst: number, ifindex: number, flowHash: number, out: ResolvedRoute): SendError | null {
    const interfaces = this.stack.interfaces;
    out.broadcast = false;
    out.routeFlags = 0;
    out.nextHop = dst;
    if (this.locals.active(dst) !== null) return this.finish(this.stack.loopback, 0, out);
    if (isIpv4LimitedBroadcast(dst)) {
      // RFC 919 §7: the limited broadcast goes out of one interface, never routed.
      const ifp = ifindex !== 0 ? interfaces.byIndexFast(ifindex) : this.firstWithFlag(InterfaceFlags.BROADCAST);
      if (ifp === undefined) return 'no-route';
      out.broadcast = true;
      return this.finish(ifp, 0, out);
    }
    if (ifindex !== 0 && isIpv4Multicast(dst)) {
      const ifp = interfaces.byIndexFast(ifindex);
      return ifp === undefined ? 'no-route' : this.finish(ifp, 0, out);
    }
    const id = this.routes.lookup4(fib, dst, flowHash);
    if (id < 0) {
      if (!isIpv4Multicast(dst)) return 'no-route';
      const ifp = this.firstWithFlag(InterfaceFlags.MULTICAST);
      return ifp === undefined ? 'no-route' : this.finish(ifp, 0, out);
    }
    const hop = this.routes.nextHop(id);
    out.routeFlags = hop.flags;
    if ((hop.flags & RouteFlags.BLACKHOLE) !== 0) return 'no-route';
    if ((hop.flags & RouteFlags.REJECT) !== 0) return 'host-unreachable';
    if (ifindex !== 0 && hop.ifindex !== ifindex) {
      // Pinned to another interface (SO_BINDTODEVICE): treat the destination as on link there.
      const ifp = interfaces.byIndexFast(ifindex);
      return ifp === undefined ? 'no-route' : this.finish(ifp, 0, out);
    }
    const ifp = interfaces.byIndexFast(hop.ifindex);
    if (ifp === undefined) return 'no-route';
    if (hop.gateway4 !== 0) out.nextHop = hop.gateway4;
    else out.broadcast = this.locals.isDirectedBroadcastOn(dst, ifp.index);
    return this.finish(ifp, hop.mtu, out);
  }

  private finish(ifp: NetInterface, routeMtu: number, out: ResolvedRoute): SendError | null {
    if (!ifp.isRunning) return 'interface-down';
    out.ifp = ifp;
    out.mtu = routeMtu > 0 && routeMtu < ifp.mtu ? routeMtu : ifp.mtu;
    return null;
  }

  private firstWithFlag(flag: number): NetInterface | undefined {
    for (const ifp of this.stack.interfaces.list()) {
      if (ifp.hasFlag(flag) && !ifp.hasFlag(InterfaceFlags.LOOPBACK) && ifp.isRunning) return ifp;
    }
    return undefined;
  }
}
