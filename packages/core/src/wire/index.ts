export { ByteView, isValidRegion } from './byte-view.js';
export { IcmpHeaderView, ICMP_HEADER_LENGTH } from './icmp-header-view.js';
