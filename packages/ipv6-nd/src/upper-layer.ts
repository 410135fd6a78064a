import { ipv6ExtensionHeaderLength, Ipv6NextHeader } from './wire/index.js';

/**
 * Walks an IPv6 extension header chain to the upper-layer header, with a bound on the number of
 * headers, without allocating. Used on quoted packets (whose transport sent them?), on invoking
 * packets (is it an ICMPv6 error?) and on first fragments (RFC 7112: is the chain complete?). ESP
 * and No Next Header end the chain like an upper-layer protocol; a non-first fragment ends it
 * unknown.
 */
export class UpperLayerLocator {
  /** The upper-layer protocol found by the last successful walk. */
  protocol = -1;
  /** Absolute offset of its header. */
  offset = -1;
  /** Absolute offset of the Next Header field that named it. */
  nextHeaderField = -1;

  constructor(private readonly maxHeaders: number) {}

  /** Walk the packet whose IPv6 header starts at `packetStart` and whose bytes end at `end`. */
  locate(bytes: Uint8Array, packetStart: number, end: number): boolean {
    if (!(packetStart >= 0 && packetStart + 40 <= end && end <= bytes.length)) return false;
    return this.locateFrom(bytes, packetStart + 40, end, bytes[packetStart + 6], packetStart + 6);
  }

  /** Walk from the header of type `nextHeader` at `at`, named by the field at `nextHeaderField`. */
  locateFrom(bytes: Uint8Array, at: number, end: number, nextHeader: number, nextHeaderField: number): boolean {
    let nh = nextHeader;
    let field = nextHeaderField;
    let position = at;
    for (let count = 0; count <= this.maxHeaders; count++) {
      if (nh === Ipv6NextHeader.FRAGMENT) {
        if (position + 8 > end) return false;
        if (((bytes[position + 2] << 8) | bytes[position + 3]) & 0xfff8) return false; // not the first fragment
      }
      const length = nh === Ipv6NextHeader.ESP ? -1 : ipv6ExtensionHeaderLength(nh, bytes, position, end);
      if (length < 0) {
        this.protocol = nh;
        this.offset = position;
        this.nextHeaderField = field;
        return position <= end;
      }
      if (position + length > end) return false;
      field = position;
      nh = bytes[position];
      position += length;
    }
    return false;
  }
}
