import { Ipv4OptionCursor, isIpv4OptionCopied, Ipv4PacketView, IPV4_MIN_HEADER_LENGTH } from './wire/index.js';
import type { PacketAllocator, PacketBuffer } from '@stack/core';

/**
 * Splits IPv4 datagrams into fragments that fit an MTU (RFC 791 §3.2 "Fragmentation"; RFC 1812
 * §5.2.6 for datagrams that are fragments already). The first fragment keeps every option; the
 * others carry only the options whose copied flag is set.
 */
export class Fragmenter {
  private readonly view = new Ipv4PacketView();
  private readonly cursor = new Ipv4OptionCursor();
  /** Copied options of the non-first fragments, padded to a multiple of 4. */
  private readonly copied = new Uint8Array(40);

  constructor(
    private readonly pool: PacketAllocator,
    private readonly headroom: number,
  ) {}

  /**
   * Emits the fragments of the datagram `buf` (starting at a valid header) in order; `buf` itself
   * is left to the caller. Returns the number of fragments, or 0 when the MTU cannot hold a
   * header and 8 bytes of data.
   */
  fragment(buf: PacketBuffer, mtu: number, emit: (fragment: PacketBuffer) => void): number {
    const v = this.view.reset(buf.data, buf.start, buf.length);
    const headerLength = v.headerLength;
    const payloadLength = v.totalLength - headerLength;
    const baseOffset = v.fragmentOffset;
    const lastHasMore = v.moreFragments;
    const copiedLength = this.copiedOptions(buf.data, v.optionsOffset, v.optionsLength);
    const otherHeaderLength = IPV4_MIN_HEADER_LENGTH + copiedLength;
    if (((mtu - Math.max(headerLength, otherHeaderLength)) & ~7) < 8) return 0;
    const src = buf.data;
    const hdr = buf.start;
    let count = 0;
    for (let pos = 0; pos < payloadLength; count++) {
      const first = pos === 0;
      const fhl = first ? headerLength : otherHeaderLength;
      const room = (mtu - fhl) & ~7;
      const size = Math.min(room, payloadLength - pos);
      const last = pos + size === payloadLength;
      const frag = this.pool.alloc(fhl + size, this.headroom);
      const at = frag.start;
      const d = frag.data;
      frag.end = at + fhl + size;
      d.set(src.subarray(hdr, hdr + IPV4_MIN_HEADER_LENGTH), at);
      if (first) d.set(src.subarray(hdr + IPV4_MIN_HEADER_LENGTH, hdr + headerLength), at + IPV4_MIN_HEADER_LENGTH);
      else d.set(this.copied.subarray(0, copiedLength), at + IPV4_MIN_HEADER_LENGTH);
      d.set(src.subarray(hdr + headerLength + pos, hdr + headerLength + pos + size), at + fhl);
      const fv = this.view.reset(d, at, fhl + size);
      d[at] = 0x40 | (fhl >>> 2);
      fv.totalLength = fhl + size;
      fv.fragmentOffset = baseOffset + pos;
      fv.moreFragments = !last || lastHasMore;
      fv.fillChecksum();
      frag.fib = buf.fib;
      frag.flags = buf.flags;
      frag.ifindex = buf.ifindex;
      frag.family = 'ipv4';
      frag.src.set(buf.src);
      frag.dst.set(buf.dst);
      emit(frag);
      pos += size;
    }
    return count;
  }

  private copiedOptions(bytes: Uint8Array, offset: number, length: number): number {
    const out = this.copied;
    let n = 0;
    const c = this.cursor.reset(bytes, offset, length);
    while (c.next()) {
      if (!isIpv4OptionCopied(c.type)) continue;
      out.set(bytes.subarray(c.optionOffset, c.optionOffset + c.optionLength), n);
      n += c.optionLength;
    }
    const padded = (n + 3) & ~3;
    out.fill(0, n, padded);
    return padded;
  }
}
