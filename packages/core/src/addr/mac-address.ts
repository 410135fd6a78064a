import { AddressError } from './address-error.js';

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

function hex2(byte: number): string {
  return byte < 16 ? `0${byte.toString(16)}` : byte.toString(16);
}

/**
 * Parses `aa:bb:cc:dd:ee:ff` or `aa-bb-cc-dd-ee-ff` (one separator throughout, 1-2 hex digits per
 * octet, any case) into `out[0..6)`. Returns null on success or the reason.
 */
function scanMac(text: string, out: Uint8Array): string | null {
  if (text.length > 17) return 'too long';
  let separator = -1;
  let octets = 0;
  let i = 0;
  while (i <= text.length) {
    let value = 0;
    const start = i;
    while (i < text.length && i - start < 3) {
      const d = hexDigit(text.charCodeAt(i));
      if (d < 0) break;
      value = (value << 4) | d;
      i++;
    }
    const digits = i - start;
    if (digits === 0) return i < text.length ? `unexpected "${text[i]}"` : 'missing octet';
    if (digits > 2) return 'octet with more than 2 hex digits';
    if (octets === 6) return 'expected 6 octets';
    out[octets++] = value;
    if (i === text.length) break;
    const c = text.charCodeAt(i);
    if (separator < 0 && (c === 0x3a || c === 0x2d)) separator = c;
    if (c !== separator) return `unexpected "${text[i]}"`;
    i++;
  }
  return octets === 6 ? null : 'expected 6 octets';
}

/**
 * An Ethernet (EUI-48) MAC address: an immutable value. Holds its own copy of the 6 octets
 * (`bytes`, read-only by type) and the same bits as two integers (`high`, `low`) for cheap
 * comparison.
 * @public
 */
export class MacAddress {
  /** ff:ff:ff:ff:ff:ff */
  static readonly BROADCAST: MacAddress = Object.freeze(new MacAddress(0xffff, 0xffffffff));
  /** 00:00:00:00:00:00 */
  static readonly ZERO: MacAddress = Object.freeze(new MacAddress(0, 0));

  /**
   * The 6 octets. Read-only by type; the array is the address's own storage, so never write
   * through a cast (use {@link MacAddress.copyTo} or {@link MacAddress.toBytes}).
   */
  readonly bytes: Readonly<Uint8Array>;
  /** Octets 0-1 as a 16-bit integer. */
  readonly high: number;
  /** Octets 2-5 as an unsigned 32-bit integer. */
  readonly low: number;

  /**
   * @param high - octets 0-1 as a 16-bit integer
   * @param low - octets 2-5 as a 32-bit integer
   */
  constructor(high: number, low: number) {
    this.high = high & 0xffff;
    this.low = low >>> 0;
    const bytes = new Uint8Array(6);
    bytes[0] = this.high >>> 8;
    bytes[1] = this.high;
    bytes[2] = this.low >>> 24;
    bytes[3] = this.low >>> 16;
    bytes[4] = this.low >>> 8;
    bytes[5] = this.low;
    this.bytes = bytes;
  }

  /** Parses `aa:bb:cc:dd:ee:ff` or `aa-bb-cc-dd-ee-ff`. @throws {@link AddressError} */
  static parse(text: string): MacAddress {
    const bytes = new Uint8Array(6);
    const reason = scanMac(text, bytes);
    if (reason !== null) throw new AddressError('MAC address', text, reason);
    return MacAddress.fromBytes(bytes, 0);
  }

  /** Like {@link MacAddress.parse} but returns null on invalid text. */
  static tryParse(text: string): MacAddress | null {
    const bytes = new Uint8Array(6);
    return scanMac(text, bytes) === null ? MacAddress.fromBytes(bytes, 0) : null;
  }

  /** Reads 6 bytes at `bytes[offset..offset+6)`. @throws RangeError if out of bounds. */
  static fromBytes(bytes: ArrayLike<number>, offset = 0): MacAddress {
    if (offset < 0 || offset + 6 > bytes.length) throw new RangeError('MAC address out of bounds');
    const high = (bytes[offset] << 8) | bytes[offset + 1];
    const low = (bytes[offset + 2] << 24) | (bytes[offset + 3] << 16) | (bytes[offset + 4] << 8) | bytes[offset + 5];
    return new MacAddress(high, low);
  }

  /** A new 6-byte array. */
  toBytes(): Uint8Array {
    return this.bytes.slice();
  }

  /** Writes the 6 octets at `dst[offset..offset+6)`. */
  copyTo(dst: Uint8Array, offset: number): void {
    const own = this.bytes;
    for (let i = 0; i < 6; i++) dst[offset + i] = own[i];
  }

  /** Whether the 6 bytes at `bytes[offset..offset+6)` are this address; allocation-free. */
  equalsBytes(bytes: Uint8Array, offset: number): boolean {
    return (
      ((bytes[offset] << 8) | bytes[offset + 1]) === this.high &&
      ((bytes[offset + 2] << 24) | (bytes[offset + 3] << 16) | (bytes[offset + 4] << 8) | bytes[offset + 5]) >>> 0 ===
        this.low
    );
  }

  /** Lowercase colon form, `02:00:5e:10:00:01`. */
  toString(): string {
    const b = this.bytes;
    return `${hex2(b[0])}:${hex2(b[1])}:${hex2(b[2])}:${hex2(b[3])}:${hex2(b[4])}:${hex2(b[5])}`;
  }

  /** Same 48 bits. */
  equals(other: MacAddress | null | undefined): boolean {
    return other != null && other.high === this.high && other.low === this.low;
  }

  /** Numeric order of the 48 bits: negative, 0 or positive. */
  compare(other: MacAddress): number {
    if (this.high !== other.high) return this.high < other.high ? -1 : 1;
    if (this.low !== other.low) return this.low < other.low ? -1 : 1;
    return 0;
  }

  /** ff:ff:ff:ff:ff:ff */
  isBroadcast(): boolean {
    return this.high === 0xffff && this.low === 0xffffffff;
  }

  /** Group bit set: the least significant bit of the first octet (IEEE 802; broadcast included). */
  isMulticast(): boolean {
    return (this.high & 0x0100) !== 0;
  }

  /** Universal/local bit set: the second least significant bit of the first octet. */
  isLocallyAdministered(): boolean {
    return (this.high & 0x0200) !== 0;
  }

  /** All zeros. */
  isZero(): boolean {
    return this.high === 0 && this.low === 0;
  }
}
