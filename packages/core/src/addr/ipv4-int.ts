// Integer-level IPv4 helpers for hot paths: addresses are unsigned 32-bit numbers, no objects.

/**
 * Reads a big-endian IPv4 address at `bytes[offset..offset+4)` as an unsigned 32-bit integer.
 * @public
 */
export function ipv4FromBytes(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]) >>> 0;
}

/**
 * Writes a 32-bit IPv4 address big-endian at `bytes[offset..offset+4)`.
 * @public
 */
export function ipv4ToBytes(value: number, bytes: Uint8Array, offset: number): void {
  bytes[offset] = value >>> 24;
  bytes[offset + 1] = value >>> 16;
  bytes[offset + 2] = value >>> 8;
  bytes[offset + 3] = value;
}

function checkLength4(prefixLength: number): void {
  if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > 32) {
    throw new RangeError(`IPv4 prefix length ${prefixLength} out of range 0..32`);
  }
}

/**
 * The netmask of an IPv4 prefix length as an unsigned 32-bit integer (`24` → `0xffffff00`).
 * @throws RangeError when `prefixLength` is not an integer in 0..32.
 * @public
 */
export function netmask4(prefixLength: number): number {
  checkLength4(prefixLength);
  // A shift count of 32 is taken modulo 32 in JS, so /0 needs its own case.
  return prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
}

/**
 * The prefix length of a contiguous IPv4 netmask, or -1 when the mask is not contiguous
 * (`0xff00ff00`). See `prefixLengthFromNetmask` for the throwing variant over address objects.
 * @public
 */
export function prefixLengthFromNetmask4(mask: number): number {
  const m = mask >>> 0;
  const inverted = ~m >>> 0;
  // Contiguous iff the host part is 2^k - 1, i.e. inverted & (inverted + 1) is 0.
  if ((inverted & (inverted + 1)) !== 0) return -1;
  return Math.clz32(inverted);
}

/**
 * Whether `addr` lies in `prefix/prefixLength` (all unsigned 32-bit integers).
 * @public
 */
export function prefixContains4(prefix: number, prefixLength: number, addr: number): boolean {
  const mask = netmask4(prefixLength);
  return ((prefix ^ addr) & mask) === 0;
}

/**
 * Number of leading bits two IPv4 addresses share (32 when equal).
 * @public
 */
export function commonPrefixLength4(a: number, b: number): number {
  return Math.clz32((a ^ b) >>> 0);
}

/**
 * The directed broadcast address of `prefix/prefixLength` (host bits all ones, RFC 919/922).
 * Returns -1 for /31 and /32, which have no broadcast address (RFC 3021); -1 never equals an
 * unsigned address, so `dst === directedBroadcast4(...)` is simply false for them.
 * @public
 */
export function directedBroadcast4(prefix: number, prefixLength: number): number {
  if (prefixLength >= 31) {
    checkLength4(prefixLength);
    return -1;
  }
  return (prefix | ~netmask4(prefixLength)) >>> 0;
}

/** Class D, 224.0.0.0/4 (RFC 5771). @public */
export function isIpv4Multicast(value: number): boolean {
  return value >>> 28 === 0xe;
}

/** 255.255.255.255 (RFC 919). @public */
export function isIpv4LimitedBroadcast(value: number): boolean {
  return value >>> 0 === 0xffffffff;
}

/** 127.0.0.0/8 (RFC 1122 §3.2.1.3). @public */
export function isIpv4Loopback(value: number): boolean {
  return value >>> 24 === 127;
}

/** 0.0.0.0. @public */
export function isIpv4Unspecified(value: number): boolean {
  return value >>> 0 === 0;
}

/** 169.254.0.0/16 (RFC 3927). @public */
export function isIpv4LinkLocal(value: number): boolean {
  return value >>> 16 === 0xa9fe;
}
