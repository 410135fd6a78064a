/**
 * ARP operation codes (RFC 826; IANA "arp-parameters").
 * @public
 */
export const ArpOperation = {
  REQUEST: 1,
  REPLY: 2,
} as const;

/**
 * ARP hardware type for Ethernet (RFC 826 `ares_hrd$Ethernet`).
 * @public
 */
export const ARP_HARDWARE_ETHERNET = 1;

/**
 * ARP protocol type for IPv4: the IPv4 ethertype (RFC 826 uses ethertypes as protocol space).
 * @public
 */
export const ARP_PROTOCOL_IPV4 = 0x0800;

/**
 * Length of the fixed part of an ARP packet (hrd, pro, hln, pln, op).
 * @public
 */
export const ARP_FIXED_LENGTH = 8;

/**
 * Length of an IPv4-over-Ethernet ARP packet (hln 6, pln 4).
 * @public
 */
export const ARP_ETHERNET_IPV4_LENGTH = 28;
