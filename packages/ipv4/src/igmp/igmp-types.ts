/**
 * A multicast group joined on an interface, from {@link Ipv4Control.multicast}.
 * @public
 */
export interface Ipv4GroupMembership {
  /** The group, dotted quad. */
  readonly group: string;
  /** Joins not yet matched by a leave (sockets and other users of `joinGroup`). */
  readonly references: number;
  /**
   * Whether IGMP reports it: not 224.0.0.1 (never reported), not a 224.0.0.0/24 group when
   * `igmp.reportLinkLocal` is false, and never when IGMP is off or on the loopback interface.
   */
  readonly reported: boolean;
}

/**
 * The IGMP state of one interface (RFC 3376 §7.2.1, §8), from {@link Ipv4Control.multicast}.
 * @public
 */
export interface IgmpInterfaceState {
  /** Host Compatibility Mode: 3, or 2 / 1 while an older querier is present or when so configured. */
  readonly version: 1 | 2 | 3;
  /** ms left on the IGMPv1 Querier Present timer; 0 when it is not running. */
  readonly v1QuerierPresentMs: number;
  /** ms left on the IGMPv2 Querier Present timer; 0 when it is not running. */
  readonly v2QuerierPresentMs: number;
  /** Robustness Variable in use (from the last IGMPv3 query's QRV, else the configured one). */
  readonly robustness: number;
  /** Query Interval in use, in ms (from the last IGMPv3 query's QQIC, else the configured one). */
  readonly queryIntervalMs: number;
  /** Groups with a report pending: an answer to a query or a retransmitted state change. */
  readonly pendingReports: number;
}

/**
 * One interface's multicast groups and IGMP state, from {@link Ipv4Control.multicast}.
 * @public
 */
export interface Ipv4MulticastInterface {
  /** The interface. */
  readonly ifindex: number;
  /** Groups joined here (224.0.0.1, of which every interface is a member, is listed only when joined explicitly). */
  readonly groups: readonly Ipv4GroupMembership[];
  /** IGMP state; null when IGMP is off (`igmp: false`), on the loopback interface, or before IGMP did anything here. */
  readonly igmp: IgmpInterfaceState | null;
}
