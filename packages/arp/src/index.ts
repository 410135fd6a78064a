/**
 * @stack/arp: ARP (RFC 826) for IPv4 over any link with hardware addresses: neighbour cache with
 * states, bounded queues, retries and host-unreachable, static entries, gratuitous ARP and RFC 5227
 * conflict detection.
 * @packageDocumentation
 */
export * from './wire/index.js';
export { arpModule } from './arp-module.js';
export type { ArpOptions } from './arp-options.js';
export { ArpResolver } from './arp-resolver.js';
export { ArpEvents, type ArpConflictEvent } from './arp-events.js';
export { ARP_ETHERTYPE } from './arp-ethertype.js';
export type { ArpState } from './arp-entry.js';
