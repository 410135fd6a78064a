export * from './ethertype.js';
export * from './mac.js';
export * from './vlan.js';
export * from './padding.js';
export * from './ethernet-view.js';
export * from './ethernet-header.js';
