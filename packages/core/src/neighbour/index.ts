// The mechanics neighbour resolvers (ARP, ND) share: entries with bounded queues, the cache bound
// and eviction order, listings, link address text, and repeated announcements.
export { NeighbourEntry } from './neighbour-entry.js';
export { NeighbourEviction } from './neighbour-eviction.js';
export { listNeighbours, type ListedNeighbourCache } from './neighbour-listing.js';
export { formatLinkAddress, parseLinkAddress, parseStaticLinkAddress } from './link-address-text.js';
export { AnnouncementSeries, type AnnouncementSender } from './announcements.js';
