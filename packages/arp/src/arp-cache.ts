import type { ArpEntry } from './arp-entry.js';

/**
 * The neighbour cache of one interface, keyed by unsigned 32-bit IPv4 address. Map order is kept
 * as "least recently confirmed first" (an entry is moved to the back when a packet confirms it),
 * which is the eviction order. Only dynamic entries count towards the bound; static ones are the
 * administrator's and are never evicted.
 * @internal
 */
export class ArpCache {
  private readonly entries = new Map<number, ArpEntry>();
  private dynamicCount = 0;

  constructor(
    readonly ifindex: number,
    readonly maxEntries: number,
  ) {}

  get(address: number): ArpEntry | undefined {
    return this.entries.get(address);
  }

  get size(): number {
    return this.entries.size;
  }

  get dynamicSize(): number {
    return this.dynamicCount;
  }

  /** Whether a new dynamic entry needs an eviction first. */
  get isFull(): boolean {
    return this.dynamicCount >= this.maxEntries;
  }

  add(entry: ArpEntry): void {
    this.entries.set(entry.address, entry);
    if (entry.isDynamic) this.dynamicCount++;
  }

  /** Remove `entry` from the map (the caller disposes of it). */
  delete(entry: ArpEntry): void {
    if (this.entries.get(entry.address) !== entry) return;
    this.entries.delete(entry.address);
    if (entry.isDynamic) this.dynamicCount--;
  }

  /** Move `entry` to the back of the eviction order. */
  touch(entry: ArpEntry): void {
    if (this.entries.get(entry.address) !== entry) return;
    this.entries.delete(entry.address);
    this.entries.set(entry.address, entry);
  }

  /** An entry changed between dynamic and static. */
  retype(entry: ArpEntry, wasDynamic: boolean): void {
    if (wasDynamic === entry.isDynamic) return;
    this.dynamicCount += entry.isDynamic ? 1 : -1;
  }

  /**
   * The dynamic entry to evict: the least recently confirmed stale or failed one, else the least
   * recently confirmed reachable one, else the oldest unresolved one. One pass, at most
   * `size` steps.
   */
  victim(): ArpEntry | undefined {
    let reachable: ArpEntry | undefined;
    let incomplete: ArpEntry | undefined;
    for (const entry of this.entries.values()) {
      const state = entry.state;
      if (state === 'stale' || state === 'failed') return entry;
      if (state === 'reachable') reachable ??= entry;
      else if (state === 'incomplete') incomplete ??= entry;
    }
    return reachable ?? incomplete;
  }

  values(): IterableIterator<ArpEntry> {
    return this.entries.values();
  }
}
