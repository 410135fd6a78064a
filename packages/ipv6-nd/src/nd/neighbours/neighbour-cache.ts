import { AddressMap } from '../runtime/address-map.js';
import type { NdEntry } from './nd-entry.js';

/**
 * The neighbour cache of one interface: entries by address ({@link AddressMap}, allocation-free
 * lookups from packet bytes) plus an intrusive list of the dynamic entries, least recently
 * confirmed first, which is the eviction order. Only dynamic entries count towards the bound.
 * @internal
 */
export class NeighbourCache {
  private readonly map = new AddressMap<NdEntry>();
  private head: NdEntry | null = null;
  private tail: NdEntry | null = null;
  private dynamicCount = 0;

  constructor(
    readonly ifindex: number,
    readonly maxEntries: number,
  ) {}

  get(bytes: Uint8Array, at: number): NdEntry | undefined {
    return this.map.get(bytes, at);
  }

  get size(): number {
    return this.map.size;
  }

  get dynamicSize(): number {
    return this.dynamicCount;
  }

  get isFull(): boolean {
    return this.dynamicCount >= this.maxEntries;
  }

  add(entry: NdEntry): void {
    this.map.add(entry);
    if (entry.isDynamic) this.link(entry);
  }

  delete(entry: NdEntry): boolean {
    if (!this.map.delete(entry)) return false;
    if (entry.isDynamic) this.unlink(entry);
    return true;
  }

  /** Move a dynamic entry to the back of the eviction order (it was just confirmed). */
  touch(entry: NdEntry): void {
    if (!entry.isDynamic || this.tail === entry) return;
    this.unlink(entry);
    this.link(entry);
  }

  /** The entry changed between dynamic and permanent. */
  retype(entry: NdEntry, wasDynamic: boolean): void {
    if (wasDynamic === entry.isDynamic) return;
    if (entry.isDynamic) this.link(entry);
    else this.unlink(entry);
  }

  /**
   * The dynamic entry to evict: the least recently confirmed stale one, else the least recently
   * confirmed entry in any resolved state, else the oldest unresolved one.
   */
  victim(): NdEntry | undefined {
    let resolved: NdEntry | undefined;
    let incomplete: NdEntry | undefined;
    for (let e = this.head; e !== null; e = e.lruNext) {
      if (e.state === 'stale') return e;
      if (e.state === 'incomplete') incomplete ??= e;
      else resolved ??= e;
    }
    return resolved ?? incomplete;
  }

  values(): NdEntry[] {
    return this.map.values();
  }

  private link(entry: NdEntry): void {
    entry.lruPrev = this.tail;
    entry.lruNext = null;
    if (this.tail !== null) this.tail.lruNext = entry;
    else this.head = entry;
    this.tail = entry;
    this.dynamicCount++;
  }

  private unlink(entry: NdEntry): void {
    if (entry.lruPrev !== null) entry.lruPrev.lruNext = entry.lruNext;
    else this.head = entry.lruNext;
    if (entry.lruNext !== null) entry.lruNext.lruPrev = entry.lruPrev;
    else this.tail = entry.lruPrev;
    entry.lruPrev = entry.lruNext = null;
    this.dynamicCount--;
  }
}
