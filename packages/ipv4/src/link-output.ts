import { ipv4ToBytes, isIpv4Multicast, LinkRxFlags, type NetInterface, type PacketBuffer, type Stack } from '@stack/core';

/** Ethertype of IPv4 (IANA), the link protocol number IPv4 registers and sends with. */
export const ETHERTYPE_IPV4 = 0x0800;

/**
 * Hands a finished IPv4 packet (buf starting at its header) to the link layer of `ifp`, with the
 * next hop in `buf.nextHop` and link broadcast/multicast marked (contracts/link-layer.ts).
 * Returns false, having released `buf`, when the interface has no link layer.
 */
export function transmitToLink(stack: Stack, ifp: NetInterface, buf: PacketBuffer, nextHop: number, broadcast: boolean): boolean {
  const layer = stack.linkLayerOf(ifp);
  if (layer === undefined) {
    buf.release();
    return false;
  }
  let out = buf;
  if (out.headroom < layer.maxHeaderLength) {
    // A packet received on a link with a shorter header and leaving through a longer one.
    out = stack.pool.alloc(buf.length, layer.maxHeaderLength);
    out.copyFrom(buf.data, buf.start, buf.length);
    out.fib = buf.fib;
    out.flags = buf.flags;
    out.ifindex = buf.ifindex;
    out.src.set(buf.src);
    out.dst.set(buf.dst);
    buf.release();
  }
  out.family = 'ipv4';
  out.networkOffset = out.start;
  out.outIfindex = ifp.index;
  ipv4ToBytes(nextHop, out.nextHop, 0);
  out.linkFlags = broadcast ? LinkRxFlags.BROADCAST : isIpv4Multicast(nextHop) ? LinkRxFlags.MULTICAST : 0;
  layer.output(ifp, out, ETHERTYPE_IPV4);
  return true;
}
