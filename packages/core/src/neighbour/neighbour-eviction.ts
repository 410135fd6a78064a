import type { NeighbourEntry } from './neighbour-entry.js';

/**
 * The bound and eviction order of one neighbour cache: an intrusive list of its dynamic entries,
 * least recently confirmed first (an entry moves to the back when {@link NeighbourEviction.touch}
 * confirms it). Only dynamic entries count towards the bound; permanent ones are the
 * administrator's and are never evicted. Allocation-free.
 * @public
 */
export class NeighbourEviction<E extends NeighbourEntry> {
  private head: E | null = null;
  private tail: E | null = null;
  private count = 0;

  constructor(readonly maxEntries: number) {}

  /** Dynamic entries held. */
  get dynamicSize(): number {
    return this.count;
  }

  /** Whether a new dynamic entry needs an eviction first. */
  get isFull(): boolean {
    return this.count >= this.maxEntries;
  }

  /** `entry` joined the cache. */
  added(entry: E): void {
    if (entry.isDynamic) this.link(entry);
  }

  /** `entry` left the cache. */
  removed(entry: E): void {
    if (entry.isDynamic) this.unlink(entry);
  }

  /** Moves a dynamic entry to the back of the eviction order (it was just confirmed). */
  touch(entry: E): void {
    if (!entry.isDynamic || this.tail === entry) return;
    this.unlink(entry);
    this.link(entry);
  }

  /** `entry` changed between dynamic and permanent. */
  retyped(entry: E, wasDynamic: boolean): void {
    if (wasDynamic === entry.isDynamic) return;
    if (entry.isDynamic) this.link(entry);
    else this.unlink(entry);
  }

  /**
   * The dynamic entry to evict: the least recently confirmed stale or failed one, else the least
   * recently confirmed one in another resolved state, else the oldest unresolved one. One pass.
   */
  victim(): E | undefined {
    let resolved: E | undefined;
    let incomplete: E | undefined;
    for (let e = this.head; e !== null; e = e.lruNext) {
      const state = e.state;
      if (state === 'stale' || state === 'failed') return e;
      if (state === 'incomplete') incomplete ??= e;
      else resolved ??= e;
    }
    return resolved ?? incomplete;
  }

  private link(entry: E): void {
    entry.lruPrev = this.tail;
    entry.lruNext = null;
    if (this.tail !== null) this.tail.lruNext = entry;
    else this.head = entry;
    this.tail = entry;
    this.count++;
  }

  private unlink(entry: E): void {
    if (entry.lruPrev !== null) entry.lruPrev.lruNext = entry.lruNext;
    else this.head = entry.lruNext;
    if (entry.lruNext !== null) entry.lruNext.lruPrev = entry.lruPrev;
    else this.tail = entry.lruPrev;
    entry.lruPrev = entry.lruNext = null;
    this.count--;
  }
}
