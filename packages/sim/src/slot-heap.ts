import type { FrameSlot } from './frame-slot.js';

/**
 * Binary min-heap of frames in flight, ordered by delivery time and then by scheduling order, so
 * equal delivery times keep their sending order and every run is deterministic.
 * @internal
 */
export class SlotHeap {
  private readonly items: FrameSlot[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): FrameSlot | undefined {
    return this.items[0];
  }

  push(slot: FrameSlot): void {
    this.items.push(slot);
    this.siftUp(this.items.length - 1, slot);
  }

  /** Remove and return the earliest slot; the heap must not be empty. */
  pop(): FrameSlot {
    const items = this.items;
    const top = items[0];
    const last = items.pop() as FrameSlot;
    if (last !== top) this.siftDown(0, last);
    top.heapIndex = -1;
    return top;
  }

  /** Remove every slot and return them, in no particular order. */
  drain(): FrameSlot[] {
    const all = this.items.splice(0);
    for (const slot of all) slot.heapIndex = -1;
    return all;
  }

  private siftUp(index: number, slot: FrameSlot): void {
    const items = this.items;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = items[parentIndex];
      if (!precedes(slot, parent)) break;
      items[index] = parent;
      parent.heapIndex = index;
      index = parentIndex;
    }
    items[index] = slot;
    slot.heapIndex = index;
  }

  private siftDown(index: number, slot: FrameSlot): void {
    const items = this.items;
    const length = items.length;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= length) break;
      if (child + 1 < length && precedes(items[child + 1], items[child])) child++;
      const smaller = items[child];
      if (!precedes(smaller, slot)) break;
      items[index] = smaller;
      smaller.heapIndex = index;
      index = child;
    }
    items[index] = slot;
    slot.heapIndex = index;
  }
}

function precedes(a: FrameSlot, b: FrameSlot): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}
