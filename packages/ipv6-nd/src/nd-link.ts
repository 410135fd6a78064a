import type { NdParts } from './nd-seam.js';

/**
 * The IPv6 layer's late-bound handle on neighbour discovery: ND is created after the output path it
 * sends through, so the parts it returns are filled in afterwards. Until then (and after unload)
 * every query answers "nothing learnt".
 */
export class NdLink {
  parts: NdParts | null = null;

  /** Cur Hop Limit learnt from router advertisements on `ifindex`, or 0. */
  hopLimit(ifindex: number): number {
    return this.parts === null ? 0 : this.parts.hopLimit(ifindex);
  }

  /** Link MTU learnt from router advertisements on `ifindex`, or 0. */
  linkMtu(ifindex: number): number {
    return this.parts === null ? 0 : this.parts.linkMtu(ifindex);
  }

  /** Whether IPv6 is disabled on `ifindex` (RFC 4862 §5.4.5). */
  isDisabled(ifindex: number): boolean {
    return this.parts !== null && this.parts.isDisabled(ifindex);
  }

  /** Whether packets to the group at `b[o..o+16)` received on `ifindex` are for us. */
  isMember(ifindex: number, b: Uint8Array, o: number): boolean {
    return this.parts !== null && this.parts.isMember(ifindex, b, o);
  }
}
