import type { ReassemblyUsage as CoreReassemblyUsage } from '@stack/core';

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
}
