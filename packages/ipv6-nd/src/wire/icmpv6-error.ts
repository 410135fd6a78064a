import { foldChecksum, onesComplementSum, type WordView } from '@stack/core';
import { ICMPV6_HEADER_LENGTH } from './icmpv6-constants.js';
import { IPV6_HEADER_LENGTH, IPV6_MIN_MTU } from './ipv6-view.js';

/**
 * The most of an invoking packet an ICMPv6 error quotes when it leaves with a bare IPv6 header: the
 * error packet must not exceed the minimum MTU (RFC 4443 §2.4 (c)): 1280 − 40 − 8 = 1232 bytes.
 * @public
 */
export const ICMPV6_ERROR_MAX_QUOTE = IPV6_MIN_MTU - IPV6_HEADER_LENGTH - ICMPV6_HEADER_LENGTH;

/**
 * How many bytes of an invoking packet of `length` bytes an error quotes: all of it, or as much as
 * keeps the error packet within `maxPacketLength` (default 1280) behind a 40-byte IPv6 header.
 * @public
 */
export function icmpv6QuoteLength(length: number, maxPacketLength = IPV6_MIN_MTU): number {
  const room = maxPacketLength - IPV6_HEADER_LENGTH - ICMPV6_HEADER_LENGTH;
  return Math.max(0, Math.min(length, room));
}

/**
 * Length of the error message {@link emitIcmpv6Error} writes for an invoking packet of `length`
 * bytes, so the caller can allocate first.
 * @public
 */
export function icmpv6ErrorLength(length: number, maxPacketLength = IPV6_MIN_MTU): number {
  return ICMPV6_HEADER_LENGTH + icmpv6QuoteLength(length, maxPacketLength);
}

/**
 * Writes an ICMPv6 error message at `out[outOffset..)`: `type`, `code`, the 32-bit word after the
 * checksum (`rest`: an MTU, a pointer, or 0), then the start of the invoking packet
 * `invoking[invokingOffset..invokingOffset+invokingLength)` as {@link icmpv6QuoteLength} decides,
 * and the checksum over `pseudoSum` (the pseudo-header of the error packet, see
 * `icmpv6PseudoHeaderSum`, with {@link icmpv6ErrorLength}). Returns the message length. Allocates
 * nothing when given `outWords`, the `WordView` of `out` (`PacketBuffer.words`); `out` may be the
 * same array as `invoking`, even overlapping (the quote moves first).
 * Whether an error may be sent at all (RFC 4443 §2.4 (e)) is the caller's decision.
 * @public
 */
export function emitIcmpv6Error(
  type: number,
  code: number,
  rest: number,
  invoking: Uint8Array,
  invokingOffset: number,
  invokingLength: number,
  out: Uint8Array,
  outOffset: number,
  pseudoSum: number,
  maxPacketLength = IPV6_MIN_MTU,
  outWords?: WordView,
): number {
  const available = Math.max(0, Math.min(invokingLength, invoking.length - invokingOffset));
  const quote = icmpv6QuoteLength(available, maxPacketLength);
  const o = outOffset;
  if (out === invoking) out.copyWithin(o + ICMPV6_HEADER_LENGTH, invokingOffset, invokingOffset + quote);
  else for (let i = 0; i < quote; i++) out[o + ICMPV6_HEADER_LENGTH + i] = invoking[invokingOffset + i];
  out[o] = type;
  out[o + 1] = code;
  out[o + 2] = 0;
  out[o + 3] = 0;
  out[o + 4] = rest >>> 24;
  out[o + 5] = rest >>> 16;
  out[o + 6] = rest >>> 8;
  out[o + 7] = rest;
  const length = ICMPV6_HEADER_LENGTH + quote;
  const checksum = foldChecksum(onesComplementSum(out, o, length, pseudoSum, outWords));
  out[o + 2] = checksum >>> 8;
  out[o + 3] = checksum;
  return length;
}
