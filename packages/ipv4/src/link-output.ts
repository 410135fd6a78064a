import { ipv4ToBytes, isIpv4Multicast, LinkRxFlags, transmitToLink, type NetInterface, type PacketBuffer, type Stack } from '@stack/core';

/** Ethertype of IPv4 (IANA), the link protocol number IPv4 registers and sends with. */
export const ETHERTYPE_IPV4 = 0x0800;

/**
 * Hands a finished IPv4 packet (buf starting at its header) to the link layer of `ifp`, with
 * `nextHop` and link broadcast/multicast marked (core {@link transmitToLink}). Returns false,
 * having released `buf`, when the interface has no link layer.
 */
export function transmitIpv4(stack: Stack, ifp: NetInterface, buf: PacketBuffer, nextHop: number, broadcast: boolean): boolean {
  ipv4ToBytes(nextHop, buf.nextHop, 0);
  buf.linkFlags = broadcast ? LinkRxFlags.BROADCAST : isIpv4Multicast(nextHop) ? LinkRxFlags.MULTICAST : 0;
  return transmitToLink(stack, ifp, buf, 'ipv4', ETHERTYPE_IPV4);
}
