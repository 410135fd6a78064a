import { AddressError } from './address-error.js';
import type { IpAddress } from './ip-address.js';
import { Ipv4Address } from './ipv4-address.js';
import { formatIpv6, scanIpv6 } from './ipv6-text.js';

/**
 * Multicast scopes (RFC 4291 §2.7, RFC 7346): the low 4 bits of the second byte of a multicast
 * address.
 * @public
 */
export const Ipv6MulticastScope = {
  INTERFACE_LOCAL: 0x1,
  LINK_LOCAL: 0x2,
  REALM_LOCAL: 0x3,
  ADMIN_LOCAL: 0x4,
  SITE_LOCAL: 0x5,
  ORGANIZATION_LOCAL: 0x8,
  GLOBAL: 0xe,
} as const;

function readWord(bytes: Uint8Array, i: number): number {
  return ((bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3]) >>> 0;
}

/**
 * Writes the solicited-node multicast address of the unicast address at `src[srcOffset..+16)`
 * into `out[outOffset..+16)`: ff02::1:ff00:0/104 plus the low 24 bits (RFC 4291 §2.7.1).
 * Allocation-free variant of {@link solicitedNodeMulticast}; `src` and `out` may be the same.
 * @public
 */
export function writeSolicitedNodeMulticast(
  src: Uint8Array,
  srcOffset: number,
  out: Uint8Array,
  outOffset: number,
): void {
  const b13 = src[srcOffset + 13];
  const b14 = src[srcOffset + 14];
  const b15 = src[srcOffset + 15];
  out.fill(0, outOffset, outOffset + 16);
  out[outOffset] = 0xff;
  out[outOffset + 1] = 0x02;
  out[outOffset + 11] = 0x01;
  out[outOffset + 12] = 0xff;
  out[outOffset + 13] = b13;
  out[outOffset + 14] = b14;
  out[outOffset + 15] = b15;
}

/**
 * An IPv6 address: an immutable value holding its own copy of 16 bytes in network order, plus the
 * same bits as four big-endian unsigned 32-bit words (`w0`..`w3`) for fast comparison and
 * longest-prefix match.
 * @public
 */
export class Ipv6Address {
  readonly family = 'ipv6' as const;
  /** Number of bits, the largest prefix length. */
  readonly bitLength = 128 as const;
  /**
   * The 16 bytes in network order. Read-only by type; the array is the address's own storage, so
   * never write through a cast (use {@link Ipv6Address.copyTo} or {@link Ipv6Address.toBytes}).
   */
  readonly bytes: Readonly<Uint8Array>;
  /** Bits 0..31 as an unsigned integer. */
  readonly w0: number;
  /** Bits 32..63 as an unsigned integer. */
  readonly w1: number;
  /** Bits 64..95 as an unsigned integer. */
  readonly w2: number;
  /** Bits 96..127 as an unsigned integer. */
  readonly w3: number;

  /**
   * Copies 16 bytes from `bytes[offset..offset+16)`.
   * @throws RangeError if fewer than 16 bytes are available.
   */
  constructor(bytes: ArrayLike<number>, offset = 0) {
    if (offset < 0 || offset + 16 > bytes.length) throw new RangeError('IPv6 address out of bounds');
    const own = new Uint8Array(16);
    for (let i = 0; i < 16; i++) own[i] = bytes[offset + i];
    this.bytes = own;
    this.w0 = readWord(own, 0);
    this.w1 = readWord(own, 4);
    this.w2 = readWord(own, 8);
    this.w3 = readWord(own, 12);
  }

  /** :: */
  static readonly UNSPECIFIED: Ipv6Address = Object.freeze(Ipv6Address.fromWords(0, 0, 0, 0));
  /** ::1 */
  static readonly LOOPBACK: Ipv6Address = Object.freeze(Ipv6Address.fromWords(0, 0, 0, 1));
  /** ff02::1, all nodes on the link. */
  static readonly ALL_NODES: Ipv6Address = Object.freeze(Ipv6Address.fromWords(0xff020000, 0, 0, 1));
  /** ff02::2, all routers on the link. */
  static readonly ALL_ROUTERS: Ipv6Address = Object.freeze(Ipv6Address.fromWords(0xff020000, 0, 0, 2));

  /** Parses RFC 4291 §2.2 text (zone indices are not accepted). @throws {@link AddressError} */
  static parse(text: string): Ipv6Address {
    const bytes = new Uint8Array(16);
    const reason = scanIpv6(text, bytes, 0);
    if (reason !== null) throw new AddressError('IPv6 address', text, reason);
    return new Ipv6Address(bytes);
  }

  /** Like {@link Ipv6Address.parse} but returns null on invalid text. */
  static tryParse(text: string): Ipv6Address | null {
    const bytes = new Uint8Array(16);
    return scanIpv6(text, bytes, 0) === null ? new Ipv6Address(bytes) : null;
  }

  /** Copies 16 bytes at `bytes[offset..offset+16)`. @throws RangeError if out of bounds. */
  static fromBytes(bytes: Uint8Array, offset = 0): Ipv6Address {
    return new Ipv6Address(bytes, offset);
  }

  /** From four big-endian 32-bit words, most significant first. */
  static fromWords(w0: number, w1: number, w2: number, w3: number): Ipv6Address {
    const bytes = new Uint8Array(16);
    const words = [w0, w1, w2, w3];
    for (let i = 0; i < 4; i++) {
      bytes[4 * i] = words[i] >>> 24;
      bytes[4 * i + 1] = words[i] >>> 16;
      bytes[4 * i + 2] = words[i] >>> 8;
      bytes[4 * i + 3] = words[i];
    }
    return new Ipv6Address(bytes);
  }

  /** The IPv4-mapped address ::ffff:a.b.c.d of `v4` (RFC 4291 §2.5.5.2). */
  static fromIpv4Mapped(v4: Ipv4Address): Ipv6Address {
    return Ipv6Address.fromWords(0, 0, 0xffff, v4.value);
  }

  /** A new 16-byte array (a copy). */
  toBytes(): Uint8Array {
    return this.bytes.slice();
  }

  /** Writes the 16 bytes at `dst[offset..offset+16)`. */
  copyTo(dst: Uint8Array, offset: number): void {
    dst.set(this.bytes, offset);
  }

  /** RFC 5952 text. */
  toString(): string {
    return formatIpv6(this.bytes, 0);
  }

  /** Same family and same 128 bits. */
  equals(other: IpAddress | null | undefined): boolean {
    return (
      other != null &&
      other.family === 'ipv6' &&
      other.w0 === this.w0 &&
      other.w1 === this.w1 &&
      other.w2 === this.w2 &&
      other.w3 === this.w3
    );
  }

  /** Whether the 16 bytes at `bytes[offset..offset+16)` are this address; allocation-free. */
  equalsBytes(bytes: Uint8Array, offset: number): boolean {
    const own = this.bytes;
    for (let i = 0; i < 16; i++) if (bytes[offset + i] !== own[i]) return false;
    return true;
  }

  /**
   * Total order over both families: every IPv4 address sorts before every IPv6 address, then by
   * numeric value. Returns a negative number, 0 or a positive number.
   */
  compare(other: IpAddress): number {
    if (other.family !== 'ipv6') return 1;
    if (this.w0 !== other.w0) return this.w0 < other.w0 ? -1 : 1;
    if (this.w1 !== other.w1) return this.w1 < other.w1 ? -1 : 1;
    if (this.w2 !== other.w2) return this.w2 < other.w2 ? -1 : 1;
    if (this.w3 !== other.w3) return this.w3 < other.w3 ? -1 : 1;
    return 0;
  }

  /** fe80::/10 (RFC 4291 §2.5.6). */
  isLinkLocal(): boolean {
    return this.w0 >>> 22 === 0x3fa;
  }

  /** ff00::/8 (RFC 4291 §2.7). */
  isMulticast(): boolean {
    return this.w0 >>> 24 === 0xff;
  }

  /** ::1 */
  isLoopback(): boolean {
    return this.w0 === 0 && this.w1 === 0 && this.w2 === 0 && this.w3 === 1;
  }

  /** :: */
  isUnspecified(): boolean {
    return this.w0 === 0 && this.w1 === 0 && this.w2 === 0 && this.w3 === 0;
  }

  /** fc00::/7 (RFC 4193). */
  isUniqueLocal(): boolean {
    return this.w0 >>> 25 === 0x7e;
  }

  /** ::ffff:0:0/96 (RFC 4291 §2.5.5.2). */
  isIpv4Mapped(): boolean {
    return this.w0 === 0 && this.w1 === 0 && this.w2 === 0xffff;
  }

  /** ff02::1:ff00:0/104 (RFC 4291 §2.7.1). */
  isSolicitedNodeMulticast(): boolean {
    return this.w0 === 0xff020000 && this.w1 === 0 && this.w2 === 1 && this.w3 >>> 24 === 0xff;
  }

  /** The embedded IPv4 address of an IPv4-mapped address, or null. */
  toIpv4Mapped(): Ipv4Address | null {
    return this.isIpv4Mapped() ? new Ipv4Address(this.w3) : null;
  }

  /** The scope of a multicast address ({@link Ipv6MulticastScope}), or -1 if not multicast. */
  multicastScope(): number {
    return this.isMulticast() ? (this.w0 >>> 16) & 0xf : -1;
  }

  /** The solicited-node multicast group of this address (RFC 4291 §2.7.1). */
  solicitedNodeMulticast(): Ipv6Address {
    const bytes = new Uint8Array(16);
    writeSolicitedNodeMulticast(this.bytes, 0, bytes, 0);
    return new Ipv6Address(bytes);
  }
}

/**
 * The solicited-node multicast group ff02::1:ffXX:XXXX of `addr` (RFC 4291 §2.7.1).
 * @public
 */
export function solicitedNodeMulticast(addr: Ipv6Address): Ipv6Address {
  return addr.solicitedNodeMulticast();
}

/**
 * The scope of a multicast address ({@link Ipv6MulticastScope}), or -1 if not multicast.
 * @public
 */
export function multicastScope(addr: Ipv6Address): number {
  return addr.multicastScope();
}
