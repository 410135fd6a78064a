import type { ModuleContext, NeighbourResolver, NetInterface, PacketBuffer, RouteTables, SendError, Stack } from '@stack/core';

/*
 * The seam inside @stack/ipv6-nd between the IPv6 layer (header processing, extension headers,
 * fragmentation, ICMPv6, the NetworkProtocol service) and neighbour discovery with its companions
 * (RFC 4861 ND, RFC 4862 DAD/SLAAC, RFC 3810 MLDv2, which live in `./nd/`). The IPv6 module builds
 * an `NdHost`, calls `createNeighbourDiscovery(host, options)` from `./nd/index.ts`, and wires the
 * returned `NdParts` into its input path, its multicast filter and the neighbour-resolver service.
 * Neither side imports the other's internals; change this file only with both sides in step.
 */

/** What the IPv6 layer offers to ND, DAD, SLAAC and MLD. @internal */
export interface NdHost {
  /** The IPv6 module's context: timers, counters, events and listeners registered here unload with it. */
  readonly ctx: ModuleContext;
  readonly stack: Stack;
  /** The stack's FIBs: ND installs default routes (router list), on-link prefix routes and redirects here. */
  readonly routes: RouteTables;
  /** Whether the node forwards IPv6 (is a router): then it ignores RAs for its own configuration (RFC 4861 §6.2.8 / §6.3.4). */
  isRouter(): boolean;
  /**
   * Stage 1 of sending an ND/MLD message: a buffer for an ICMPv6 message of `length` bytes (ICMPv6
   * header included) that will leave through `ifp` from `src` to `dst` (16 bytes each; an all-zero
   * `src` is the unspecified address, as DAD needs) with hop limit `hopLimit` (255 for ND, 1 for
   * MLD). `routerAlert` adds a Hop-by-Hop Options header carrying Router Alert (RFC 2711), as MLD
   * requires. The buffer starts at the ICMPv6 header; `buf.src`/`buf.dst` are set. No route lookup.
   */
  allocateIcmp(
    ifp: NetInterface,
    src: Uint8Array,
    dst: Uint8Array,
    length: number,
    hopLimit: number,
    routerAlert: boolean,
  ): PacketBuffer | SendError;
  /**
   * Stage 2: fill the ICMPv6 checksum, prepend the IPv6 header (and the Hop-by-Hop header) and hand
   * the packet to the link layer of `ifp`, next hop = destination (multicast maps without
   * resolution; unicast goes through the ND resolver). Takes ownership of `buf`.
   */
  sendIcmp(ifp: NetInterface, buf: PacketBuffer): void;
  /**
   * Tell the sender of a queued packet that resolution failed (RFC 4861 §7.2.2: ICMPv6 destination
   * unreachable, code 3 address unreachable; rate-limited). `buf` starts at its IPv6 header. Does
   * not take ownership.
   */
  sendAddressUnreachable(buf: PacketBuffer): void;
}

/** What ND gives back to the IPv6 layer. @internal */
export interface NdParts {
  /** The IPv6 neighbour resolver; the IPv6 module provides it as `NeighbourResolverService` variant `'ipv6'`. */
  readonly resolver: NeighbourResolver;
  /**
   * An ND message (types 133–137) or MLD message (130, 131, 132, 143) received on `ifp`, already
   * past IPv6 validation and the ICMPv6 checksum: `buf` starts at the ICMPv6 header and ends at the
   * end of the message; `buf.src`/`buf.dst`/`buf.ifindex` describe it. `hopLimit` is the IPv6 hop
   * limit as received; `routerAlert` whether a Hop-by-Hop Router Alert option was present. Takes
   * ownership of `buf`.
   */
  input(ifp: NetInterface, buf: PacketBuffer, type: number, hopLimit: number, routerAlert: boolean): void;
  /** Join a multicast group (reference counted): link-layer filter plus MLDv2 reports. `group` is copied. */
  joinGroup(ifp: NetInterface, group: Uint8Array): void;
  leaveGroup(ifp: NetInterface, group: Uint8Array): void;
  /** Whether packets to the multicast group at `group[offset..offset+16)` received on `ifindex` are for us. */
  isMember(ifindex: number, group: Uint8Array, offset: number): boolean;
  /** Cur Hop Limit learnt from router advertisements on `ifindex` (RFC 4861 §6.3.4), or 0 when none. */
  hopLimit(ifindex: number): number;
  /** Link MTU learnt from an RA MTU option on `ifindex` (RFC 4861 §6.3.4), or 0 when none. */
  linkMtu(ifindex: number): number;
  /**
   * Whether IPv6 operation is disabled on `ifindex` (RFC 4862 §5.4.5: its hardware-derived
   * link-local address is duplicated); the IPv6 layer then neither accepts nor sends packets there.
   * Called per packet: allocation-free.
   */
  isDisabled(ifindex: number): boolean;
  /** Stop every timer and forget all state (module unload); leaves the link-layer groups it joined. */
  dispose(): void;
}
