import { NdMessageType } from './nd-constants.js';
import { NdMessageView } from './nd-message-view.js';

/** Redirect (RFC 4861 §4.5): 4 reserved bytes, Target Address, Destination Address, options. @public */
export class RedirectView extends NdMessageView {
  readonly messageType = NdMessageType.REDIRECT;
  readonly fixedLength = 40;

  /** Absolute offset of the 16-byte target (the better first hop). */
  get targetOffset(): number {
    return this._offset + 8;
  }
  /** Absolute offset of the 16-byte destination being redirected. */
  get destinationOffset(): number {
    return this._offset + 24;
  }
}
