import { ByteView, isValidRegion, type WordView } from '@stack/core';
import { fillUdpChecksum, isUdpChecksumValid } from './udp-checksum.js';

/**
 * Why a UDP datagram was refused:
 * - `'truncated'`: fewer than 8 bytes (or the range given is not inside the buffer);
 * - `'bad-length'`: the length field is below 8 or above the bytes the network layer delivered;
 * - `'missing-checksum'`: a zero checksum where the network layer requires one (IPv6, RFC 8200 §8.1);
 * - `'bad-checksum'`: the checksum is wrong.
 * @public
 */
export type UdpFailure = 'truncated' | 'bad-length' | 'missing-checksum' | 'bad-checksum';

/**
 * Length of the UDP header.
 * @public
 */
export const UDP_HEADER_LENGTH = 8;

const SRC_PORT = 0;
const DST_PORT = 2;
const LENGTH = 4;
const CHECKSUM = 6;

/**
 * A re-pointable view over a UDP datagram (RFC 768). Call {@link UdpDatagramView.check} after every
 * {@link UdpDatagramView.reset}; accessors are only meaningful once it returned `null`. The
 * datagram is `datagramLength` bytes long; extra bytes delivered after it are not part of it.
 * @public
 */
export class UdpDatagramView extends ByteView {


  /**
   * Validates the datagram; `null` when valid. Never throws.
   * @param pseudoSum - the pseudo-header partial sum (with the UDP length); omit it to skip checksum
   *   verification (checksum offload).
   * @param zeroChecksumMeansNone - whether a zero checksum field means "not computed" and is
   *   accepted: true over IPv4 (RFC 768), false over IPv6 (RFC 8200 §8.1).
   * @param words - the `WordView` of the viewed bytes (`PacketBuffer.words`): long datagrams are
   *   then verified without allocating.
   */
  check(pseudoSum?: number, zeroChecksumMeansNone = true, words?: WordView): UdpFailure | null {
    if (!isValidRegion(this._bytes, this._offset, this._length) || this._length < UDP_HEADER_LENGTH) {
      return 'truncated';
    }
    const datagramLength = this.datagramLength;
    if (datagramLength < UDP_HEADER_LENGTH || datagramLength > this._length) return 'bad-length';
    if (pseudoSum === undefined) return null;
    if (this.checksum === 0) return zeroChecksumMeansNone ? null : 'missing-checksum';
    if (!isUdpChecksumValid(this._bytes, this._offset, datagramLength, pseudoSum, words)) return 'bad-checksum';
    return null;
  }

  /** Source port. */
  get srcPort(): number {
    return this.read16(SRC_PORT);
  }

  set srcPort(value: number) {
    this.write16(SRC_PORT, value);
  }

  /** Destination port. */
  get dstPort(): number {
    return this.read16(DST_PORT);
  }

  set dstPort(value: number) {
    this.write16(DST_PORT, value);
  }

  /** The length field: header plus payload, in bytes. */
  get datagramLength(): number {
    return this.read16(LENGTH);
  }

  set datagramLength(value: number) {
    this.write16(LENGTH, value);
  }

  /** Checksum field as stored; 0 means none was computed. */
  get checksum(): number {
    return this.read16(CHECKSUM);
  }

  set checksum(value: number) {
    this.write16(CHECKSUM, value);
  }

  /** Absolute offset of the payload. */
  get payloadOffset(): number {
    return this._offset + UDP_HEADER_LENGTH;
  }

  /** Length of the payload, from the length field. */
  get payloadLength(): number {
    return this.datagramLength - UDP_HEADER_LENGTH;
  }

  /**
   * Computes the checksum over `datagramLength` bytes and writes it (0 sent as 0xffff). `words` is
   * as for {@link UdpDatagramView.check}.
   */
  fillChecksum(pseudoSum: number, words?: WordView): number {
    return fillUdpChecksum(this._bytes, this._offset, this.datagramLength, pseudoSum, words);
  }


}
