import { incrementalUpdate16, internetChecksum, verifyChecksum } from '@stack/core';

const CHECKSUM = 10;
const TTL = 8;

/**
 * Whether the IPv4 header checksum of the `headerLength`-byte header at `offset` is correct: the
 * one's complement sum over the header, checksum included, is all ones (RFC 791 §3.1).
 * @public
 */
export function isIpv4HeaderChecksumValid(bytes: Uint8Array, offset: number, headerLength: number): boolean {
  return verifyChecksum(bytes, offset, headerLength);
}

/**
 * Computes the header checksum of the header at `offset` (length from its IHL) and writes it into
 * the checksum field; returns the value written.
 * @public
 */
export function fillIpv4HeaderChecksum(bytes: Uint8Array, offset: number): number {
  const headerLength = (bytes[offset] & 0x0f) << 2;
  bytes[offset + CHECKSUM] = 0;
  bytes[offset + CHECKSUM + 1] = 0;
  const checksum = internetChecksum(bytes, offset, headerLength);
  bytes[offset + CHECKSUM] = checksum >>> 8;
  bytes[offset + CHECKSUM + 1] = checksum;
  return checksum;
}

/**
 * Decrements the TTL of the header at `offset` and patches the checksum incrementally
 * (RFC 1624 eqn. 3), as a forwarding router does (RFC 1812 §5.3.1). Returns the new TTL; a TTL
 * already 0 is left alone (the caller must have answered it with Time Exceeded).
 * @public
 */
export function decrementIpv4Ttl(bytes: Uint8Array, offset: number): number {
  const ttl = bytes[offset + TTL];
  if (ttl === 0) return 0;
  const protocol = bytes[offset + TTL + 1];
  const oldWord = (ttl << 8) | protocol;
  const newWord = ((ttl - 1) << 8) | protocol;
  const oldChecksum = (bytes[offset + CHECKSUM] << 8) | bytes[offset + CHECKSUM + 1];
  const newChecksum = incrementalUpdate16(oldChecksum, oldWord, newWord);
  bytes[offset + TTL] = ttl - 1;
  bytes[offset + CHECKSUM] = newChecksum >>> 8;
  bytes[offset + CHECKSUM + 1] = newChecksum;
  return ttl - 1;
}
