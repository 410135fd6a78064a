import type { AddressFamily, IpAddress } from '../addr/index.js';
import type { Disposer } from '../engine/disposer.js';

/**
 * Route flags (bit mask). The names follow BSD's `RTF_*`.
 * @public
 */
export const RouteFlags = {
  /** The route points at a gateway rather than at a directly connected destination. */
  GATEWAY: 0x1,
  /** A host route (/32 or /128). */
  HOST: 0x2,
  /** Added for an interface address (connected network). */
  CONNECTED: 0x4,
  /** Added by configuration. */
  STATIC: 0x8,
  /** Matching packets are silently discarded. */
  BLACKHOLE: 0x10,
  /** Matching packets are discarded with an ICMP unreachable. */
  REJECT: 0x20,
  /** The prefix is a local address of this stack (delivered locally). */
  LOCAL: 0x40,
} as const;

/**
 * A route as the control plane sees it.
 * @public
 */
export interface RouteSpec {
  readonly prefix: IpAddress;
  readonly prefixLength: number;
  /** Gateway of the same family as the prefix; absent for connected routes, blackhole and reject. */
  readonly gateway?: IpAddress;
  /** Outgoing interface index; required unless the route is a blackhole or reject. */
  readonly ifindex?: number;
  /** {@link RouteFlags} bits (GATEWAY and HOST are derived and need not be given). */
  readonly flags?: number;
  /** Lower wins among routes to the same prefix from different sources. Default 0. */
  readonly metric?: number;
  /** Who installed it: `'connected'`, `'static'`, `'ra'`, a routing daemon... Default `'static'`. */
  readonly source?: string;
  /** Path MTU for the route, 0 for the interface MTU. */
  readonly mtu?: number;
  /**
   * Further next hops for an ECMP group (the route's own gateway/ifindex is the first member).
   * The lookup picks one by a stable hash of the flow.
   */
  readonly multipath?: readonly { readonly gateway?: IpAddress; readonly ifindex: number; readonly weight?: number }[];
}

/**
 * A resolved next hop. Objects are created by the table when routes change, never per lookup;
 * lookups return a numeric id that {@link RouteTables.nextHop} turns into one of these.
 * @public
 */
export interface NextHop {
  readonly id: number;
  readonly family: AddressFamily;
  /** Outgoing interface index (0 for blackhole/reject). */
  readonly ifindex: number;
  /** Gateway, or null when the destination is directly connected. */
  readonly gateway: IpAddress | null;
  /** Gateway of an IPv4 route as an unsigned 32-bit integer (0 when none) for hot paths. */
  readonly gateway4: number;
  /** {@link RouteFlags} of the route this next hop belongs to. */
  readonly flags: number;
  readonly mtu: number;
}

/**
 * One installed route, as listed by `netstat -r`.
 * @public
 */
export interface RouteInfo {
  readonly fib: number;
  readonly family: AddressFamily;
  readonly prefix: IpAddress;
  readonly prefixLength: number;
  readonly gateway: IpAddress | null;
  readonly ifindex: number;
  readonly flags: number;
  readonly metric: number;
  readonly source: string;
  readonly mtu: number;
  /** True for the route that won among those to the same prefix (the one lookups use). */
  readonly installed: boolean;
  /** Members of an ECMP group beyond the first. */
  readonly multipath: readonly { readonly gateway: IpAddress | null; readonly ifindex: number; readonly weight: number }[];
}

/** @public */
export interface RouteChangeEvent {
  readonly system: 'ROUTE';
  readonly subsystem: string;
  readonly type: 'ADD' | 'DELETE' | 'CHANGE';
  readonly fib: number;
  readonly family: AddressFamily;
  readonly prefix: string;
  readonly prefixLength: number;
}

/**
 * The stack's forwarding tables: a set of numbered FIBs (FreeBSD multiple FIBs), each holding IPv4
 * and IPv6 routes. Control-plane methods validate and throw `RouteError` naming the problem, and
 * apply nothing on failure. Lookup methods never allocate.
 * @public
 */
export interface RouteTables {
  /** FIB ids in use, ascending. FIB 0 always exists. */
  fibs(): number[];
  createFib(fib: number): void;
  /** Delete a FIB (not FIB 0). */
  deleteFib(fib: number): void;
  hasFib(fib: number): boolean;

  /** Add a route to one FIB. */
  add(fib: number, route: RouteSpec): void;
  /**
   * Remove the route to `prefix/prefixLength` from `source` (default: every source) in one FIB.
   * Returns whether something was removed.
   */
  remove(fib: number, prefix: IpAddress, prefixLength: number, source?: string): boolean;
  /**
   * Add a connected route for an interface address: into every FIB, or only the interface's FIB
   * when `allFibs` is false (FreeBSD `net.add_addr_allfibs`). Returns a disposer that removes it.
   */
  addConnected(route: RouteSpec, ifaceFib: number, allFibs?: boolean): Disposer;
  /** Remove every route through an interface (it went away). */
  removeInterface(ifindex: number): void;
  /** Apply many changes as one generation: lookups see all of them or none. */
  batch(fn: () => void): void;

  /** Longest-prefix match of an IPv4 destination (unsigned 32-bit). Returns a next-hop id or -1. */
  lookup4(fib: number, dst: number, flowHash?: number): number;
  /** Longest-prefix match of the IPv6 destination in `bytes[offset..offset+16)`. Returns a next-hop id or -1. */
  lookup6(fib: number, bytes: Uint8Array, offset: number, flowHash?: number): number;
  /**
   * {@link RouteTables.lookup4} for a burst: `out[i]` receives the next-hop id for `dsts[i]` (an
   * unsigned 32-bit address, or the same bits signed), or -1, for i below `count`. `flowHashes[i]`,
   * when given, picks the ECMP member for destination i (as `flowHash` does). Cheaper per
   * destination than single lookups, because the lookups of a burst overlap their memory reads.
   */
  lookup4Burst(fib: number, dsts: Uint32Array | Int32Array, out: Int32Array, count: number, flowHashes?: Uint32Array | Int32Array): void;
  /**
   * {@link RouteTables.lookup6} for a burst of destinations stored 16 bytes apart: address i is
   * `addrs[i * 16 .. i * 16 + 16)`, and `out[i]` receives its next-hop id or -1.
   */
  lookup6Burst(fib: number, addrs: Uint8Array, out: Int32Array, count: number, flowHashes?: Uint32Array | Int32Array): void;
  /** The next hop for an id returned by a lookup (valid until the next route change). */
  nextHop(id: number): NextHop;

  /** `netstat -r`: every route of a family in a FIB, sorted by prefix. */
  list(fib: number, family: AddressFamily): RouteInfo[];
  /** `route get`: the route a destination would use, or null. */
  get(fib: number, dst: IpAddress): RouteInfo | null;
}

/**
 * A rejected route-table change. Nothing of the change was applied. `field` names what was wrong
 * (`'prefix'`, `'prefixLength'`, `'gateway'`, `'ifindex'`, `'fib'`...).
 * @public
 */
export class RouteError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.name = 'RouteError';
    this.field = field;
  }
}
