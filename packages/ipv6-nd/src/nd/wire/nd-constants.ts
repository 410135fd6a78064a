import { Icmpv6Type } from '../../wire/icmpv6-constants.js';

/**
 * ICMPv6 message types of neighbour discovery (RFC 4861 §4) and MLD (RFC 2710, RFC 3810 §5): the
 * ones of {@link Icmpv6Type} that the IPv6 layer hands to ND.
 * @public
 */
export const NdMessageType = {
  MLD_QUERY: Icmpv6Type.MLD_QUERY,
  MLDV1_REPORT: Icmpv6Type.MLD_REPORT,
  MLDV1_DONE: Icmpv6Type.MLD_DONE,
  ROUTER_SOLICITATION: Icmpv6Type.ROUTER_SOLICITATION,
  ROUTER_ADVERTISEMENT: Icmpv6Type.ROUTER_ADVERTISEMENT,
  NEIGHBOR_SOLICITATION: Icmpv6Type.NEIGHBOR_SOLICITATION,
  NEIGHBOR_ADVERTISEMENT: Icmpv6Type.NEIGHBOR_ADVERTISEMENT,
  REDIRECT: Icmpv6Type.REDIRECT,
  MLDV2_REPORT: Icmpv6Type.MLDV2_REPORT,
} as const;

/** ND option types (RFC 4861 §4.6, RFC 3971 §5.3.2 nonce, RFC 4191 route information, RFC 8106). @public */
export const NdOptionType = {
  SOURCE_LINK_ADDRESS: 1,
  TARGET_LINK_ADDRESS: 2,
  PREFIX_INFORMATION: 3,
  REDIRECTED_HEADER: 4,
  MTU: 5,
  NONCE: 14,
  ROUTE_INFORMATION: 24,
  RDNSS: 25,
  DNSSL: 31,
} as const;

/** Fixed part (ICMPv6 header included) of each ND message (RFC 4861 §4.1–§4.5). @public */
export const ND_FIXED_LENGTH = {
  [NdMessageType.ROUTER_SOLICITATION]: 8,
  [NdMessageType.ROUTER_ADVERTISEMENT]: 16,
  [NdMessageType.NEIGHBOR_SOLICITATION]: 24,
  [NdMessageType.NEIGHBOR_ADVERTISEMENT]: 24,
  [NdMessageType.REDIRECT]: 40,
} as const;

/** Neighbor Advertisement flag bits in the first byte after the checksum (RFC 4861 §4.4). @public */
export const NaFlags = { ROUTER: 0x80, SOLICITED: 0x40, OVERRIDE: 0x20 } as const;

/** Router Advertisement flag bits (RFC 4861 §4.2; RFC 4191 §2.2 preference in bits 3–4). @public */
export const RaFlags = { MANAGED: 0x80, OTHER: 0x40 } as const;

/** Prefix Information flag bits (RFC 4861 §4.6.2). @public */
export const PrefixFlags = { ON_LINK: 0x80, AUTONOMOUS: 0x40 } as const;

/** Infinite lifetime in prefix and router fields (RFC 4861 §4.6.2). @public */
export const INFINITE_LIFETIME = 0xffff_ffff;

/** The hop limit every ND message must carry (RFC 4861 §6.1, §7.1, §8.1). @public */
export const ND_HOP_LIMIT = 255;

/** MLDv2 multicast address record types (RFC 3810 §5.2.12). @public */
export const MldRecordType = {
  MODE_IS_INCLUDE: 1,
  MODE_IS_EXCLUDE: 2,
  CHANGE_TO_INCLUDE_MODE: 3,
  CHANGE_TO_EXCLUDE_MODE: 4,
  ALLOW_NEW_SOURCES: 5,
  BLOCK_OLD_SOURCES: 6,
} as const;
