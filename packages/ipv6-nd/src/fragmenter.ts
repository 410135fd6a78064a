import type { PacketAllocator, PacketBuffer } from '@stack/core';
import { ipv6ExtensionHeaderLength, IPV6_FRAGMENT_HEADER_LENGTH, IPV6_HEADER_LENGTH, Ipv6NextHeader } from './wire/index.js';

/**
 * Splits an IPv6 packet into fragments that fit an MTU (RFC 8200 §4.5): the unfragmentable part
 * (IPv6 header, Hop-by-Hop, Routing, and Destination Options that precede a Routing header) goes
 * into every fragment, followed by a Fragment header and a slice of the rest, every slice but the
 * last a multiple of 8 bytes. Only a source does this; routers never fragment.
 */
export class Fragmenter {
  constructor(
    private readonly pool: PacketAllocator,
    private readonly headroom: number,
  ) {}

  /**
   * Emits the fragments of `buf` (a complete packet at its IPv6 header) in order, all carrying
   * `identification`; `buf` stays the caller's. Returns the number of fragments, or 0 when the
   * MTU cannot hold the unfragmentable part, a Fragment header and 8 bytes.
   */
  fragment(buf: PacketBuffer, mtu: number, identification: number, emit: (fragment: PacketBuffer) => void): number {
    const d = buf.data;
    const start = buf.start;
    const end = buf.end;
    let field = start + 6;
    let at = start + IPV6_HEADER_LENGTH;
    for (;;) {
      const nh = d[field];
      const length = ipv6ExtensionHeaderLength(nh, d, at, end);
      if (length < 0 || at + length > end) break;
      const unfragmentable =
        nh === Ipv6NextHeader.HOP_BY_HOP ||
        nh === Ipv6NextHeader.ROUTING ||
        (nh === Ipv6NextHeader.DESTINATION_OPTIONS && at + length < end && d[at] === Ipv6NextHeader.ROUTING);
      if (!unfragmentable) break;
      field = at;
      at += length;
    }
    const unfragLength = at - start;
    const fragmentableLength = end - at;
    const room = (mtu - unfragLength - IPV6_FRAGMENT_HEADER_LENGTH) & ~7;
    if (room < 8) return 0;
    const nextHeader = d[field];
    const fieldOffset = field - start;
    let count = 0;
    for (let pos = 0; pos < fragmentableLength; count++) {
      const size = Math.min(room, fragmentableLength - pos);
      const more = pos + size < fragmentableLength;
      const total = unfragLength + IPV6_FRAGMENT_HEADER_LENGTH + size;
      const frag = this.pool.alloc(total, this.headroom);
      const o = frag.start;
      const f = frag.data;
      frag.end = o + total;
      f.set(d.subarray(start, at), o);
      const payload = total - IPV6_HEADER_LENGTH;
      f[o + 4] = payload >>> 8;
      f[o + 5] = payload;
      f[o + fieldOffset] = Ipv6NextHeader.FRAGMENT;
      const h = o + unfragLength;
      const word = pos | (more ? 1 : 0);
      f[h] = nextHeader;
      f[h + 1] = 0;
      f[h + 2] = word >>> 8;
      f[h + 3] = word;
      f[h + 4] = identification >>> 24;
      f[h + 5] = identification >>> 16;
      f[h + 6] = identification >>> 8;
      f[h + 7] = identification;
      f.set(d.subarray(at + pos, at + pos + size), h + IPV6_FRAGMENT_HEADER_LENGTH);
      frag.copyMetadataFrom(buf);
      frag.networkOffset = o;
      emit(frag);
      pos += size;
    }
    return count;
  }
}
