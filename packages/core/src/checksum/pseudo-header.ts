/**
 * Partial sum of the IPv4 pseudo-header (RFC 768, RFC 9293 §3.1): source, destination, zero,
 * protocol and upper-layer length. Addresses are unsigned 32-bit integers. Pass the result as
 * `initial` when summing the transport header and payload.
 * @public
 */
export function pseudoHeaderSum4(src: number, dst: number, protocol: number, length: number): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + (protocol & 0xff) + (length & 0xffff);
}

/**
 * Partial sum of the IPv6 pseudo-header (RFC 8200 §8.1): 16-byte source and destination read from
 * byte arrays, 32-bit upper-layer packet length, three zero bytes and the next header value.
 * Pass the result as `initial` when summing the upper-layer packet.
 * @public
 */
export function pseudoHeaderSum6(
  src: Uint8Array,
  srcOffset: number,
  dst: Uint8Array,
  dstOffset: number,
  nextHeader: number,
  length: number,
): number {
  let sum = (nextHeader & 0xff) + (length >>> 16) + (length & 0xffff);
  for (let i = 0; i < 16; i += 2) {
    sum += ((src[srcOffset + i] << 8) | src[srcOffset + i + 1]) + ((dst[dstOffset + i] << 8) | dst[dstOffset + i + 1]);
  }
  return sum;
}
