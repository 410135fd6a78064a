// Allocation-free tests on IPv6 addresses held as 16 bytes at `b[o..o+16)` (packet headers,
// `PacketBuffer.src`/`dst`), for hot paths where an `Ipv6Address` object would allocate.

/** Scope values of RFC 4291 §2.7 / RFC 6724 §3.1 for unicast addresses. */
export const Scope = {
  INTERFACE_LOCAL: 0x1,
  LINK_LOCAL: 0x2,
  SITE_LOCAL: 0x5,
  GLOBAL: 0xe,
} as const;

export function isMulticastAt(b: Uint8Array, o: number): boolean {
  return b[o] === 0xff;
}

/** fe80::/10 (RFC 4291 §2.5.6). */
export function isLinkLocalAt(b: Uint8Array, o: number): boolean {
  return b[o] === 0xfe && (b[o + 1] & 0xc0) === 0x80;
}

function zeroRun(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i] !== 0) return false;
  return true;
}

/** :: (RFC 4291 §2.5.2). */
export function isUnspecifiedAt(b: Uint8Array, o: number): boolean {
  return zeroRun(b, o, o + 16);
}

/** ::1 (RFC 4291 §2.5.3). */
export function isLoopbackAt(b: Uint8Array, o: number): boolean {
  return b[o + 15] === 1 && zeroRun(b, o, o + 15);
}

/** ::ffff:0:0/96 (RFC 4291 §2.5.5.2): never valid on the wire (RFC 4038 §4.2). */
export function isIpv4MappedAt(b: Uint8Array, o: number): boolean {
  return b[o + 10] === 0xff && b[o + 11] === 0xff && zeroRun(b, o, o + 10);
}

/**
 * Scope of an address (RFC 6724 §3.1): a multicast address's scope field; link-local for fe80::/10
 * and the loopback address; site-local for the deprecated fec0::/10; global otherwise (unique
 * local addresses included).
 */
export function scopeAt(b: Uint8Array, o: number): number {
  if (b[o] === 0xff) return b[o + 1] & 0x0f;
  if (b[o] === 0xfe) {
    const top = b[o + 1] & 0xc0;
    if (top === 0x80) return Scope.LINK_LOCAL;
    if (top === 0xc0) return Scope.SITE_LOCAL;
  }
  if (isLoopbackAt(b, o)) return Scope.LINK_LOCAL;
  return Scope.GLOBAL;
}

/** Whether an address only has meaning on one link (or one interface): its scope is at most link-local. */
export function isLinkScopedAt(b: Uint8Array, o: number): boolean {
  return scopeAt(b, o) <= Scope.LINK_LOCAL;
}

export function equal16(a: Uint8Array, ao: number, b: Uint8Array, bo: number): boolean {
  for (let i = 0; i < 16; i++) if (a[ao + i] !== b[bo + i]) return false;
  return true;
}

/** Big-endian 32-bit word `i` (0..3) of the address. */
export function wordAt(b: Uint8Array, o: number, i: number): number {
  const at = o + 4 * i;
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

/** A well-mixed 32-bit hash of an address (for table buckets; not keyed). */
export function hash16(b: Uint8Array, o: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < 4; i++) {
    h = Math.imul(h ^ wordAt(b, o, i), 0x01000193);
    h ^= h >>> 15;
  }
  return h >>> 0;
}

/** Number of leading bits the two addresses share (0..128). */
export function commonPrefixLengthAt(a: Uint8Array, ao: number, b: Uint8Array, bo: number): number {
  for (let i = 0; i < 16; i++) {
    const x = a[ao + i] ^ b[bo + i];
    if (x !== 0) return 8 * i + Math.clz32(x) - 24;
  }
  return 128;
}

/** Whether `b[o..)` lies in `prefix/length` (prefix given as 16 bytes). */
export function prefixMatchesAt(prefix: Uint8Array, length: number, b: Uint8Array, o: number): boolean {
  return commonPrefixLengthAt(prefix, 0, b, o) >= length;
}

const NONE = new Uint8Array(16);

/** The 16 bytes of an IPv6 interface address (all zero for another family; callers filter first). */
export function bytesOf(a: { readonly address: { readonly family: string } }): Uint8Array {
  const x = a.address as { readonly family: string; readonly bytes?: Readonly<Uint8Array> };
  return x.family === 'ipv6' && x.bytes !== undefined ? (x.bytes as Uint8Array) : NONE;
}

/** Copies the 16 bytes at `from[fromOffset..)` to `to[toOffset..)` without creating a view. */
export function copy16(from: Uint8Array, fromOffset: number, to: Uint8Array, toOffset: number): void {
  for (let i = 0; i < 16; i++) to[toOffset + i] = from[fromOffset + i];
}
