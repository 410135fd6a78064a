import { NdMessageType } from './nd-constants.js';
import { NdMessageView } from './nd-message-view.js';

/** Router Solicitation (RFC 4861 §4.1): header, 4 reserved bytes, options. @public */
export class RouterSolicitationView extends NdMessageView {
  readonly messageType = NdMessageType.ROUTER_SOLICITATION;
  readonly fixedLength = 8;
}
