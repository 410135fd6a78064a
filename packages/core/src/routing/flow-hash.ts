/**
 * ECMP flow hashing: the number a network layer passes to `RouteTables.lookup4`/`lookup6` so that
 * the member of an equal-cost group is chosen per flow. Packets of one flow get one hash, hence one
 * path (no reordering inside a flow); distinct flows spread over the members.
 *
 * Policy (L4, as Linux's `fib_multipath_hash_policy` 1 does): source and destination address, the
 * protocol, and the two ports of a port-based transport (TCP, UDP, SCTP, DCCP, UDP-Lite). Callers
 * pass `ports` 0 for every fragment of a forwarded datagram, first or later: later fragments carry
 * no ports, and hashing the first fragment the same way keeps all fragments of a datagram on one
 * path. A sender hashes a datagram before fragmenting it, so its fragments follow the datagram and
 * the flow. IPv6 uses the flow label instead of protocol and ports when it is non-zero. (Linux's
 * policy 0, addresses only, is not offered: a caller wanting it passes protocol and ports 0.)
 *
 * Everything here is integer arithmetic on 32-bit words; nothing allocates. The seed keeps the
 * choice unpredictable from outside and differs between stacks, so routers in series do not all
 * make the same choice (which would leave members of the second router's groups idle). The mixing
 * is fast, not cryptographic.
 */

/** Protocol numbers whose header begins with a 16-bit source and destination port. */
const TCP = 6;
const UDP = 17;
const DCCP = 33;
const SCTP = 132;
const UDP_LITE = 136;

/** Domain tags: IPv4, unlabelled IPv6 and labelled IPv6 tuples start from different states. */
const TAG4 = 0x34;
const TAG6 = 0x36;
const TAG6_LABEL = 0x3606;

/** Whether `protocol` starts its header with source and destination port. */
function isPortProtocol(protocol: number): boolean {
  return protocol === TCP || protocol === UDP || protocol === SCTP || protocol === DCCP || protocol === UDP_LITE;
}

/**
 * The ports word `(sourcePort << 16 | destinationPort) >>> 0` of a transport header of `protocol`
 * starting at `bytes[offset]` with `available` bytes of it present; 0 for a protocol without
 * ports or a header too short to hold them. Pass 0 instead for fragments (see the policy above).
 * @public
 */
export function flowPorts(protocol: number, bytes: Uint8Array, offset: number, available: number): number {
  if (available < 4 || offset < 0 || offset + 4 > bytes.length || !isPortProtocol(protocol)) return 0;
  return ((bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]) >>> 0;
}

/**
 * Flow hash of an IPv4 flow: addresses as unsigned 32-bit integers, the protocol number and the
 * {@link flowPorts} word (0 when there are none or the datagram is a fragment). Unsigned 32-bit.
 * @public
 */
export function flowHash4(seed: number, src: number, dst: number, protocol: number, ports: number): number {
  let h = begin(seed, TAG4);
  h = absorb(h, src);
  h = absorb(h, dst);
  h = absorb(h, protocol);
  h = absorb(h, ports);
  return finish(h);
}

/**
 * Flow hash of an IPv6 flow with addresses at `src[srcOffset..+16)` and `dst[dstOffset..+16)`.
 * A non-zero `flowLabel` (20 bits) identifies the flow together with the addresses, and protocol
 * and ports are then ignored (RFC 6438 §3; RFC 6437 §3: a label is the same for every packet of a
 * flow, fragments included, and can be used without reading past the fixed header). With label 0:
 * addresses, the upper-layer protocol and the {@link flowPorts} word. Unsigned 32-bit.
 * @public
 */
export function flowHash6(
  seed: number,
  src: Uint8Array,
  srcOffset: number,
  dst: Uint8Array,
  dstOffset: number,
  flowLabel: number,
  protocol: number,
  ports: number,
): number {
  const label = flowLabel & 0xfffff;
  let h = begin(seed, label !== 0 ? TAG6_LABEL : TAG6);
  for (let i = 0; i < 16; i += 4) h = absorb(h, word(src, srcOffset + i));
  for (let i = 0; i < 16; i += 4) h = absorb(h, word(dst, dstOffset + i));
  if (label !== 0) {
    h = absorb(h, label);
  } else {
    h = absorb(h, protocol);
    h = absorb(h, ports);
  }
  return finish(h);
}

/**
 * A random seed for {@link flowHash4}/{@link flowHash6}, drawn once per stack (per module load)
 * from `crypto.getRandomValues` where the platform has it, else from `Math.random`.
 * @public
 */
export function randomFlowHashSeed(): number {
  const crypto = (globalThis as { crypto?: { getRandomValues?(a: Uint32Array): Uint32Array } }).crypto;
  if (crypto?.getRandomValues) {
    const one = new Uint32Array(1);
    crypto.getRandomValues(one);
    return one[0];
  }
  return Math.floor(Math.random() * 0x1_0000_0000) >>> 0;
}

function word(b: Uint8Array, at: number): number {
  return (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];
}

function begin(seed: number, tag: number): number {
  return finish((seed ^ Math.imul(tag, 0x9e3779b1)) | 0) | 0;
}

/** One word into the state: an odd multiplier carries low bits up, the shift carries high bits down. */
function absorb(h: number, w: number): number {
  h = Math.imul(h ^ w, 0x9e3779b1);
  h ^= h >>> 15;
  return Math.imul(h, 0x2c1b3c6d);
}

/** A bijective avalanche (xor-shift / multiply rounds; constants from the public-domain "lowbias32" search). */
function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}
