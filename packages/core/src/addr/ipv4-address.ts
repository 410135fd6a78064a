import { AddressError } from './address-error.js';
import type { IpAddress } from './ip-address.js';
import {
  directedBroadcast4,
  ipv4FromBytes,
  ipv4ToBytes,
  isIpv4LimitedBroadcast,
  isIpv4LinkLocal,
  isIpv4Loopback,
  isIpv4Multicast,
  isIpv4Unspecified,
} from './ipv4-int.js';
import { formatIpv4, ipv4ScanFailure, scanIpv4 } from './ipv4-text.js';

/**
 * An IPv4 address: an immutable value wrapping an unsigned 32-bit integer.
 * Hot paths use the integer directly (`.value`, {@link ipv4FromBytes}); this class is for the
 * control plane, tables and APIs.
 * @public
 */
export class Ipv4Address {
  /** 0.0.0.0 */
  static readonly ANY: Ipv4Address = Object.freeze(new Ipv4Address(0));
  /** 255.255.255.255 */
  static readonly BROADCAST: Ipv4Address = Object.freeze(new Ipv4Address(0xffffffff));
  /** 127.0.0.1 */
  static readonly LOOPBACK: Ipv4Address = Object.freeze(new Ipv4Address(0x7f000001));

  readonly family = 'ipv4' as const;
  /** Number of bits, the largest prefix length. */
  readonly bitLength = 32 as const;
  /** The address as an unsigned 32-bit integer (always `>>> 0`). */
  readonly value: number;

  /**
   * @param value - an integer in -2^31..2^32-1; negative (int32 results of bitwise operators) are
   * taken as their unsigned 32-bit equivalent.
   * @throws RangeError for anything else.
   */
  constructor(value: number) {
    if (!Number.isInteger(value) || value < -0x80000000 || value > 0xffffffff) {
      throw new RangeError(`not a 32-bit IPv4 address value: ${value}`);
    }
    this.value = value >>> 0;
  }

  /** Parses strict dotted-quad text. @throws {@link AddressError} */
  static parse(text: string): Ipv4Address {
    const value = scanIpv4(text, 0, text.length);
    if (value < 0) throw new AddressError('IPv4 address', text, ipv4ScanFailure(value));
    return new Ipv4Address(value);
  }

  /** Like {@link Ipv4Address.parse} but returns null on invalid text. */
  static tryParse(text: string): Ipv4Address | null {
    const value = scanIpv4(text, 0, text.length);
    return value < 0 ? null : new Ipv4Address(value);
  }

  /** Reads 4 big-endian bytes at `bytes[offset..offset+4)`. @throws RangeError if out of bounds. */
  static fromBytes(bytes: Uint8Array, offset = 0): Ipv4Address {
    if (offset < 0 || offset + 4 > bytes.length) throw new RangeError('IPv4 address out of bounds');
    return new Ipv4Address(ipv4FromBytes(bytes, offset));
  }

  /** A new 4-byte array in network byte order. */
  toBytes(): Uint8Array {
    const bytes = new Uint8Array(4);
    ipv4ToBytes(this.value, bytes, 0);
    return bytes;
  }

  /** Writes the 4 bytes in network byte order at `dst[offset..offset+4)`. */
  copyTo(dst: Uint8Array, offset: number): void {
    ipv4ToBytes(this.value, dst, offset);
  }

  /** Dotted-quad text. */
  toString(): string {
    return formatIpv4(this.value);
  }

  /** Same family and same value. */
  equals(other: IpAddress | null | undefined): boolean {
    return other != null && other.family === 'ipv4' && other.value === this.value;
  }

  /**
   * Total order over both families: every IPv4 address sorts before every IPv6 address, then by
   * numeric value. Returns a negative number, 0 or a positive number.
   */
  compare(other: IpAddress): number {
    if (other.family !== 'ipv4') return -1;
    return this.value < other.value ? -1 : this.value > other.value ? 1 : 0;
  }

  /** 224.0.0.0/4. */
  isMulticast(): boolean {
    return isIpv4Multicast(this.value);
  }

  /** 255.255.255.255. */
  isLimitedBroadcast(): boolean {
    return isIpv4LimitedBroadcast(this.value);
  }

  /** 127.0.0.0/8. */
  isLoopback(): boolean {
    return isIpv4Loopback(this.value);
  }

  /** 0.0.0.0. */
  isUnspecified(): boolean {
    return isIpv4Unspecified(this.value);
  }

  /** 169.254.0.0/16 (RFC 3927). */
  isLinkLocal(): boolean {
    return isIpv4LinkLocal(this.value);
  }

  /**
   * The directed broadcast address of this address's /`prefixLength` network, or null for /31
   * and /32, which have none (RFC 3021).
   */
  directedBroadcast(prefixLength: number): Ipv4Address | null {
    const value = directedBroadcast4(this.value, prefixLength);
    return value < 0 ? null : new Ipv4Address(value);
  }
}
