export * from './arp-constants.js';
export * from './arp-view.js';
export * from './arp-header.js';
