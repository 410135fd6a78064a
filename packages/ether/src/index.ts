/**
 * @stack/ether: Ethernet II link layer (DESIGN.md §4): checked parsing, destination filtering,
 * multicast membership, dispatch by ethertype and output with neighbour resolution.
 * @packageDocumentation
 */
export * from './wire/index.js';
export { etherModule } from './ether-module.js';
export type { EtherOptions } from './ether-options.js';
export { EthernetLinkLayer } from './ethernet-link-layer.js';
export { EtherOutputHook, EtherPreInputHook } from './ether-hook-points.js';
export { EtherMulticastGroups, LinkMulticastGroups } from './multicast-groups.js';
