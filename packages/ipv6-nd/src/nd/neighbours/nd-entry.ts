import type { NeighbourState, NeighbourTransmit, PacketBuffer, Timer } from '@stack/core';
import { word } from '../runtime/address-words.js';

/** States of an IPv6 neighbour cache entry (RFC 4861 §7.3.2) plus permanent (static) entries. @public */
export type NdNeighbourState = Extract<NeighbourState, 'incomplete' | 'reachable' | 'stale' | 'delay' | 'probe' | 'permanent'>;

/**
 * One neighbour of one interface. The timer means, by state: incomplete → next multicast
 * solicitation or give up; reachable → check whether ReachableTime has passed since the last
 * confirmation; stale → forget the unused entry; delay → start probing; probe → next unicast
 * solicitation or give up; permanent → nothing.
 * @internal
 */
export class NdEntry {
  readonly w0: number;
  readonly w1: number;
  readonly w2: number;
  readonly w3: number;
  nextInBucket: NdEntry | null = null;
  /** Neighbours of the cache in eviction order (least recently confirmed first); unused for permanent entries. */
  lruPrev: NdEntry | null = null;
  lruNext: NdEntry | null = null;

  /** The neighbour's address (own copy). */
  readonly address: Uint8Array;
  state: NdNeighbourState = 'incomplete';
  /** Valid unless the state is incomplete. */
  readonly linkAddress: Uint8Array;
  /** IsRouter (RFC 4861 §7.3.2 / §7.2.5). */
  isRouter = false;
  /** Solicitations sent in the current incomplete or probe phase. */
  probes = 0;
  /** Clock time of the last reachability confirmation. */
  confirmedAt = 0;
  /** The source of the packet that started resolution (RFC 4861 §7.2.2), valid when `hasSolicitSource`. */
  readonly solicitSource = new Uint8Array(16);
  hasSolicitSource = false;
  readonly queue: PacketBuffer[] = [];
  readonly transmits: NeighbourTransmit[] = [];
  timer: Timer | null = null;

  constructor(
    readonly ifindex: number,
    address: Uint8Array,
    at: number,
    linkLength: number,
  ) {
    this.address = address.slice(at, at + 16);
    this.w0 = word(this.address, 0);
    this.w1 = word(this.address, 4);
    this.w2 = word(this.address, 8);
    this.w3 = word(this.address, 12);
    this.linkAddress = new Uint8Array(linkLength);
  }

  get isDynamic(): boolean {
    return this.state !== 'permanent';
  }

  /** Queue `buf`; returns the packet pushed out to stay within `max`, or null. */
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

  /** Whether the link address equals `bytes[at..at+length)`. */
  hasLinkAddress(bytes: Uint8Array, at: number, length: number): boolean {
    if (length < this.linkAddress.length) return false;
    const own = this.linkAddress;
    for (let i = 0; i < own.length; i++) if (own[i] !== bytes[at + i]) return false;
    return true;
  }

  setLinkAddress(bytes: Uint8Array, at: number): void {
    const own = this.linkAddress;
    for (let i = 0; i < own.length; i++) own[i] = bytes[at + i];
  }

  /** Release every queued packet; returns how many there were. */
  releaseQueue(): number {
    const n = this.queue.length;
    for (let i = 0; i < n; i++) this.queue[i].release();
    this.queue.length = 0;
    this.transmits.length = 0;
    return n;
  }

  /** The entry is going away: stop its timer, drop its queue; returns the packets dropped. */
  dispose(): number {
    this.timer?.dispose();
    this.timer = null;
    return this.releaseQueue();
  }
}
