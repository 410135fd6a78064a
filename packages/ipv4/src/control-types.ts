import type { PathMtuInfo, ReassemblyUsage as CoreReassemblyUsage } from '@stack/core';
import type { Ipv4MulticastInterface } from './igmp/igmp-types.js';

/** Reassembly usage, for listings and tests (the core `ReassemblyUsage`). @public */
export type ReassemblyUsage = CoreReassemblyUsage;

/**
 * Run-time control of the `ipv4` module.
 * @public
 */
export interface Ipv4Control {
  /** Whether packets not addressed to this stack are forwarded (RFC 1812); a host leaves it off. */
  forwarding: boolean;
  /** TTL of datagrams this stack originates. */
  readonly defaultTtl: number;
  reassemblyUsage(): ReassemblyUsage;
  /** Multicast groups joined per interface, with each interface's IGMP state (`netstat -g`, `ifmcstat`). */
  multicast(): Ipv4MulticastInterface[];
  /** The path MTU cache (RFC 1191), by destination. */
  pathMtus(): PathMtuInfo[];
  /** Forget every learnt path MTU. */
  flushPathMtus(): void;
}
