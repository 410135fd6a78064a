import { flowHash4, flowPorts } from '@stack/core';

/**
 * ECMP flow hash of the IPv4 datagram whose (validated) header starts at `bytes[at]` and whose bytes
 * end at `end`: addresses, protocol and, when the datagram is not a fragment, the ports of a
 * port-based transport (core `flowHash4`, L4 policy). Every fragment, the first included, hashes on
 * addresses and protocol only, so all fragments of a datagram take one path (RFC 791 §2.3: only
 * the first fragment holds the transport header). Allocates nothing.
 */
export function datagramFlowHash4(seed: number, bytes: Uint8Array, at: number, end: number): number {
  const protocol = bytes[at + 9];
  const src = ((bytes[at + 12] << 24) | (bytes[at + 13] << 16) | (bytes[at + 14] << 8) | bytes[at + 15]) >>> 0;
  const dst = ((bytes[at + 16] << 24) | (bytes[at + 17] << 16) | (bytes[at + 18] << 8) | bytes[at + 19]) >>> 0;
  // MF set or a non-zero fragment offset: one fragment of a larger datagram.
  const fragment = (((bytes[at + 6] << 8) | bytes[at + 7]) & 0x3fff) !== 0;
  const upper = at + ((bytes[at] & 0x0f) << 2);
  return flowHash4(seed, src, dst, protocol, fragment ? 0 : flowPorts(protocol, bytes, upper, end - upper));
}
