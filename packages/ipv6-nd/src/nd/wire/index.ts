// Wire formats of neighbour discovery (RFC 4861 §4) and MLD (RFC 3810 §5, RFC 2710): checked views
// for the receive path, plain objects with parse/emit/length for everything else.
export * from './nd-constants.js';
export { NdOptionScan, findNdOption, type NdOptionFailure } from './nd-option-scan.js';
export { NdMessageView, type NdMessageFailure } from './nd-message-view.js';
export { RouterSolicitationView } from './router-solicitation-view.js';
export { RouterAdvertisementView } from './router-advertisement-view.js';
export { NeighborSolicitationView } from './neighbor-solicitation-view.js';
export { NeighborAdvertisementView } from './neighbor-advertisement-view.js';
export { RedirectView } from './redirect-view.js';
export * from './nd-option.js';
export * from './nd-message.js';
export * from './mld-codes.js';
export * from './mld-query.js';
export * from './mld-report.js';
export * from './mldv1-message.js';
