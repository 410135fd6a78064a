import type { PathMtuInfo as CorePathMtuInfo, ReassemblyUsage } from '@stack/core';

/** Reassembly usage, for listings and tests (the core `ReassemblyUsage`). @public */
export type Ipv6ReassemblyUsage = ReassemblyUsage;

/**
 * One entry of the path MTU cache (RFC 8201; the core `PathMtuInfo`): destination as RFC 5952
 * text, the MTU learnt from a packet too big message (never below 1280), and the milliseconds
 * until it ages out and the larger MTU is tried again.
 * @public
 */
export type PathMtuInfo = CorePathMtuInfo;

/**
 * Run-time control of the `ipv6` module.
 * @public
 */
export interface Ipv6Control {
  /** Whether packets not addressed to this stack are forwarded (a router); a host leaves it off. */
  forwarding: boolean;
  /** Hop limit of packets this stack originates when neither the sender nor a router advertisement sets one. */
  readonly defaultHopLimit: number;
  reassemblyUsage(): Ipv6ReassemblyUsage;
  /** The path MTU cache, by destination. */
  pathMtus(): PathMtuInfo[];
  /** Forget every learnt path MTU. */
  flushPathMtus(): void;
}
