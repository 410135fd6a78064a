import type { AddressFamily } from '../addr/index.js';
import type { PacketBuffer } from '../buffer/index.js';
import type { NetInterface } from './interface.js';
import type { Stack } from './stack.js';

/**
 * Hands a finished network packet (`buf` starting at its network header, with `buf.nextHop` and
 * `buf.linkFlags` set by the caller) to the link layer of `ifp`, as link protocol `protocol`
 * (contracts/link-layer.ts). A packet without headroom for that link's header (received on a link
 * with a shorter one) is first copied, with its metadata, into a buffer that has it. Returns
 * false, having released `buf`, when the interface has no link layer.
 * @public
 */
export function transmitToLink(stack: Stack, ifp: NetInterface, buf: PacketBuffer, family: AddressFamily, protocol: number): boolean {
  const layer = stack.linkLayerOf(ifp);
  if (layer === undefined) {
    buf.release();
    return false;
  }
  let out = buf;
  if (out.headroom < layer.maxHeaderLength) {
    out = stack.pool.alloc(buf.length, layer.maxHeaderLength);
    out.copyFrom(buf.data, buf.start, buf.length);
    out.copyMetadataFrom(buf);
    buf.release();
  }
  out.family = family;
  out.networkOffset = out.start;
  out.transportOffset = -1;
  out.outIfindex = ifp.index;
  layer.output(ifp, out, protocol);
  return true;
}
