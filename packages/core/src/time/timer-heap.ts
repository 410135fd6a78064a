/**
 * What {@link TimerHeap} needs from an entry: its key (`due`, then `seq` to break ties in arming
 * order) and a slot where the heap records the entry's position.
 * @internal
 */
export interface HeapEntry {
  /** Deadline in clock milliseconds. */
  due: number;
  /** Arming sequence number: equal deadlines fire in the order they were armed. */
  seq: number;
  /** Position in the heap array, or -1 when the entry is not in the heap. Owned by the heap. */
  heapIndex: number;
}

/**
 * Binary min-heap of timers ordered by (due, seq), each entry knowing its own index.
 *
 * Why a heap rather than a timing wheel: timers must fire in exact deadline order with fractional
 * milliseconds (ties in arming order), which a wheel only gives after sorting within a slot, and a
 * wheel needs a tick granularity and cascading for the long ND/ARP/TCP keepalive timeouts. The
 * stored index makes restart and stop O(log n) in place, with no tombstones left behind by the
 * many timers cancelled before they fire, and the earliest deadline is O(1) for the real clock's
 * single host timer. With the few thousand timers a userspace stack holds, log n is tiny.
 * @internal
 */
export class TimerHeap<T extends HeapEntry> {
  private readonly items: T[] = [];

  /** Number of entries in the heap. */
  get size(): number {
    return this.items.length;
  }

  /** The entry that fires first, or undefined when empty. */
  peek(): T | undefined {
    return this.items[0];
  }

  /** Insert `entry`, or move it if it is already in the heap and its key changed. */
  upsert(entry: T): void {
    if (entry.heapIndex < 0) {
      this.items.push(entry);
      this.siftUp(this.items.length - 1, entry);
    } else {
      this.reposition(entry.heapIndex, entry);
    }
  }

  /** Remove `entry` if present. */
  remove(entry: T): void {
    const index = entry.heapIndex;
    if (index < 0) return;
    entry.heapIndex = -1;
    const last = this.items.pop() as T;
    if (last !== entry) this.reposition(index, last);
  }

  /** Remove every entry and return them, in no particular order. */
  drain(): T[] {
    const all = this.items.splice(0);
    for (const entry of all) entry.heapIndex = -1;
    return all;
  }

  /** Verify the heap property and the stored indexes (for tests). */
  isValid(): boolean {
    const items = this.items;
    for (let i = 0; i < items.length; i++) {
      if (items[i].heapIndex !== i) return false;
      if (i > 0 && precedes(items[i], items[(i - 1) >> 1])) return false;
    }
    return true;
  }

  /** Place `entry` at or around the hole `index`, moving up or down as its key requires. */
  private reposition(index: number, entry: T): void {
    if (index > 0 && precedes(entry, this.items[(index - 1) >> 1])) this.siftUp(index, entry);
    else this.siftDown(index, entry);
  }

  private siftUp(index: number, entry: T): void {
    const items = this.items;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = items[parentIndex];
      if (!precedes(entry, parent)) break;
      items[index] = parent;
      parent.heapIndex = index;
      index = parentIndex;
    }
    items[index] = entry;
    entry.heapIndex = index;
  }

  private siftDown(index: number, entry: T): void {
    const items = this.items;
    const length = items.length;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= length) break;
      if (child + 1 < length && precedes(items[child + 1], items[child])) child++;
      const smaller = items[child];
      if (!precedes(smaller, entry)) break;
      items[index] = smaller;
      smaller.heapIndex = index;
      index = child;
    }
    items[index] = entry;
    entry.heapIndex = index;
  }
}

function precedes(a: HeapEntry, b: HeapEntry): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}
