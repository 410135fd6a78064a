import { ByteView, isValidRegion } from '@stack/core';
import { decrementIpv4Ttl, fillIpv4HeaderChecksum, isIpv4HeaderChecksumValid } from './ipv4-checksum.js';
import { areIpv4OptionsWellFormed, ipv4Options } from './ipv4-options.js';
import type { Ipv4Option } from './ipv4-options.js';

/**
 * Why an IPv4 packet was refused (each maps to a `netstat -s` style counter):
 * - `'truncated'`: fewer bytes than 20, than the IHL, or than the total length announces (or the
 *   range given is not inside the buffer);
 * - `'bad-version'`: version is not 4;
 * - `'bad-header-length'`: IHL below 5 (RFC 791 §3.1);
 * - `'bad-total-length'`: total length smaller than the header;
 * - `'bad-flags'`: the reserved flag bit is set (RFC 791 §3.1: must be zero);
 * - `'bad-checksum'`: the header checksum is wrong;
 * - `'bad-options'`: an option's length is missing, below 2 or runs past the header.
 * @public
 */
export type Ipv4Failure =
  'truncated' | 'bad-version' | 'bad-header-length' | 'bad-total-length' | 'bad-flags' | 'bad-checksum' | 'bad-options';

/**
 * Length of an IPv4 header without options.
 * @public
 */
export const IPV4_MIN_HEADER_LENGTH = 20;

const VER_IHL = 0;
const TOS = 1;
const TOTAL_LENGTH = 2;
const IDENT = 4;
const FLAGS_FRAG = 6;
const TTL = 8;
const PROTOCOL = 9;
const CHECKSUM = 10;
const SRC = 12;
const DST = 16;

const FLAG_RESERVED = 0x8000;
const FLAG_DF = 0x4000;
const FLAG_MF = 0x2000;
const FRAG_MASK = 0x1fff;

/**
 * A re-pointable view over an IPv4 packet (RFC 791). Call {@link Ipv4PacketView.check} after every
 * {@link Ipv4PacketView.reset}; accessors are only meaningful once it returned `null`. The packet
 * is `totalLength` bytes long; bytes after it (link padding) are not part of it.
 * @public
 */
export class Ipv4PacketView extends ByteView {


  /**
   * Validates the header; `null` when valid. Never throws. Pass `verifyChecksum = false` when the
   * link already verified it (checksum offload).
   */
  check(verifyChecksum = true): Ipv4Failure | null {
    const b = this._bytes;
    const at = this._offset;
    if (!isValidRegion(b, at, this._length) || this._length < IPV4_MIN_HEADER_LENGTH) return 'truncated';
    if (b[at] >>> 4 !== 4) return 'bad-version';
    const headerLength = this.headerLength;
    if (headerLength < IPV4_MIN_HEADER_LENGTH) return 'bad-header-length';
    if (headerLength > this._length) return 'truncated';
    const totalLength = this.totalLength;
    if (totalLength < headerLength) return 'bad-total-length';
    if (totalLength > this._length) return 'truncated';
    if ((this.read16(FLAGS_FRAG) & FLAG_RESERVED) !== 0) return 'bad-flags';
    if (verifyChecksum && !isIpv4HeaderChecksumValid(b, at, headerLength)) return 'bad-checksum';
    if (!areIpv4OptionsWellFormed(b, at + IPV4_MIN_HEADER_LENGTH, headerLength - IPV4_MIN_HEADER_LENGTH)) {
      return 'bad-options';
    }
    return null;
  }

  /** IP version (4). */
  get version(): number {
    return this._bytes[this._offset + VER_IHL] >>> 4;
  }

  /** Header length in bytes (IHL × 4). */
  get headerLength(): number {
    return (this._bytes[this._offset + VER_IHL] & 0x0f) << 2;
  }

  /** Differentiated services code point (RFC 2474), 0..63. */
  get dscp(): number {
    return this._bytes[this._offset + TOS] >>> 2;
  }

  set dscp(value: number) {
    const at = this._offset + TOS;
    this._bytes[at] = ((value & 0x3f) << 2) | (this._bytes[at] & 0x03);
  }

  /** Explicit congestion notification (RFC 3168), 0..3. */
  get ecn(): number {
    return this._bytes[this._offset + TOS] & 0x03;
  }

  set ecn(value: number) {
    const at = this._offset + TOS;
    this._bytes[at] = (this._bytes[at] & 0xfc) | (value & 0x03);
  }

  /** Total length of the packet in bytes, header included. */
  get totalLength(): number {
    return this.read16(TOTAL_LENGTH);
  }

  set totalLength(value: number) {
    this.write16(TOTAL_LENGTH, value);
  }

  /** Identification, for reassembly. */
  get identification(): number {
    return this.read16(IDENT);
  }

  set identification(value: number) {
    this.write16(IDENT, value);
  }

  /** Don't fragment flag. */
  get dontFragment(): boolean {
    return (this.read16(FLAGS_FRAG) & FLAG_DF) !== 0;
  }

  set dontFragment(value: boolean) {
    this.setFlag(FLAG_DF, value);
  }

  /** More fragments flag. */
  get moreFragments(): boolean {
    return (this.read16(FLAGS_FRAG) & FLAG_MF) !== 0;
  }

  set moreFragments(value: boolean) {
    this.setFlag(FLAG_MF, value);
  }

  /** Fragment offset in bytes (the field counts 8-byte units; the setter drops the low 3 bits). */
  get fragmentOffset(): number {
    return (this.read16(FLAGS_FRAG) & FRAG_MASK) << 3;
  }

  set fragmentOffset(value: number) {
    this.write16(FLAGS_FRAG, (this.read16(FLAGS_FRAG) & ~FRAG_MASK) | ((value >>> 3) & FRAG_MASK));
  }

  /** Whether this packet is a fragment (MF set or a non-zero offset). */
  get isFragment(): boolean {
    return (this.read16(FLAGS_FRAG) & (FLAG_MF | FRAG_MASK)) !== 0;
  }

  /** Time to live. */
  get ttl(): number {
    return this._bytes[this._offset + TTL];
  }

  set ttl(value: number) {
    this._bytes[this._offset + TTL] = value;
  }

  /** Protocol of the payload (see `IpProtocol`). */
  get protocol(): number {
    return this._bytes[this._offset + PROTOCOL];
  }

  set protocol(value: number) {
    this._bytes[this._offset + PROTOCOL] = value;
  }

  /** Header checksum field as stored. */
  get checksum(): number {
    return this.read16(CHECKSUM);
  }

  set checksum(value: number) {
    this.write16(CHECKSUM, value);
  }

  /** Source address as an unsigned 32-bit integer. */
  get src(): number {
    return this.read32(SRC);
  }

  set src(value: number) {
    this.write32(SRC, value);
  }

  /** Destination address as an unsigned 32-bit integer. */
  get dst(): number {
    return this.read32(DST);
  }

  set dst(value: number) {
    this.write32(DST, value);
  }

  /** Absolute offset of the options area. */
  get optionsOffset(): number {
    return this._offset + IPV4_MIN_HEADER_LENGTH;
  }

  /** Length of the options area, padding included (0..40). */
  get optionsLength(): number {
    return this.headerLength - IPV4_MIN_HEADER_LENGTH;
  }

  /** Absolute offset of the payload. */
  get payloadOffset(): number {
    return this._offset + this.headerLength;
  }

  /** Length of the payload (total length minus header length). */
  get payloadLength(): number {
    return this.totalLength - this.headerLength;
  }

  /** Whether the header checksum is correct. */
  get isChecksumValid(): boolean {
    return isIpv4HeaderChecksumValid(this._bytes, this._offset, this.headerLength);
  }

  /** Recomputes the header checksum after edits and writes it; returns the value written. */
  fillChecksum(): number {
    return fillIpv4HeaderChecksum(this._bytes, this._offset);
  }

  /** Decrements the TTL, patching the checksum incrementally (RFC 1624); returns the new TTL. */
  decrementTtl(): number {
    return decrementIpv4Ttl(this._bytes, this._offset);
  }

  /**
   * Iterates the options as plain objects; never throws. Use `Ipv4OptionCursor` on
   * `optionsOffset`/`optionsLength` to iterate without allocating.
   */
  options(): Generator<Ipv4Option, void, undefined> {
    return ipv4Options(this._bytes, this.optionsOffset, this.optionsLength);
  }

  private setFlag(flag: number, on: boolean): void {
    const word = this.read16(FLAGS_FRAG);
    this.write16(FLAGS_FRAG, on ? word | flag : word & ~flag);
  }




}
