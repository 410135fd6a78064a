import { defineService } from '@stack/core';
import type { NdInterfaceConfig, NdInterfaceOptions } from './nd-interface-options.js';

/** One entry of the default router list (`ndp -r`). @public */
export interface NdRouterInfo {
  readonly ifindex: number;
  /** Link-local address, RFC 5952 text. */
  readonly address: string;
  /** Milliseconds until the router lifetime runs out. */
  readonly expiresIn: number;
  /** RFC 4191 default router preference. */
  readonly preference: 'high' | 'medium' | 'low';
  /** Whether it is the default router of its FIB now (the one `::/0` points at). */
  readonly selected: boolean;
  /** Neighbour cache state of the router, or null when it has no entry. */
  readonly reachability: string | null;
  /** M and O flags of its last advertisement (RFC 4861 §4.2). */
  readonly managed: boolean;
  readonly other: boolean;
}

/** One entry of the prefix list (`ndp -p`). @public */
export interface NdPrefixInfo {
  readonly ifindex: number;
  /** `2001:db8::/64` */
  readonly prefix: string;
  /** On-link (L flag, §6.3.4): a route to it through the interface is installed. */
  readonly onLink: boolean;
  /** Autonomous (A flag): an address was formed from it (RFC 4862 §5.5.3). */
  readonly autonomous: boolean;
  /** Milliseconds until invalid / until deprecated (Infinity for an infinite lifetime). */
  readonly validIn: number;
  readonly preferredIn: number;
  /** Routers that advertised it, RFC 5952 text. */
  readonly advertisedBy: readonly string[];
  /** The address formed from it, or null. */
  readonly address: string | null;
}

/** Per-interface ND parameters (`ndp -i`). @public */
export interface NdInterfaceInfo {
  readonly ifindex: number;
  readonly name: string;
  /** Cur Hop Limit from RAs, or 0 when none was advertised (the IPv6 default then applies). */
  readonly curHopLimit: number;
  /** Link MTU from an RA MTU option, or 0. */
  readonly linkMtu: number;
  readonly baseReachableTime: number;
  /** ReachableTime in use: BaseReachableTime randomised (RFC 4861 §6.3.2). */
  readonly reachableTime: number;
  readonly retransTimer: number;
  readonly dadTransmits: number;
  /** Whether RAs are processed on it (acceptRa, not a router). */
  readonly acceptRa: boolean;
  readonly slaac: boolean;
  /** The interface's settings: the stack-wide defaults with its overrides applied (before any RA changes). */
  readonly settings: NdInterfaceConfig;
  /** Multicast groups joined (with reference counts), RFC 5952 text. */
  readonly groups: readonly { readonly group: string; readonly references: number }[];
  /** MLDv1 compatibility mode (an MLDv1 querier is present, RFC 3810 §8.2.1). */
  readonly mldv1Compatibility: boolean;
  /**
   * IPv6 is disabled on it: its hardware-derived link-local address was found duplicated
   * (RFC 4862 §5.4.5). A new hardware address or `redoDad` enables it again.
   */
  readonly ipv6Disabled: boolean;
}

/**
 * The control side of neighbour discovery for an `ndp`-style CLI: router and prefix lists,
 * per-interface parameters, and a few actions. The neighbour cache itself is the
 * `NeighbourResolverService` variant `'ipv6'` (`ndp -a`, `ndp -s`, `ndp -d`).
 * @public
 */
export interface NdControl {
  routers(ifindex?: number): NdRouterInfo[];
  prefixes(ifindex?: number): NdPrefixInfo[];
  interfaces(ifindex?: number): NdInterfaceInfo[];
  /** Forget the default router list (`ndp -R`): removes the routes ND installed for them. */
  flushRouters(ifindex?: number): void;
  /** Forget the prefix list (`ndp -P`): removes on-link routes; autoconfigured addresses stay. */
  flushPrefixes(ifindex?: number): void;
  /** Send router solicitations again on an interface (as on interface start). */
  solicitRouters(ifindex: number): void;
  /**
   * Run DAD again for an address configured on `ifindex` (e.g. after fixing a duplicate); on an
   * interface where IPv6 is disabled (RFC 4862 §5.4.5) this enables it again first.
   */
  redoDad(ifindex: number, address: string): void;
  /** `ndp -a` lines: `fe80::1%em0 02:00:00:00:00:01 em0 23s R S`. */
  formatNeighbours(ifindex?: number): string[];
  /**
   * Override the per-interface settings of one interface, by name or index. The fields given
   * replace earlier overrides of that key (from the module options or an earlier call); the others
   * stay. The interface need not exist yet: one that appears later with that name or index takes
   * them; the index of an existing interface stands for its name. On an existing interface they apply at once: RetransTimer and BaseReachableTime take the
   * new values, router solicitation stops when `acceptRa` goes off and starts when it comes on, a
   * link-local address is formed when `linkLocal` comes on, MLD reports when it comes on; SLAAC,
   * identifier and DAD settings apply to what happens next. An interface's settings are the
   * defaults, then its overrides by index, then those by name. Throws an `NdOptionError` naming
   * the field (`interfaces.em1.dadTransmits`).
   */
  setInterfaceOptions(iface: string | number, options: NdInterfaceOptions): void;
}

/** The ND control service, provided while IPv6 with ND is loaded. @public */
export const NdControlService = defineService<NdControl>('ipv6-nd-control');
