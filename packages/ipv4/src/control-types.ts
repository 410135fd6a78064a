/**
 * Reassembly usage, for listings and tests.
 * @public
 */
export interface ReassemblyUsage {
  /** Datagrams being reassembled (including discarded ones still absorbing late fragments). */
  readonly datagrams: number;
  /** Bytes of payload storage held. */
  readonly bytes: number;
}

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
