import { ByteView, isValidRegion } from '@stack/core';

/**
 * Why an ND or MLD message could not be read at all: `'truncated'` when it is shorter than the
 * fixed part of its type (or the range given is not inside the buffer), `'wrong-type'` when the
 * type byte is not the view's.
 * @public
 */
export type NdMessageFailure = 'truncated' | 'wrong-type';

/**
 * Base of the ND message views: an ICMPv6 message of one type with a fixed part and options.
 * Call `check()` after every `reset()`; the accessors are meaningful only once it returned null.
 * The view covers exactly the ICMPv6 message (the IPv6 payload length bounds it).
 * @public
 */
export abstract class NdMessageView extends ByteView {
  /** The ICMPv6 type this view reads. */
  abstract readonly messageType: number;
  /** Bytes before the options (ICMPv6 header included). */
  abstract readonly fixedLength: number;

  /** `null` when the bytes hold a message of this type with its whole fixed part. Never throws. */
  check(): NdMessageFailure | null {
    if (!isValidRegion(this._bytes, this._offset, this._length) || this._length < this.fixedLength) return 'truncated';
    if (this._bytes[this._offset] !== this.messageType) return 'wrong-type';
    return null;
  }

  get type(): number {
    return this._bytes[this._offset];
  }
  set type(value: number) {
    this._bytes[this._offset] = value;
  }
  get code(): number {
    return this._bytes[this._offset + 1];
  }
  set code(value: number) {
    this._bytes[this._offset + 1] = value;
  }
  get checksum(): number {
    return this.read16(2);
  }
  set checksum(value: number) {
    this.write16(2, value);
  }

  /** Absolute offset in {@link ByteView.bytes} where the options start. */
  get optionsOffset(): number {
    return this._offset + this.fixedLength;
  }
  /** Absolute offset where the message ends. */
  get end(): number {
    return this._offset + this._length;
  }
}
