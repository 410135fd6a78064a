import { internetChecksum, verifyChecksum, IcmpHeaderView, isValidRegion, type WordView } from '@stack/core';
import { ICMPV4_HEADER_LENGTH } from './icmp-constants.js';

/**
 * Why an ICMPv4 message was refused:
 * - `'truncated'`: shorter than the 8-byte header (or the range given is not inside the buffer);
 * - `'bad-checksum'`: the checksum over the whole message is wrong.
 * @public
 */
export type Icmpv4Failure = 'truncated' | 'bad-checksum';

const CHECKSUM = 2;
const REST = 4;

/**
 * A re-pointable view over an ICMPv4 message (RFC 792): the whole IP payload, since the checksum
 * covers it all. Call {@link Icmpv4PacketView.check} after every `reset`; accessors are only
 * meaningful once it returned `null`. The fields ICMPv6 shares (type, code, checksum, rest of
 * header, echo identifier and sequence, data) come from the core `IcmpHeaderView`; the
 * rest-of-header accessors here read the same four bytes under the names each ICMPv4 type gives
 * them.
 * @public
 */
export class Icmpv4PacketView extends IcmpHeaderView {
  /** Validates length and checksum (unless told not to; `words`: `PacketBuffer.words`); null if valid. Never throws. */
  check(verifyChecksumToo = true, words?: WordView): Icmpv4Failure | null {
    if (!isValidRegion(this._bytes, this._offset, this._length) || this._length < ICMPV4_HEADER_LENGTH) {
      return 'truncated';
    }
    if (verifyChecksumToo && !verifyChecksum(this._bytes, this._offset, this._length, 0, words)) return 'bad-checksum';
    return null;
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

  /** Whether the checksum over the whole message is correct. */
  get isChecksumValid(): boolean {
    return verifyChecksum(this._bytes, this._offset, this._length);
  }

  /** Recomputes the checksum over the whole message (`words` as for `check`), writes and returns it. */
  fillChecksum(words?: WordView): number {
    this.write16(CHECKSUM, 0);
    const checksum = internetChecksum(this._bytes, this._offset, this._length, 0, words);
    this.write16(CHECKSUM, checksum);
    return checksum;
  }
}
