import { ByteView } from './byte-view.js';

/**
 * Length of the header every ICMP (RFC 792) and ICMPv6 (RFC 4443 §2.1) message starts with: type,
 * code, checksum, and four bytes whose meaning depends on the type.
 * @public
 */
export const ICMP_HEADER_LENGTH = 8;

const TYPE = 0;
const CODE = 1;
const CHECKSUM = 2;
const REST = 4;

/**
 * The fields ICMP and ICMPv6 messages share, over a re-pointable window: type, code, checksum, the
 * four rest-of-header bytes (also read as an echo identifier and sequence) and the data after
 * them. Each family's view adds its `check()`, its checksum rule and its named fields; accessors
 * are meaningful only once that check passed.
 * @public
 */
export abstract class IcmpHeaderView extends ByteView {
  /** Message type. */
  get type(): number {
    return this._bytes[this._offset + TYPE];
  }

  set type(value: number) {
    this._bytes[this._offset + TYPE] = value;
  }

  /** Message code. */
  get code(): number {
    return this._bytes[this._offset + CODE];
  }

  set code(value: number) {
    this._bytes[this._offset + CODE] = value;
  }

  /** Checksum field as stored. */
  get checksum(): number {
    return this.read16(CHECKSUM);
  }

  set checksum(value: number) {
    this.write16(CHECKSUM, value);
  }

  /** The four bytes after the checksum as an unsigned 32-bit integer. */
  get restOfHeader(): number {
    return this.read32(REST);
  }

  set restOfHeader(value: number) {
    this.write32(REST, value >>> 0);
  }

  /** Echo identifier (echo request/reply). */
  get identifier(): number {
    return this.read16(REST);
  }

  set identifier(value: number) {
    this.write16(REST, value);
  }

  /** Echo sequence number (echo request/reply). */
  get sequence(): number {
    return this.read16(REST + 2);
  }

  set sequence(value: number) {
    this.write16(REST + 2, value);
  }

  /** Absolute offset of the data after the 8-byte header (echo data, or the quoted packet of an error). */
  get dataOffset(): number {
    return this._offset + ICMP_HEADER_LENGTH;
  }

  /** Length of the data after the header. */
  get dataLength(): number {
    return this._length - ICMP_HEADER_LENGTH;
  }
}
