import { internetChecksum, verifyChecksum, ByteView, isValidRegion } from '@stack/core';
import { ICMPV4_HEADER_LENGTH } from './icmp-constants.js';

/**
 * Why an ICMPv4 message was refused:
 * - `'truncated'`: shorter than the 8-byte header (or the range given is not inside the buffer);
 * - `'bad-checksum'`: the checksum over the whole message is wrong.
 * @public
 */
export type Icmpv4Failure = 'truncated' | 'bad-checksum';

const TYPE = 0;
const CODE = 1;
const CHECKSUM = 2;
const REST = 4;

/**
 * A re-pointable view over an ICMPv4 message (RFC 792): the whole IP payload, since the checksum
 * covers it all. Call {@link Icmpv4PacketView.check} after every {@link Icmpv4PacketView.reset};
 * accessors are only meaningful once it returned `null`. The rest-of-header accessors read the
 * same four bytes under the names each message type gives them.
 * @public
 */
export class Icmpv4PacketView extends ByteView {


  /** Validates the length and (unless told not to) the checksum; `null` when valid. Never throws. */
  check(verifyChecksumToo = true): Icmpv4Failure | null {
    if (!isValidRegion(this._bytes, this._offset, this._length) || this._length < ICMPV4_HEADER_LENGTH) {
      return 'truncated';
    }
    if (verifyChecksumToo && !verifyChecksum(this._bytes, this._offset, this._length)) return 'bad-checksum';
    return null;
  }

  /** Message type (see `Icmpv4Type`). */
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

  /** The four rest-of-header bytes as an unsigned 32-bit integer. */
  get restOfHeader(): number {
    const b = this._bytes;
    const at = this._offset + REST;
    return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
  }

  set restOfHeader(value: number) {
    const b = this._bytes;
    const at = this._offset + REST;
    b[at] = value >>> 24;
    b[at + 1] = value >>> 16;
    b[at + 2] = value >>> 8;
    b[at + 3] = value;
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

  /** Next-hop MTU of a fragmentation-needed unreachable (RFC 1191 §4); 0 from old routers. */
  get nextHopMtu(): number {
    return this.read16(REST + 2);
  }

  set nextHopMtu(value: number) {
    this.write16(REST + 2, value);
  }

  /** Octet of the quoted datagram a parameter problem points at (RFC 792). */
  get pointer(): number {
    return this._bytes[this._offset + REST];
  }

  set pointer(value: number) {
    this._bytes[this._offset + REST] = value;
  }

  /** Gateway address of a redirect, unsigned 32-bit. */
  get gateway(): number {
    return this.restOfHeader;
  }

  set gateway(value: number) {
    this.restOfHeader = value;
  }

  /** Absolute offset of the data after the header (echo data, or the quoted datagram of an error). */
  get dataOffset(): number {
    return this._offset + ICMPV4_HEADER_LENGTH;
  }

  /** Length of the data after the header. */
  get dataLength(): number {
    return this._length - ICMPV4_HEADER_LENGTH;
  }

  /** Whether the checksum over the whole message is correct. */
  get isChecksumValid(): boolean {
    return verifyChecksum(this._bytes, this._offset, this._length);
  }

  /** Recomputes the checksum over the whole message and writes it; returns the value written. */
  fillChecksum(): number {
    this.write16(CHECKSUM, 0);
    const checksum = internetChecksum(this._bytes, this._offset, this._length);
    this.write16(CHECKSUM, checksum);
    return checksum;
  }


}
