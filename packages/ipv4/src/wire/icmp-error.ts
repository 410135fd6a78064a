import { internetChecksum, type WordView } from '@stack/core';
import { ICMPV4_HEADER_LENGTH } from './icmp-constants.js';

/**
 * Largest ICMPv4 error message by default: the error datagram must not exceed 576 bytes
 * (RFC 1812 §4.3.2.3), less a 20-byte IP header. Pass a smaller limit when the IP header carries
 * options.
 * @public
 */
export const ICMPV4_ERROR_MAX_LENGTH = 576 - 20;

/**
 * How many bytes of the offending datagram `[offset, offset + length)` an error message quotes:
 * as much as fits in `maxMessageLength` (RFC 1812 §4.3.2.3), but never less than its IP header
 * plus 8 bytes of payload (RFC 792), nor more than the datagram has.
 * @public
 */
export function icmpv4QuoteLength(
  offending: Uint8Array,
  offset: number,
  length: number,
  maxMessageLength = ICMPV4_ERROR_MAX_LENGTH,
): number {
  const available = Math.max(0, Math.min(length, offending.length - offset));
  const required = ((offending[offset] & 0x0f) << 2) + 8;
  const wanted = Math.max(required, maxMessageLength - ICMPV4_HEADER_LENGTH);
  return Math.min(available, wanted);
}

/**
 * Length of the error message {@link emitIcmpv4Error} writes for this offending datagram, so the
 * caller can allocate the buffer first.
 * @public
 */
export function icmpv4ErrorLength(
  offending: Uint8Array,
  offset: number,
  length: number,
  maxMessageLength = ICMPV4_ERROR_MAX_LENGTH,
): number {
  return ICMPV4_HEADER_LENGTH + icmpv4QuoteLength(offending, offset, length, maxMessageLength);
}

/**
 * Rest-of-header value of a fragmentation-needed unreachable carrying `mtu` (RFC 1191 §4).
 * @public
 */
export function icmpv4NextHopMtuRest(mtu: number): number {
  return mtu & 0xffff;
}

/**
 * Rest-of-header value of a parameter problem pointing at octet `pointer` (RFC 792).
 * @public
 */
export function icmpv4PointerRest(pointer: number): number {
  return ((pointer & 0xff) << 24) >>> 0;
}

/**
 * Writes an ICMPv4 error message at `outOffset`: `type`, `code`, the rest-of-header word
 * (`restOfHeader`: see {@link icmpv4NextHopMtuRest}, {@link icmpv4PointerRest}, or a redirect's
 * gateway), then the start of the offending datagram as {@link icmpv4QuoteLength} decides, and the
 * checksum. Returns the message length. No allocation given `outWords` (`out`'s `WordView`); `out` must have room for
 * {@link icmpv4ErrorLength} bytes; it may be the same `Uint8Array` as `offending`, even overlapping (the
 * quote is moved first). Whether an error may be sent at all (RFC 1812 §4.3.2.7) is the
 * caller's decision.
 * @public
 */
export function emitIcmpv4Error(
  type: number,
  code: number,
  restOfHeader: number,
  offending: Uint8Array,
  offendingOffset: number,
  offendingLength: number,
  out: Uint8Array,
  outOffset: number,
  maxMessageLength = ICMPV4_ERROR_MAX_LENGTH,
  outWords?: WordView,
): number {
  const quote = icmpv4QuoteLength(offending, offendingOffset, offendingLength, maxMessageLength);
  const o = outOffset;
  // Quote first: when `out` is the offending buffer (an error built in its headroom), the
  // overlapping move must finish before the header is written over the old bytes.
  if (out === offending) {
    out.copyWithin(o + ICMPV4_HEADER_LENGTH, offendingOffset, offendingOffset + quote);
  } else {
    for (let i = 0; i < quote; i++) out[o + ICMPV4_HEADER_LENGTH + i] = offending[offendingOffset + i];
  }
  out[o] = type;
  out[o + 1] = code;
  out[o + 2] = 0;
  out[o + 3] = 0;
  out[o + 4] = restOfHeader >>> 24;
  out[o + 5] = restOfHeader >>> 16;
  out[o + 6] = restOfHeader >>> 8;
  out[o + 7] = restOfHeader;
  const length = ICMPV4_HEADER_LENGTH + quote;
  const checksum = internetChecksum(out, o, length, 0, outWords);
  out[o + 2] = checksum >>> 8;
  out[o + 3] = checksum;
  return length;
}
