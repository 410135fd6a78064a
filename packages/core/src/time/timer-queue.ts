import { QueuedTimer, type TimerOwner } from './queued-timer.js';
import { TimerHeap } from './timer-heap.js';

/**
 * The timer bookkeeping shared by both clocks: creates timers, keeps the armed ones in deadline
 * order, and tells its clock when the earliest deadline may have changed. Firing is left to the
 * clock, which alone knows what "now" means while a callback runs.
 * @internal
 */
export class TimerQueue implements TimerOwner {
  private readonly heap = new TimerHeap<QueuedTimer>();
  private arms = 0;

  /**
   * @param now - the clock's current time, read when a timer is armed
   * @param onHeadChanged - called after an arm or disarm that changed which timer is first
   */
  constructor(
    private readonly now: () => number,
    private readonly onHeadChanged?: () => void,
  ) {}

  /** Number of armed timers. */
  get size(): number {
    return this.heap.size;
  }

  /** Sequence number the next arming will get; lets a clock tell which timers were armed later. */
  get nextSeq(): number {
    return this.arms;
  }

  /** Earliest deadline, or NaN when nothing is armed. */
  get nextDeadline(): number {
    const head = this.heap.peek();
    return head === undefined ? Number.NaN : head.due;
  }

  /** A new idle timer owned by this queue. */
  create(callback: () => void): QueuedTimer {
    return new QueuedTimer(this, callback);
  }

  arm(timer: QueuedTimer, delayMs: number): void {
    const wasHead = timer.heapIndex === 0;
    timer.due = this.now() + delayMs;
    timer.seq = this.arms++;
    this.heap.upsert(timer);
    if (wasHead || timer.heapIndex === 0) this.onHeadChanged?.();
  }

  disarm(timer: QueuedTimer): void {
    const wasHead = timer.heapIndex === 0;
    this.heap.remove(timer);
    timer.due = Number.NaN;
    if (wasHead) this.onHeadChanged?.();
  }

  /** The timer that fires first, or undefined. */
  peek(): QueuedTimer | undefined {
    return this.heap.peek();
  }

  /** Disarm the first timer without notifying, just before the clock runs its callback. */
  takeHead(): QueuedTimer {
    const head = this.heap.peek() as QueuedTimer;
    this.heap.remove(head);
    head.due = Number.NaN;
    return head;
  }

  /** Disarm every timer without notifying. */
  clear(): void {
    for (const timer of this.heap.drain()) timer.due = Number.NaN;
  }

  /** Heap consistency check, for tests. */
  isValid(): boolean {
    return this.heap.isValid();
  }
}
