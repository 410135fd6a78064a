import { NaFlags, NdMessageType } from './nd-constants.js';
import { NdMessageView } from './nd-message-view.js';

/** Neighbor Advertisement (RFC 4861 §4.4): R/S/O flags, Target Address, options. @public */
export class NeighborAdvertisementView extends NdMessageView {
  readonly messageType = NdMessageType.NEIGHBOR_ADVERTISEMENT;
  readonly fixedLength = 24;

  /** The flags byte (R 0x80, S 0x40, O 0x20; the rest is reserved). */
  get flags(): number {
    return this._bytes[this._offset + 4];
  }
  set flags(value: number) {
    this._bytes[this._offset + 4] = value;
  }
  get router(): boolean {
    return (this.flags & NaFlags.ROUTER) !== 0;
  }
  get solicited(): boolean {
    return (this.flags & NaFlags.SOLICITED) !== 0;
  }
  get override(): boolean {
    return (this.flags & NaFlags.OVERRIDE) !== 0;
  }
  /** Absolute offset of the 16-byte target address. */
  get targetOffset(): number {
    return this._offset + 8;
  }
}
