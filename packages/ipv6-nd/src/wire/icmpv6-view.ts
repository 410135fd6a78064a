import { foldChecksum, IcmpHeaderView, isValidRegion, onesComplementSum, pseudoHeaderSum6, verifyChecksum, type WordView } from '@stack/core';
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
 * every `reset`. The fields ICMP shares (type, code, checksum, rest of header, echo identifier and
 * sequence, data) come from the core `IcmpHeaderView`; the accessors here read the four
 * rest-of-header bytes under the names each ICMPv6 type gives them.
 * @public
 */
export class Icmpv6PacketView extends IcmpHeaderView {
  /**
   * Validates the length and, when `pseudoSum` is given, the checksum; `null` when valid. Never
   * throws. The checksum is mandatory in ICMPv6 (RFC 4443 §2.3): skip it only when verified already.
   * `words`, the bytes' `WordView` (`PacketBuffer.words`), makes a long message's sum allocation-free.
   */
  check(pseudoSum?: number, words?: WordView): Icmpv6Failure | null {
    if (!isValidRegion(this._bytes, this._offset, this._length) || this._length < ICMPV6_HEADER_LENGTH) return 'truncated';
    if (pseudoSum !== undefined && !verifyChecksum(this._bytes, this._offset, this._length, pseudoSum, words)) return 'bad-checksum';
    return null;
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

  /**
   * Computes the checksum over the pseudo-header sum and the whole message, writes it and returns it.
   * `words` is as for {@link Icmpv6PacketView.check}.
   */
  fillChecksum(pseudoSum: number, words?: WordView): number {
    this.write16(CHECKSUM, 0);
    const checksum = foldChecksum(onesComplementSum(this._bytes, this._offset, this._length, pseudoSum, words));
    this.write16(CHECKSUM, checksum);
    return checksum;
  }
}
