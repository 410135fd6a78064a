import type { PacketBuffer } from '../buffer/packet-buffer.js';
import type { NetInterface } from '../engine/interface.js';

/**
 * What a neighbour resolver calls back with once the link address of a queued packet is known.
 * @public
 */
export type NeighbourTransmit = (ifp: NetInterface, buf: PacketBuffer, linkDst: Uint8Array) => void;

/** States of a neighbour cache entry (RFC 4861 §7.3.2; ARP uses a subset). @public */
export type NeighbourState = 'incomplete' | 'reachable' | 'stale' | 'delay' | 'probe' | 'permanent' | 'failed';

/** One neighbour cache entry, for listings (`arp -a`, `ndp -a`). @public */
export interface NeighbourInfo {
  readonly ifindex: number;
  readonly address: string;
  readonly linkAddress: string | null;
  readonly state: NeighbourState;
  readonly isRouter: boolean;
  /** Milliseconds until the entry's state next changes, NaN for permanent entries. */
  readonly expiresIn: number;
  readonly queued: number;
}

/**
 * Maps network next hops to link addresses for one family (ARP for IPv4, ND for IPv6), registered
 * as the {@link NeighbourResolverService} keyed by family.
 * @public
 */
export interface NeighbourResolver {
  /**
   * Find the link address for the next hop in `buf.nextHop`. If it is known, write it into
   * `out[0..len)` and return its length; the caller keeps `buf`. Otherwise take ownership of `buf`,
   * queue it (bounded), start resolution and return 0; once resolved the resolver sends it with
   * `transmit`; on failure it drops it and reports (ICMP unreachable to the sender). The link layer
   * keeps the packet's link protocol in `buf.linkProtocol` while it is queued: leave it alone.
   */
  resolve(ifp: NetInterface, buf: PacketBuffer, out: Uint8Array, transmit: NeighbourTransmit): number;
  /** Upper-layer evidence that a neighbour is reachable (RFC 4861 §7.3.1), e.g. TCP progress. Optional. */
  confirm?(ifp: NetInterface, address: Uint8Array, offset: number): void;
  /** Listing for `arp -a` / `ndp -a`. */
  list(ifindex?: number): NeighbourInfo[];
  /** Add a permanent entry. `address` and `linkAddress` are text. */
  addStatic(ifindex: number, address: string, linkAddress: string): void;
  /** Remove an entry; returns whether one existed. */
  remove(ifindex: number, address: string): boolean;
  /** Forget every entry of an interface. */
  flush(ifindex?: number): void;
  /**
   * Announce an address (gratuitous ARP / unsolicited NA with override), e.g. after it was
   * added or after CARP became master. `linkAddress` defaults to the interface's.
   */
  announce(ifp: NetInterface, address: string, linkAddress?: Uint8Array): void;
}
