import { NeighbourEviction } from '@stack/core';
import { AddressMap } from '../runtime/address-map.js';
import type { NdEntry } from './nd-entry.js';

/**
 * The neighbour cache of one interface: entries by address ({@link AddressMap}, allocation-free
 * lookups from packet bytes) with the core {@link NeighbourEviction} bound and order (least
 * recently used first). Only dynamic entries count towards the bound.
 * @internal
 */
export class NeighbourCache {
  private readonly map = new AddressMap<NdEntry>();
  private readonly eviction: NeighbourEviction<NdEntry>;

  constructor(
    readonly ifindex: number,
    maxEntries: number,
  ) {
    this.eviction = new NeighbourEviction(maxEntries);
  }

  get(bytes: Uint8Array, at: number): NdEntry | undefined {
    return this.map.get(bytes, at);
  }

  get size(): number {
    return this.map.size;
  }

  get dynamicSize(): number {
    return this.eviction.dynamicSize;
  }

  get isFull(): boolean {
    return this.eviction.isFull;
  }

  add(entry: NdEntry): void {
    this.map.add(entry);
    this.eviction.added(entry);
  }

  delete(entry: NdEntry): boolean {
    if (!this.map.delete(entry)) return false;
    this.eviction.removed(entry);
    return true;
  }

  /** Move a dynamic entry to the most recently used end of the eviction order (used or confirmed); O(1). */
  touch(entry: NdEntry): void {
    this.eviction.touch(entry);
  }

  /** The entry changed between dynamic and permanent. */
  retype(entry: NdEntry, wasDynamic: boolean): void {
    this.eviction.retyped(entry, wasDynamic);
  }

  /** The dynamic entry to evict (see {@link NeighbourEviction.victim}). */
  victim(): NdEntry | undefined {
    return this.eviction.victim();
  }

  values(): NdEntry[] {
    return this.map.values();
  }
}
