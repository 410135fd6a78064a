import { ByteView, Ipv6Address, isValidRegion } from '@stack/core';

/**
 * Why an IPv6 packet was refused:
 * - `'truncated'`: fewer than 40 bytes, or fewer than the 40 + Payload Length the header announces
 *   (or the range given is not inside the buffer);
 * - `'bad-version'`: the version field is not 6.
 * @public
 */
export type Ipv6Failure = 'truncated' | 'bad-version';

/**
 * Length of the fixed IPv6 header (RFC 8200 §3).
 * @public
 */
export const IPV6_HEADER_LENGTH = 40;

/**
 * The minimum link MTU every IPv6 link carries (RFC 8200 §5).
 * @public
 */
export const IPV6_MIN_MTU = 1280;

const VERSION_CLASS_FLOW = 0;
const PAYLOAD_LENGTH = 4;
const NEXT_HEADER = 6;
const HOP_LIMIT = 7;
const SRC = 8;
const DST = 24;

/**
 * A re-pointable view over an IPv6 packet (RFC 8200 §3). Call {@link Ipv6PacketView.check} after
 * every `reset`; accessors are only meaningful once it returned `null`. The packet is
 * `40 + payloadLength` bytes long; bytes after it (link padding) are not part of it. Addresses are
 * read through their offsets (`srcOffset`, `dstOffset`) so that hot paths allocate nothing.
 * @public
 */
export class Ipv6PacketView extends ByteView {
  /** Validates the fixed header; `null` when valid. Never throws. */
  check(): Ipv6Failure | null {
    const b = this._bytes;
    const at = this._offset;
    if (!isValidRegion(b, at, this._length) || this._length < IPV6_HEADER_LENGTH) return 'truncated';
    if (b[at] >>> 4 !== 6) return 'bad-version';
    if (IPV6_HEADER_LENGTH + this.payloadLength > this._length) return 'truncated';
    return null;
  }

  /** IP version (6). */
  get version(): number {
    return this._bytes[this._offset] >>> 4;
  }

  /** Traffic class (RFC 8200 §7): DSCP in the upper 6 bits, ECN in the lower 2. */
  get trafficClass(): number {
    return (this.read16(VERSION_CLASS_FLOW) >>> 4) & 0xff;
  }

  set trafficClass(value: number) {
    const word = this.read32(VERSION_CLASS_FLOW);
    this.write32(VERSION_CLASS_FLOW, ((word & 0xf00fffff) | ((value & 0xff) << 20)) >>> 0);
  }

  /** Flow label, 20 bits (RFC 6437). */
  get flowLabel(): number {
    return this.read32(VERSION_CLASS_FLOW) & 0xfffff;
  }

  set flowLabel(value: number) {
    const word = this.read32(VERSION_CLASS_FLOW);
    this.write32(VERSION_CLASS_FLOW, ((word & 0xfff00000) | (value & 0xfffff)) >>> 0);
  }

  /** Length of everything after the fixed header, extension headers included. */
  get payloadLength(): number {
    return this.read16(PAYLOAD_LENGTH);
  }

  set payloadLength(value: number) {
    this.write16(PAYLOAD_LENGTH, value);
  }

  /** Type of the header after the fixed header. */
  get nextHeader(): number {
    return this._bytes[this._offset + NEXT_HEADER];
  }

  set nextHeader(value: number) {
    this._bytes[this._offset + NEXT_HEADER] = value;
  }

  get hopLimit(): number {
    return this._bytes[this._offset + HOP_LIMIT];
  }

  set hopLimit(value: number) {
    this._bytes[this._offset + HOP_LIMIT] = value;
  }

  /** Absolute offset of the 16-byte source address in {@link Ipv6PacketView.bytes}. */
  get srcOffset(): number {
    return this._offset + SRC;
  }

  /** Absolute offset of the 16-byte destination address. */
  get dstOffset(): number {
    return this._offset + DST;
  }

  /** The source as an address object (allocates: slow paths and tests). */
  get src(): Ipv6Address {
    return Ipv6Address.fromBytes(this._bytes, this._offset + SRC);
  }

  /** The destination as an address object (allocates: slow paths and tests). */
  get dst(): Ipv6Address {
    return Ipv6Address.fromBytes(this._bytes, this._offset + DST);
  }

  /** Absolute offset of the payload (the first extension header or the upper-layer header). */
  get payloadOffset(): number {
    return this._offset + IPV6_HEADER_LENGTH;
  }

  /** Length of the packet, header included: 40 + Payload Length. */
  get packetLength(): number {
    return IPV6_HEADER_LENGTH + this.payloadLength;
  }
}
