import { formatIpv4, NeighbourEntry, type NeighbourState } from '@stack/core';

/** States an ARP entry uses (a subset of RFC 4861 §7.3.2's). @public */
export type ArpState = Extract<NeighbourState, 'incomplete' | 'reachable' | 'stale' | 'permanent' | 'failed'>;

/**
 * One neighbour of one interface: its IPv4 address (unsigned 32-bit) and ARP's request state, on
 * the core {@link NeighbourEntry} (link address, state, queued packets, timer).
 *
 * The timer means, by state: incomplete → send the next request or give up; reachable → turn
 * stale; stale → send the next refresh probe, or forget the entry when it is not being probed;
 * failed → forget the entry; permanent → nothing.
 * @internal
 */
export class ArpEntry extends NeighbourEntry<ArpState> {
  /** Requests (or refresh probes) sent since the last confirmation. */
  requests = 0;
  /** Our address to ask from (the source of the first packet that needed it). */
  requestSource = 0;

  constructor(
    ifindex: number,
    readonly address: number,
    hardwareLength: number,
  ) {
    super(ifindex, hardwareLength, 'incomplete');
  }

  get addressText(): string {
    return formatIpv4(this.address);
  }

  compare(other: ArpEntry): number {
    return this.address - other.address;
  }
}
