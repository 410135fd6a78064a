import type { NeighbourState, NeighbourTransmit, PacketBuffer, Timer } from '@stack/core';

/** States an ARP entry uses (a subset of RFC 4861 §7.3.2's). @public */
export type ArpState = Extract<NeighbourState, 'incomplete' | 'reachable' | 'stale' | 'permanent' | 'failed'>;

/**
 * One neighbour of one interface: its IPv4 address (unsigned 32-bit), link address, state, the
 * packets waiting for it and the timer that moves it to its next state.
 *
 * The timer means, by state: incomplete → send the next request or give up; reachable → turn
 * stale; stale → send the next refresh probe, or forget the entry when it is not being probed;
 * failed → forget the entry; permanent → nothing.
 * @internal
 */
export class ArpEntry {
  state: ArpState = 'incomplete';
  /** Valid once the state is not incomplete (and not failed after an unanswered resolution). */
  readonly linkAddress: Uint8Array;
  /** Requests (or refresh probes) sent since the last confirmation. */
  requests = 0;
  /** Our address to ask from (the source of the first packet that needed it). */
  requestSource = 0;
  readonly queue: PacketBuffer[] = [];
  readonly transmits: NeighbourTransmit[] = [];
  timer: Timer | null = null;

  constructor(
    readonly ifindex: number,
    readonly address: number,
    hardwareLength: number,
  ) {
    this.linkAddress = new Uint8Array(hardwareLength);
  }

  get isDynamic(): boolean {
    return this.state !== 'permanent';
  }

  /** Queue `buf` for when the address resolves; returns the packet pushed out to stay within `max`, or null. */
  enqueue(buf: PacketBuffer, transmit: NeighbourTransmit, max: number): PacketBuffer | null {
    if (max === 0) return buf;
    let dropped: PacketBuffer | null = null;
    if (this.queue.length >= max) {
      dropped = this.queue.shift()!;
      this.transmits.shift();
    }
    this.queue.push(buf);
    this.transmits.push(transmit);
    return dropped;
  }

  /** Release every queued packet; returns how many there were. */
  releaseQueue(): number {
    const n = this.queue.length;
    for (let i = 0; i < n; i++) this.queue[i].release();
    this.queue.length = 0;
    this.transmits.length = 0;
    return n;
  }

  /** Stop and dispose of the timer (the entry is going away). */
  dispose(): number {
    this.timer?.dispose();
    this.timer = null;
    return this.releaseQueue();
  }
}
