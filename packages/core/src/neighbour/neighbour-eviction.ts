import type { NeighbourEntry } from './neighbour-entry.js';

/**
 * The bound and eviction order of one neighbour cache: an intrusive doubly linked list of its
 * dynamic entries, least recently used first. The resolver calls {@link NeighbourEviction.touch}
 * when an entry is used (a packet sent through it) or confirmed (reachability confirmed, a link
 * address learnt), which moves it to the most recently used end in O(1). Only dynamic entries
 * count towards the bound; permanent ones are the administrator's and are never evicted.
 * Allocation-free.
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

  /**
   * Moves a dynamic entry to the most recently used end of the eviction order (it was just used or
   * confirmed). O(1) and allocation-free, so a resolver may call it for every packet; an entry not
   * in this list (permanent, or already removed) is left alone.
   */
  touch(entry: E): void {
    if (this.tail === entry || !entry.isDynamic) return;
    // Not linked: no neighbours and not the head (a single-entry list has it as the tail).
    if (entry.lruPrev === null && this.head !== entry) return;
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
   * The dynamic entry to evict, in one pass from the least recently used end: the first stale or
   * failed one, else the first unresolved (incomplete) one, else the least recently used entry in
   * a working state (reachable, delay, probe). Entries in use are kept over ones nobody is known
   * to need, so a flood of new destinations (a scan, RFC 6583) churns its own unresolved
   * entries instead of pushing out neighbours that carry traffic.
   */
  victim(): E | undefined {
    let working: E | undefined;
    let incomplete: E | undefined;
    for (let e = this.head; e !== null; e = e.lruNext) {
      const state = e.state;
      if (state === 'stale' || state === 'failed') return e;
      if (state === 'incomplete') incomplete ??= e;
      else working ??= e;
    }
    return incomplete ?? working;
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
