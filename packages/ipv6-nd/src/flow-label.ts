import type { KeyedHash } from './keyed-hash.js';

/**
 * Flow label of an originated packet (RFC 6437 §3): a keyed hash of source, destination, upper-layer
 * protocol and (for port-based protocols) the two ports, 20 bits. Packets of one flow share a
 * label, so ECMP and load balancers keep them on one path; the key keeps it unpredictable.
 */
export function flowLabel(hash: KeyedHash, src: Uint8Array, dst: Uint8Array, protocol: number, ports: number): number {
  return hash.hash(src, 0, dst, 0, (protocol << 24) ^ ports, 1) & 0xfffff;
}
