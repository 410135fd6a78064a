export * from './udp-checksum.js';
export * from './udp-view.js';
export * from './udp-header.js';
