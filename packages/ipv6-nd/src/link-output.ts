import { LinkRxFlags, transmitToLink, type NetInterface, type PacketBuffer, type Stack } from '@stack/core';
import { copy16 } from './address-bytes.js';

/** Ethertype of IPv6 (RFC 2464 §3), the link protocol number IPv6 registers and sends with. */
export const ETHERTYPE_IPV6 = 0x86dd;

/**
 * Hands a finished IPv6 packet (buf starting at its header) to the link layer of `ifp`, with the
 * next hop copied from `nextHop[0..16)` and link multicast marked for a multicast next hop (core
 * {@link transmitToLink}). Returns false, having released `buf`, when the interface has no link
 * layer.
 */
export function transmitIpv6(stack: Stack, ifp: NetInterface, buf: PacketBuffer, nextHop: Uint8Array): boolean {
  if (buf.nextHop !== nextHop) copy16(nextHop, 0, buf.nextHop, 0);
  buf.linkFlags = nextHop[0] === 0xff ? LinkRxFlags.MULTICAST : 0;
  return transmitToLink(stack, ifp, buf, 'ipv6', ETHERTYPE_IPV6);
}
