import { foldChecksum, onesComplementSum, verifyChecksum, type WordView } from '@stack/core';

const CHECKSUM_FIELD = 6;
const HEADER_LENGTH = 8;

/**
 * The checksum to transmit for the `length`-byte datagram (header and payload) at `offset`,
 * whatever its checksum field holds. `pseudoSum` is the partial sum of the network layer's
 * pseudo-header (`pseudoHeaderSum4` or `pseudoHeaderSum6` from `@stack/core`, with the UDP length).
 * A computed 0 is returned as 0xffff, since 0 on the wire means "no checksum" (RFC 768).
 * `words`, the `WordView` of `bytes` (`PacketBuffer.words`), lets the payload be summed a word at a
 * time without allocating.
 * @public
 */
export function udpChecksum(
  bytes: Uint8Array,
  offset: number,
  length: number,
  pseudoSum: number,
  words?: WordView,
): number {
  let sum = onesComplementSum(bytes, offset, CHECKSUM_FIELD, pseudoSum);
  sum = onesComplementSum(bytes, offset + HEADER_LENGTH, length - HEADER_LENGTH, sum, words);
  const checksum = foldChecksum(sum);
  return checksum === 0 ? 0xffff : checksum;
}

/**
 * Computes {@link udpChecksum} and writes it into the datagram's checksum field; returns it.
 * @public
 */
export function fillUdpChecksum(
  bytes: Uint8Array,
  offset: number,
  length: number,
  pseudoSum: number,
  words?: WordView,
): number {
  const checksum = udpChecksum(bytes, offset, length, pseudoSum, words);
  bytes[offset + CHECKSUM_FIELD] = checksum >>> 8;
  bytes[offset + CHECKSUM_FIELD + 1] = checksum;
  return checksum;
}

/**
 * Whether the received datagram's checksum field (non-zero) is correct for `pseudoSum`. A zero
 * field means "no checksum" and must be handled before calling this (see `UdpDatagramView.check`).
 * `words` is as for {@link udpChecksum}.
 * @public
 */
export function isUdpChecksumValid(
  bytes: Uint8Array,
  offset: number,
  length: number,
  pseudoSum: number,
  words?: WordView,
): boolean {
  return verifyChecksum(bytes, offset, length, pseudoSum, words);
}
