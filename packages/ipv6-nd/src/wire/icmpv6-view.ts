import { ByteView, foldChecksum, isValidRegion, onesComplementSum, pseudoHeaderSum6, verifyChecksum } from '@stack/core';
import { ICMPV6_HEADER_LENGTH } from './icmpv6-constants.js';

/**
 * Why an ICMPv6 message was refused:
 * - `'truncated'`: shorter than the 8-byte header (or the range given is not inside the buffer);
 * - `'bad-checksum'`: the checksum over the pseudo-header and the message is wrong.
 * @public
 */
export type Icmpv6Failure = 'truncated' | 'bad-checksum';

/** Next Header value of ICMPv6 in the pseudo-header. */
const ICMPV6 = 58;
const TYPE = 0;
const CODE = 1;
const CHECKSUM = 2;
const REST = 4;

/**
 * Partial sum of the IPv6 pseudo-header for an ICMPv6 message of `length` bytes (RFC 4443 §2.3,
 * RFC 8200 §8.1): pass it to {@link Icmpv6PacketView.check} or {@link Icmpv6PacketView.fillChecksum}.
 * @public
 */
export function icmpv6PseudoHeaderSum(src: Uint8Array, srcOffset: number, dst: Uint8Array, dstOffset: number, length: number): number {
  return pseudoHeaderSum6(src, srcOffset, dst, dstOffset, ICMPV6, length);
}

/**
 * A re-pointable view over an ICMPv6 message (RFC 4443): the whole upper-layer payload, since the
 * checksum covers it all with the IPv6 pseudo-header. Call {@link Icmpv6PacketView.check} after
 * every `reset`. The rest-of-header accessors read the same four bytes under the names each
 * message type gives them.
 * @public
 */
export class Icmpv6PacketView extends ByteView {
  /**
   * Validates the length and, when `pseudoSum` is given, the checksum; `null` when valid. Never
   * throws. The checksum is mandatory in ICMPv6 (RFC 4443 §2.3): skip it only when verified already.
   */
  check(pseudoSum?: number): Icmpv6Failure | null {
    if (!isValidRegion(this._bytes, this._offset, this._length) || this._length < ICMPV6_HEADER_LENGTH) return 'truncated';
    if (pseudoSum !== undefined && !verifyChecksum(this._bytes, this._offset, this._length, pseudoSum)) return 'bad-checksum';
    return null;
  }

  get type(): number {
    return this._bytes[this._offset + TYPE];
  }

  set type(value: number) {
    this._bytes[this._offset + TYPE] = value;
  }

  get code(): number {
    return this._bytes[this._offset + CODE];
  }

  set code(value: number) {
    this._bytes[this._offset + CODE] = value;
  }

  get checksum(): number {
    return this.read16(CHECKSUM);
  }

  set checksum(value: number) {
    this.write16(CHECKSUM, value);
  }

  /** The four bytes after the checksum as an unsigned 32-bit integer. */
  get restOfHeader(): number {
    return this.read32(REST);
  }

  set restOfHeader(value: number) {
    this.write32(REST, value >>> 0);
  }

  /** Echo identifier (echo request/reply, RFC 4443 §4). */
  get identifier(): number {
    return this.read16(REST);
  }

  set identifier(value: number) {
    this.write16(REST, value);
  }

  /** Echo sequence number. */
  get sequence(): number {
    return this.read16(REST + 2);
  }

  set sequence(value: number) {
    this.write16(REST + 2, value);
  }

  /** MTU of a packet too big message (RFC 4443 §3.2). */
  get mtu(): number {
    return this.read32(REST);
  }

  set mtu(value: number) {
    this.write32(REST, value >>> 0);
  }

  /** Octet offset of the error in the invoking packet, for a parameter problem (RFC 4443 §3.4). */
  get pointer(): number {
    return this.read32(REST);
  }

  set pointer(value: number) {
    this.write32(REST, value >>> 0);
  }

  /** Absolute offset of the data after the 8-byte header (echo data, or the invoking packet). */
  get dataOffset(): number {
    return this._offset + ICMPV6_HEADER_LENGTH;
  }

  get dataLength(): number {
    return this._length - ICMPV6_HEADER_LENGTH;
  }

  /** Computes the checksum over the pseudo-header sum and the whole message, writes it and returns it. */
  fillChecksum(pseudoSum: number): number {
    this.write16(CHECKSUM, 0);
    const checksum = foldChecksum(onesComplementSum(this._bytes, this._offset, this._length, pseudoSum));
    this.write16(CHECKSUM, checksum);
    return checksum;
  }
}
