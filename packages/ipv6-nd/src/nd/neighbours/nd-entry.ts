import { NeighbourEntry, type NeighbourState } from '@stack/core';
import { formatIpv6Bytes } from '../runtime/ipv6-text.js';
import { word } from '../runtime/address-words.js';

/** States of an IPv6 neighbour cache entry (RFC 4861 §7.3.2) plus permanent (static) entries. @public */
export type NdNeighbourState = Extract<NeighbourState, 'incomplete' | 'reachable' | 'stale' | 'delay' | 'probe' | 'permanent'>;

/**
 * One neighbour of one interface: its IPv6 address and the state of neighbour unreachability
 * detection, on the core {@link NeighbourEntry} (link address, state, IsRouter, queued packets,
 * timer). The timer means, by state: incomplete → next multicast solicitation or give up;
 * reachable → check whether ReachableTime has passed since the last confirmation; stale → forget
 * the unused entry; delay → start probing; probe → next unicast solicitation or give up;
 * permanent → nothing.
 * @internal
 */
export class NdEntry extends NeighbourEntry<NdNeighbourState> {
  readonly w0: number;
  readonly w1: number;
  readonly w2: number;
  readonly w3: number;
  nextInBucket: NdEntry | null = null;

  /** The neighbour's address (own copy). */
  readonly address: Uint8Array;
  /** Solicitations sent in the current incomplete or probe phase. */
  probes = 0;
  /** Clock time of the last reachability confirmation. */
  confirmedAt = 0;
  /** The source of the packet that started resolution (RFC 4861 §7.2.2), valid when `hasSolicitSource`. */
  readonly solicitSource = new Uint8Array(16);
  hasSolicitSource = false;

  constructor(ifindex: number, address: Uint8Array, at: number, linkLength: number) {
    super(ifindex, linkLength, 'incomplete');
    this.address = address.slice(at, at + 16);
    this.w0 = word(this.address, 0);
    this.w1 = word(this.address, 4);
    this.w2 = word(this.address, 8);
    this.w3 = word(this.address, 12);
  }

  get addressText(): string {
    return formatIpv6Bytes(this.address);
  }

  compare(other: NdEntry): number {
    return this.w0 !== other.w0 ? this.w0 - other.w0 : this.w1 !== other.w1 ? this.w1 - other.w1 : this.w2 !== other.w2 ? this.w2 - other.w2 : this.w3 - other.w3;
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
}
