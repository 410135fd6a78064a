/**
 * Bits of `PacketBuffer.linkFlags`, set by the link layer on input to say how the frame was
 * addressed.
 * @public
 */
export const LinkRxFlags = {
  /** Sent to the link broadcast address. */
  BROADCAST: 1,
  /** Sent to a link multicast address (broadcast excluded). */
  MULTICAST: 2,
  /** Sent to another host's unicast address (seen in promiscuous mode); not for us. */
  OTHERHOST: 4,
} as const;

/**
 * Bits of `PacketBuffer.flags`, shared by all layers. Bits 0-15 are reserved for flags defined
 * here; a module that needs private marks uses bits 16-30.
 * @public
 */
export const PacketFlags = {
  /** Originated by this stack (not received). */
  LOCAL_OUT: 1,
  /** Received and being forwarded to another host. */
  FORWARDED: 2,
  /** Must not be fragmented (IPv4 DF set, or a transport asked for it). */
  DONT_FRAGMENT: 4,
  /** Sent by this stack to itself and turned around at the loopback point. */
  LOOPED_BACK: 8,
  /** Set by the network layer on input: the destination is a broadcast address. */
  NET_BROADCAST: 16,
  /** Set by the network layer on input: the destination is a multicast group. */
  NET_MULTICAST: 32,
} as const;
