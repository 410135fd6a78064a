import { NeighbourEviction } from '@stack/core';
import type { ArpEntry } from './arp-entry.js';

/**
 * The neighbour cache of one interface, keyed by unsigned 32-bit IPv4 address, with the core
 * {@link NeighbourEviction} bound and order (least recently used first). Only dynamic entries
 * count towards the bound; static ones are the administrator's and are never evicted.
 * @internal
 */
export class ArpCache {
  private readonly entries = new Map<number, ArpEntry>();
  private readonly eviction: NeighbourEviction<ArpEntry>;

  constructor(
    readonly ifindex: number,
    maxEntries: number,
  ) {
    this.eviction = new NeighbourEviction(maxEntries);
  }

  get(address: number): ArpEntry | undefined {
    return this.entries.get(address);
  }

  get size(): number {
    return this.entries.size;
  }

  get dynamicSize(): number {
    return this.eviction.dynamicSize;
  }

  /** Whether a new dynamic entry needs an eviction first. */
  get isFull(): boolean {
    return this.eviction.isFull;
  }

  add(entry: ArpEntry): void {
    this.entries.set(entry.address, entry);
    this.eviction.added(entry);
  }

  /** Remove `entry` from the map (the caller disposes of it). */
  delete(entry: ArpEntry): void {
    if (this.entries.get(entry.address) !== entry) return;
    this.entries.delete(entry.address);
    this.eviction.removed(entry);
  }

  /**
   * Move `entry` to the most recently used end of the eviction order (used or confirmed); O(1),
   * called per packet. An entry no longer in the cache is left alone (core checks its links).
   */
  touch(entry: ArpEntry): void {
    this.eviction.touch(entry);
  }

  /** An entry changed between dynamic and static. */
  retype(entry: ArpEntry, wasDynamic: boolean): void {
    this.eviction.retyped(entry, wasDynamic);
  }

  /** The dynamic entry to evict (see {@link NeighbourEviction.victim}). */
  victim(): ArpEntry | undefined {
    return this.eviction.victim();
  }

  values(): IterableIterator<ArpEntry> {
    return this.entries.values();
  }
}
