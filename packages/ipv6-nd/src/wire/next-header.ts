/**
 * IPv6 Next Header values this package knows by name (IANA "Assigned Internet Protocol Numbers";
 * the same numbers serve IPv4's protocol field).
 * @public
 */
export const Ipv6NextHeader = {
  HOP_BY_HOP: 0,
  TCP: 6,
  UDP: 17,
  ROUTING: 43,
  FRAGMENT: 44,
  ESP: 50,
  AH: 51,
  ICMPV6: 58,
  NO_NEXT_HEADER: 59,
  DESTINATION_OPTIONS: 60,
  MOBILITY: 135,
  HIP: 139,
  SHIM6: 140,
  EXPERIMENTAL_1: 253,
  EXPERIMENTAL_2: 254,
} as const;

/**
 * Whether `nextHeader` names an IPv6 extension header rather than an upper-layer protocol
 * (IANA "IPv6 Extension Header Types", RFC 7045 §2).
 * @public
 */
export function isIpv6ExtensionHeader(nextHeader: number): boolean {
  switch (nextHeader) {
    case Ipv6NextHeader.HOP_BY_HOP:
    case Ipv6NextHeader.ROUTING:
    case Ipv6NextHeader.FRAGMENT:
    case Ipv6NextHeader.ESP:
    case Ipv6NextHeader.AH:
    case Ipv6NextHeader.DESTINATION_OPTIONS:
    case Ipv6NextHeader.MOBILITY:
    case Ipv6NextHeader.HIP:
    case Ipv6NextHeader.SHIM6:
    case Ipv6NextHeader.EXPERIMENTAL_1:
    case Ipv6NextHeader.EXPERIMENTAL_2:
      return true;
    default:
      return false;
  }
}

/**
 * Length in bytes of the extension header of type `nextHeader` starting at `bytes[at]`, read from
 * its length field: 8 for a Fragment header (RFC 8200 §4.5), `(len + 2) × 4` for AH (RFC 4302 §2.2),
 * `(len + 1) × 8` for the others that use the RFC 8200 §4 / RFC 6564 format. -1 when the header's
 * first two bytes are not inside `[at, end)` or when the type's length cannot be known (ESP
 * encrypts everything after its SPI and sequence number; an upper-layer protocol has no such
 * length). Never throws.
 * @public
 */
export function ipv6ExtensionHeaderLength(nextHeader: number, bytes: Uint8Array, at: number, end: number): number {
  if (!(at >= 0 && at + 2 <= end && end <= bytes.length)) return -1;
  switch (nextHeader) {
    case Ipv6NextHeader.FRAGMENT:
      return 8;
    case Ipv6NextHeader.AH:
      return (bytes[at + 1] + 2) << 2;
    case Ipv6NextHeader.HOP_BY_HOP:
    case Ipv6NextHeader.ROUTING:
    case Ipv6NextHeader.DESTINATION_OPTIONS:
    case Ipv6NextHeader.MOBILITY:
    case Ipv6NextHeader.HIP:
    case Ipv6NextHeader.SHIM6:
    case Ipv6NextHeader.EXPERIMENTAL_1:
    case Ipv6NextHeader.EXPERIMENTAL_2:
      return (bytes[at + 1] + 1) << 3;
    default:
      return -1;
  }
}
