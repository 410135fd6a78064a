import { NdMessageType } from './nd-constants.js';
import { NdMessageView } from './nd-message-view.js';

/** Neighbor Solicitation (RFC 4861 §4.3): header, 4 reserved bytes, Target Address, options. @public */
export class NeighborSolicitationView extends NdMessageView {
  readonly messageType = NdMessageType.NEIGHBOR_SOLICITATION;
  readonly fixedLength = 24;

  /** Absolute offset of the 16-byte target address. */
  get targetOffset(): number {
    return this._offset + 8;
  }
}
