/**
 * Private `PacketBuffer.flags` bits of the IPv6 module (core reserves bits 16–30 for modules).
 */
export const PacketMarks = {
  /** A Hop-by-Hop Router Alert option was present (RFC 2711); MLD requires it (RFC 3810 §5). */
  ROUTER_ALERT: 1 << 16,
  /** The packet was reassembled from fragments. */
  REASSEMBLED: 1 << 17,
} as const;
