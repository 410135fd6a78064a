// Packet buffers with headroom and per-packet metadata, and the pool that recycles them.
export type { PacketAllocator, PacketBufferOwner } from './packet-buffer.js';
export { PacketBuffer } from './packet-buffer.js';
export { LinkRxFlags, PacketFlags } from './packet-flags.js';
export type { PacketPoolOptions, PacketPoolStats } from './packet-pool.js';
export { PacketPool } from './packet-pool.js';
