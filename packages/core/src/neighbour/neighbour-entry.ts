import type { Counter } from '../counters/index.js';
import type { PacketBuffer } from '../buffer/index.js';
import type { NeighbourInfo, NeighbourState, NeighbourTransmit } from '../contracts/neighbour.js';
import type { NetInterface } from '../engine/interface.js';
import type { Timer } from '../time/index.js';
import { formatLinkAddress } from './link-address-text.js';

/**
 * What a neighbour cache entry of any resolver (ARP, ND) has: its state, the link address, the
 * bounded queue of packets waiting for resolution with the function that sends each, the timer of
 * its next state change, and its place in the cache's eviction order
 * ({@link NeighbourEviction}). A resolver subclasses it with its address and protocol state.
 * @public
 */
export abstract class NeighbourEntry<S extends NeighbourState = NeighbourState> {
  state: S;
  /** Valid once resolved (not while incomplete, nor failed). */
  readonly linkAddress: Uint8Array;
  /** IsRouter (RFC 4861 §7.3.2); always false for ARP. */
  isRouter = false;
  /** Packets waiting for the link address, oldest first, and the function sending each. */
  readonly queue: PacketBuffer[] = [];
  readonly transmits: NeighbourTransmit[] = [];
  timer: Timer | null = null;
  /** Neighbours before and after this one in the eviction order (dynamic entries only). */
  lruPrev: this | null = null;
  lruNext: this | null = null;

  constructor(
    readonly ifindex: number,
    linkLength: number,
    state: S,
  ) {
    this.state = state;
    this.linkAddress = new Uint8Array(linkLength);
  }

  /** The neighbour's address as text, for listings. */
  abstract get addressText(): string;

  /** Orders entries of one cache by address, for listings. */
  abstract compare(other: this): number;

  /** Learnt (and forgotten) by the protocol; permanent entries are the administrator's. */
  get isDynamic(): boolean {
    return this.state !== 'permanent';
  }

  /**
   * Queue `buf` until the address resolves, within `max` packets: beyond it the oldest is dropped,
   * counted in `overflow` and the interface's `txDropped`. With `max` 0 `buf` itself is dropped.
   */
  enqueue(ifp: NetInterface, buf: PacketBuffer, transmit: NeighbourTransmit, max: number, overflow: Counter): void {
    let dropped: PacketBuffer | null = buf;
    if (max > 0) {
      dropped = null;
      if (this.queue.length >= max) {
        dropped = this.queue.shift()!;
        this.transmits.shift();
      }
      this.queue.push(buf);
      this.transmits.push(transmit);
    }
    if (dropped === null) return;
    ifp.counters.txDropped++;
    overflow.inc();
    dropped.release();
  }

  /** Resolved: send every queued packet to `linkAddress`, oldest first. */
  flushQueue(ifp: NetInterface): void {
    if (this.queue.length === 0) return;
    const queue = this.queue.splice(0);
    const transmits = this.transmits.splice(0);
    for (let i = 0; i < queue.length; i++) transmits[i](ifp, queue[i], this.linkAddress);
  }

  /** Resolution failed: the queued packets, handed over to the caller (who reports and releases them). */
  takeQueue(): PacketBuffer[] {
    this.transmits.length = 0;
    return this.queue.splice(0);
  }

  /** Release every queued packet; returns how many there were. */
  releaseQueue(): number {
    const n = this.queue.length;
    for (let i = 0; i < n; i++) this.queue[i].release();
    this.queue.length = 0;
    this.transmits.length = 0;
    return n;
  }

  /** The entry is going away: dispose of its timer and drop its queue; returns the packets dropped. */
  dispose(): number {
    this.timer?.dispose();
    this.timer = null;
    return this.releaseQueue();
  }

  /** The entry for `arp -a` / `ndp -a`; `now` on the clock of its timer. */
  info(now: number): NeighbourInfo {
    const known = this.state !== 'incomplete' && this.state !== 'failed';
    return {
      ifindex: this.ifindex,
      address: this.addressText,
      linkAddress: known ? formatLinkAddress(this.linkAddress) : null,
      state: this.state,
      isRouter: this.isRouter,
      expiresIn: this.timer !== null && this.timer.active ? this.timer.deadline - now : NaN,
      queued: this.queue.length,
    };
  }
}
