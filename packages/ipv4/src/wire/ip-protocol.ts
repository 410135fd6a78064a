/**
 * IP protocol numbers this stack knows by name (IANA "protocol-numbers"). The same numbers serve
 * IPv6 next headers.
 * @public
 */
export const IpProtocol = {
  ICMP: 1,
  IGMP: 2,
  TCP: 6,
  UDP: 17,
  ICMPV6: 58,
  /** CARP borrows VRRP's number (FreeBSD `IPPROTO_CARP`). */
  VRRP: 112,
} as const;
