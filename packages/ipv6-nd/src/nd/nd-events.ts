import { defineEvent, type StackEvent } from '@stack/core';

interface NdEventBase extends StackEvent {
  readonly system: 'ND';
  /** Interface name. */
  readonly subsystem: string;
  readonly ifindex: number;
}

/**
 * Duplicate address detection found another node using one of our addresses (RFC 4862 §5.4.5),
 * or a node claims an address of ours that had passed DAD (`tentative: false`, RFC 4862 §5.4.4).
 * A tentative address is marked DUPLICATED and never used.
 * @public
 */
export interface NdDadConflictEvent extends NdEventBase {
  readonly type: 'DAD_CONFLICT';
  /** Our address, RFC 5952 text. */
  readonly address: string;
  /** What revealed it: another node's DAD probe or an advertisement. */
  readonly via: 'solicitation' | 'advertisement';
  /** The other node's link address when the message carried one, else null. */
  readonly linkAddress: string | null;
  /** The address was still tentative (and is now DUPLICATED). */
  readonly tentative: boolean;
  /** A replacement stable address will be tried (RFC 7217 §6), or null when none is. */
  readonly retry: string | null;
}

/** An address passed DAD (or skipped it) and may be used (RFC 4862 §5.4). @public */
export interface NdAddressReadyEvent extends NdEventBase {
  readonly type: 'ADDRESS_READY';
  readonly address: string;
  readonly prefixLength: number;
  /** Formed by stateless autoconfiguration (link-local or from an RA prefix). */
  readonly autoconf: boolean;
}

/** An address's preferred lifetime ran out (DEPRECATED) or its valid lifetime did (removed). @public */
export interface NdAddressLifetimeEvent extends NdEventBase {
  readonly type: 'ADDRESS_DEPRECATED' | 'ADDRESS_EXPIRED';
  readonly address: string;
  readonly prefixLength: number;
}

/** A router entered or left the default router list (RFC 4861 §6.3.4, §6.3.5). @public */
export interface NdRouterEvent extends NdEventBase {
  readonly type: 'ROUTER_ADDED' | 'ROUTER_REMOVED';
  /** The router's link-local address. */
  readonly router: string;
  /** Router lifetime in seconds as last advertised (0 once removed). */
  readonly lifetime: number;
  /**
   * Why it left: lifetime expired, advertised lifetime 0, no longer a router, the interface went
   * down (administratively or no carrier), IPv6 was disabled on it, interface gone, or flushed
   * (control, unload).
   */
  readonly reason?: 'expired' | 'withdrawn' | 'not-router' | 'down' | 'disabled' | 'interface' | 'flushed';
}

/** The default router chosen for a FIB changed (RFC 4861 §6.3.6). @public */
export interface NdDefaultRouterEvent extends NdEventBase {
  readonly type: 'DEFAULT_ROUTER';
  readonly fib: number;
  /** The chosen router, or null when the FIB has none any more. */
  readonly router: string | null;
}

/** An on-link prefix was learnt from an RA or expired (RFC 4861 §6.3.4, §6.3.5). @public */
export interface NdPrefixEvent extends NdEventBase {
  readonly type: 'PREFIX_LEARNED' | 'PREFIX_EXPIRED';
  /** `2001:db8::/64` */
  readonly prefix: string;
}

/** Address resolution or unreachability detection gave up on a neighbour (RFC 4861 §7.3.3). @public */
export interface NdNeighbourUnreachableEvent extends NdEventBase {
  readonly type: 'NEIGHBOUR_UNREACHABLE';
  readonly address: string;
  /** The state it failed from: `'incomplete'` (never answered) or `'probe'` (stopped answering). */
  readonly from: 'incomplete' | 'probe';
  /** Queued packets dropped (each answered with an ICMPv6 address unreachable). */
  readonly dropped: number;
}

/** A redirect was accepted (RFC 4861 §8.3). @public */
export interface NdRedirectEvent extends NdEventBase {
  readonly type: 'REDIRECT';
  readonly destination: string;
  /** Better first hop; equal to `destination` when the destination is on-link. */
  readonly target: string;
}

/**
 * IPv6 operation on an interface was disabled because its link-local address formed from the
 * hardware address turned out duplicated — another node on the link very likely has the same
 * hardware address (RFC 4862 §5.4.5) — or was enabled again (new hardware address, or DAD run
 * again through `NdControl.redoDad`).
 * @public
 */
export interface NdInterfaceStateEvent extends NdEventBase {
  readonly type: 'IPV6_DISABLED' | 'IPV6_ENABLED';
  /** The duplicated link-local address, RFC 5952 text (null for `IPV6_ENABLED`). */
  readonly address: string | null;
  /** The interface's hardware address it was derived from (null for `IPV6_ENABLED`). */
  readonly linkAddress: string | null;
}

/** Every event of the `'ND'` system. @public */
export type NdEvent =
  | NdDadConflictEvent
  | NdAddressReadyEvent
  | NdAddressLifetimeEvent
  | NdRouterEvent
  | NdDefaultRouterEvent
  | NdPrefixEvent
  | NdNeighbourUnreachableEvent
  | NdRedirectEvent
  | NdInterfaceStateEvent;

/** Events of neighbour discovery, DAD and SLAAC (`system: 'ND'`). @public */
export const NdEvents = defineEvent<NdEvent>('ND');
