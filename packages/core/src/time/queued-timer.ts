import type { Timer } from './clock.js';
import type { HeapEntry } from './timer-heap.js';

/**
 * The clock side of a {@link QueuedTimer}: where arming and disarming land.
 * @internal
 */
export interface TimerOwner {
  /** Arm or move `timer` to fire `delayMs` (finite, at least 0) from now. */
  arm(timer: QueuedTimer, delayMs: number): void;
  /** Take an armed `timer` out of the queue. */
  disarm(timer: QueuedTimer): void;
}

/**
 * The {@link Timer} both clocks hand out: a heap entry that knows its owner.
 * @internal
 */
export class QueuedTimer implements Timer, HeapEntry {
  due = Number.NaN;
  seq = 0;
  heapIndex = -1;
  private disposed = false;

  constructor(
    private readonly owner: TimerOwner,
    /** Run when the timer fires. */
    readonly callback: () => void,
  ) {}

  get active(): boolean {
    return this.heapIndex >= 0;
  }

  get deadline(): number {
    return this.heapIndex >= 0 ? this.due : Number.NaN;
  }

  start(delayMs: number): void {
    if (this.disposed) throw new Error('Timer.start: the timer is disposed');
    if (!Number.isFinite(delayMs)) throw new RangeError(`Timer.start: delay must be finite, got ${delayMs}`);
    this.owner.arm(this, delayMs > 0 ? delayMs : 0);
  }

  stop(): void {
    if (this.heapIndex >= 0) this.owner.disarm(this);
  }

  dispose(): void {
    this.stop();
    this.disposed = true;
  }
}
