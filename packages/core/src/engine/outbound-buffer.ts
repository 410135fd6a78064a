import type { AddressFamily } from '../addr/index.js';
import { PacketFlags, type PacketBuffer } from '../buffer/index.js';
import type { NetInterface } from './interface.js';
import type { Stack } from './stack.js';

/**
 * Headroom a packet leaving through `ifp` needs in front of its network header: the link layer's
 * header plus `networkHeadroom` (the network headers that may be prepended), at least the pool's.
 * @public
 */
export function outboundHeadroom(stack: Stack, ifp: NetInterface, networkHeadroom: number): number {
  const link = stack.linkLayerOf(ifp)?.maxHeaderLength ?? 0;
  return Math.max(stack.pool.headroom, link + networkHeadroom);
}

/**
 * Stage 1 of a send (DESIGN.md §4), once routing chose `ifp`: a buffer holding `length` bytes at
 * `buf.start` for the caller, with {@link outboundHeadroom} in front, marked as a locally
 * originated packet of `family` in `fib` leaving through `ifp`. The network layer then writes
 * `buf.src` and `buf.dst`.
 * @public
 */
export function allocateOutbound(stack: Stack, ifp: NetInterface, length: number, networkHeadroom: number, family: AddressFamily, fib: number): PacketBuffer {
  const buf = stack.pool.alloc(length, outboundHeadroom(stack, ifp, networkHeadroom));
  buf.end = buf.start + length;
  buf.family = family;
  buf.fib = fib;
  buf.outIfindex = ifp.index;
  buf.flags |= PacketFlags.LOCAL_OUT;
  return buf;
}
