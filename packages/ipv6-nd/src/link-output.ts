import { LinkRxFlags, type NetInterface, type PacketBuffer, type Stack } from '@stack/core';
import { copy16 } from './address-bytes.js';

/** Ethertype of IPv6 (RFC 2464 §3), the link protocol number IPv6 registers and sends with. */
export const ETHERTYPE_IPV6 = 0x86dd;

/**
 * Hands a finished IPv6 packet (buf starting at its header) to the link layer of `ifp`, with the
 * next hop in `buf.nextHop` (copied from `nextHop[0..16)`) and link multicast marked for a
 * multicast next hop (contracts/link-layer.ts). Returns false, having released `buf`, when the
 * interface has no link layer.
 */
export function transmitToLink(stack: Stack, ifp: NetInterface, buf: PacketBuffer, nextHop: Uint8Array): boolean {
  const layer = stack.linkLayerOf(ifp);
  if (layer === undefined) {
    buf.release();
    return false;
  }
  let out = buf;
  if (out.headroom < layer.maxHeaderLength) {
    // Received on a link with a shorter header and leaving through a longer one.
    out = stack.pool.alloc(buf.length, layer.maxHeaderLength);
    out.copyFrom(buf.data, buf.start, buf.length);
    out.copyMetadataFrom(buf);
    buf.release();
  }
  out.family = 'ipv6';
  out.networkOffset = out.start;
  out.transportOffset = -1;
  out.outIfindex = ifp.index;
  if (out.nextHop !== nextHop) copy16(nextHop, 0, out.nextHop, 0);
  out.linkFlags = nextHop[0] === 0xff ? LinkRxFlags.MULTICAST : 0;
  layer.output(ifp, out, ETHERTYPE_IPV6);
  return true;
}
