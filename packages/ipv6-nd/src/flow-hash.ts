import { flowHash6, flowPorts } from '@stack/core';
import { ipv6ExtensionHeaderLength, Ipv6NextHeader } from './wire/index.js';

/**
 * ECMP flow hash of the IPv6 packet whose header starts at `bytes[at]` (at least 40 bytes) and
 * whose bytes end at `end` (core `flowHash6`). A non-zero flow label identifies the flow with the
 * addresses (RFC 6438 §3), and nothing past the fixed header is read. With label 0 the extension
 * header chain is walked (at most `maxHeaders` headers) to the upper-layer protocol and its ports.
 * Any fragment, first or later, hashes on the addresses and the protocol its Fragment header names
 * (the same in every fragment of a packet, RFC 8200 §4.5), so all fragments take one path.
 * Allocates nothing, never throws.
 */
export function packetFlowHash6(seed: number, bytes: Uint8Array, at: number, end: number, maxHeaders: number): number {
  const label = ((bytes[at + 1] & 0x0f) << 16) | (bytes[at + 2] << 8) | bytes[at + 3];
  if (label !== 0) return flowHash6(seed, bytes, at + 8, bytes, at + 24, label, 0, 0);
  let nh = bytes[at + 6];
  let position = at + 40;
  for (let count = 0; count < maxHeaders; count++) {
    if (nh === Ipv6NextHeader.FRAGMENT)
      return flowHash6(seed, bytes, at + 8, bytes, at + 24, 0, position + 8 <= end ? bytes[position] : nh, 0);
    // -1 for an upper-layer protocol, ESP (opaque past its SPI) or a header cut short.
    const length = ipv6ExtensionHeaderLength(nh, bytes, position, end);
    if (length < 0 || position + length > end) break;
    nh = bytes[position];
    position += length;
  }
  return flowHash6(seed, bytes, at + 8, bytes, at + 24, 0, nh, flowPorts(nh, bytes, position, end - position));
}
