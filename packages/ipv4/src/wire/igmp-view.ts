import { ByteView, internetChecksum, verifyChecksum, type WordView } from '@stack/core';
import {
  IGMP_MIN_LENGTH,
  IGMPV3_QUERY_MIN_LENGTH,
  IGMPV3_RECORD_HEADER_LENGTH,
  IGMPV3_REPORT_HEADER_LENGTH,
  igmpv3CodeValue,
  IgmpType,
} from './igmp-constants.js';

/**
 * Why an IGMP message was refused:
 * - `'truncated'`: shorter than 8 bytes (or the range given is not inside the buffer);
 * - `'bad-checksum'`: the checksum over the whole message (RFC 2236 §2.3, RFC 3376 §4.1.2) is wrong;
 * - `'bad-query-length'`: a Membership Query of 9 to 11 bytes, neither IGMPv1/v2 (8) nor IGMPv3
 *   (12 or more), which RFC 3376 §7.1 says to ignore;
 * - `'bad-source-count'`: an IGMPv3 query whose Number of Sources runs past the message;
 * - `'bad-record-length'`: an IGMPv3 report whose group records (with their sources and auxiliary
 *   data) run past the message.
 * @public
 */
export type IgmpFailure = 'truncated' | 'bad-checksum' | 'bad-query-length' | 'bad-source-count' | 'bad-record-length';

const CHECKSUM = 2;
const GROUP = 4;

/**
 * A re-pointable view over an IGMP message of any version (RFC 1112, RFC 2236, RFC 3376): the whole
 * IP payload, since the checksum covers it all. Call {@link IgmpPacketView.check} after every
 * `reset`; accessors are meaningful only once it returned `null`, and the query and report ones only
 * for messages of that type.
 * @public
 */
export class IgmpPacketView extends ByteView {
  /**
   * Validates the length, the checksum (unless told not to) and, for IGMPv3 queries and reports,
   * that the sources and records fit; `null` when valid. Never throws. Bytes after the last source
   * or record are allowed (RFC 3376 §4.1.10, §4.2.11: covered by the checksum, otherwise ignored).
   * `words`: the buffer's word view (`PacketBuffer.words`), so long reports sum without allocating.
   */
  check(verifyChecksumToo = true, words?: WordView): IgmpFailure | null {
    if (!this.hasAtLeast(IGMP_MIN_LENGTH)) return 'truncated';
    if (verifyChecksumToo && !verifyChecksum(this._bytes, this._offset, this._length, 0, words)) return 'bad-checksum';
    const type = this._bytes[this._offset];
    if (type === IgmpType.MEMBERSHIP_QUERY) {
      if (this._length === IGMP_MIN_LENGTH) return null;
      if (this._length < IGMPV3_QUERY_MIN_LENGTH) return 'bad-query-length';
      if (IGMPV3_QUERY_MIN_LENGTH + 4 * this.read16(10) > this._length) return 'bad-source-count';
      return null;
    }
    if (type === IgmpType.V3_MEMBERSHIP_REPORT) return this.recordsFit() ? null : 'bad-record-length';
    return null;
  }

  /** Whether the Number of Group Records announced in an IGMPv3 report all fit in the message. */
  private recordsFit(): boolean {
    const b = this._bytes;
    const end = this._offset + this._length;
    let at = this._offset + IGMPV3_REPORT_HEADER_LENGTH;
    const count = this.read16(6);
    // Every record takes at least 8 bytes, so the loop ends within length / 8 steps.
    for (let i = 0; i < count; i++) {
      if (at + IGMPV3_RECORD_HEADER_LENGTH > end) return false;
      at += IGMPV3_RECORD_HEADER_LENGTH + 4 * ((b[at + 2] << 8) | b[at + 3]) + 4 * b[at + 1];
      if (at > end) return false;
    }
    return true;
  }

  /** Message type ({@link IgmpType}). */
  get type(): number {
    return this._bytes[this._offset];
  }

  set type(value: number) {
    this._bytes[this._offset] = value;
  }

  /** Second byte: Max Resp Code of a query (v2: tenths of a second; v3: {@link igmpv3CodeValue}); 0 in reports. */
  get code(): number {
    return this._bytes[this._offset + 1];
  }

  set code(value: number) {
    this._bytes[this._offset + 1] = value;
  }

  /** Checksum over the whole message (RFC 2236 §2.3). */
  get checksum(): number {
    return this.read16(CHECKSUM);
  }

  set checksum(value: number) {
    this.write16(CHECKSUM, value);
  }

  /** Group Address (queries: 0 for a general query; v1/v2 reports and leaves: the group), unsigned 32-bit. */
  get group(): number {
    return this.read32(GROUP);
  }

  set group(value: number) {
    this.write32(GROUP, value);
  }

  /**
   * Version of a Membership Query (RFC 3376 §7.1): 1 for 8 bytes with Max Resp Code 0, 2 for 8 bytes
   * with a non-zero one, 3 for 12 bytes or more.
   */
  get queryVersion(): 1 | 2 | 3 {
    if (this._length > IGMP_MIN_LENGTH) return 3;
    return this.code === 0 ? 1 : 2;
  }

  /**
   * Maximum Response Time of a query in ms: 10 s for IGMPv1 (RFC 2236 §4), the code in tenths of a
   * second for IGMPv2 (§2.2), the decoded Max Resp Code in tenths for IGMPv3 (RFC 3376 §4.1.1).
   */
  get maxResponseTimeMs(): number {
    switch (this.queryVersion) {
      case 1:
        return 10_000;
      case 2:
        return this.code * 100;
      default:
        return igmpv3CodeValue(this.code) * 100;
    }
  }

  /** S flag of an IGMPv3 query (RFC 3376 §4.1.5): routers suppress timer updates. */
  get suppress(): boolean {
    return this.queryVersion === 3 && (this._bytes[this._offset + 8] & 0x08) !== 0;
  }

  /** Querier's Robustness Variable of an IGMPv3 query (RFC 3376 §4.1.6); 0 when absent or not v3. */
  get qrv(): number {
    return this.queryVersion === 3 ? this._bytes[this._offset + 8] & 0x07 : 0;
  }

  /** Querier's Query Interval Code of an IGMPv3 query (RFC 3376 §4.1.7); 0 when not v3. */
  get qqic(): number {
    return this.queryVersion === 3 ? this._bytes[this._offset + 9] : 0;
  }

  /** The querier's Query Interval in seconds ({@link igmpv3CodeValue} of the QQIC); 0 when absent. */
  get queryIntervalS(): number {
    return igmpv3CodeValue(this.qqic);
  }

  /** Number of Sources of an IGMPv3 query; 0 for other versions. */
  get sourceCount(): number {
    return this.queryVersion === 3 ? this.read16(10) : 0;
  }

  /** Source `i` of an IGMPv3 query, unsigned 32-bit (no bounds check beyond {@link IgmpPacketView.check}). */
  source(i: number): number {
    return this.read32(IGMPV3_QUERY_MIN_LENGTH + 4 * i);
  }

  /** Number of Group Records of an IGMPv3 report. */
  get recordCount(): number {
    return this.read16(6);
  }

  /** Absolute offset of the first group record of an IGMPv3 report. */
  get recordsOffset(): number {
    return this._offset + IGMPV3_REPORT_HEADER_LENGTH;
  }

  /** Whether the checksum over the whole message is correct. */
  get isChecksumValid(): boolean {
    return verifyChecksum(this._bytes, this._offset, this._length);
  }

  /** Recomputes the checksum over the whole message (`words` as for `check`) and writes it; returns the value written. */
  fillChecksum(words?: WordView): number {
    this.write16(CHECKSUM, 0);
    const checksum = internetChecksum(this._bytes, this._offset, this._length, 0, words);
    this.write16(CHECKSUM, checksum);
    return checksum;
  }
}
