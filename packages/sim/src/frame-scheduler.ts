import type { Clock, Timer } from '@stack/core';
import { FrameSlot, type FrameDestination } from './frame-slot.js';
import { SlotHeap } from './slot-heap.js';

/**
 * How frames that are due immediately (zero delay) are delivered:
 * - `'timer'`: a clock timer with delay 0. With a ManualClock, `advance(0)` or `runDue()` fires it.
 * - `'microtask'`: `queueMicrotask`, for real clocks, so a benchmark is not throttled by the host's
 *   ~1 ms minimum timer delay. After a burst of consecutive microtask rounds the scheduler falls
 *   back to one timer round so a zero-delay ping-pong cannot starve host I/O.
 * @public
 */
export type ZeroDelayDelivery = 'timer' | 'microtask';

/**
 * A receiver that collects the frames of one delivery round and takes them in one call at its end.
 * @internal
 */
export interface BatchReceiver {
  flushBatch(): void;
}

/** Initial size of a slot's byte array: a full Ethernet frame with a VLAN tag. */
const DEFAULT_SLOT_CAPACITY = 1536;

interface MicrotaskHost {
  queueMicrotask(callback: () => void): void;
}

/**
 * The one place frames wait: a heap of frames in flight, one clock timer set for the earliest,
 * and delivery in rounds. A round takes every frame due by now, hands each to its destination,
 * then lets every receiver that got frames take its batch in one call. Frames sent during a round
 * (a reply, a switch forwarding) go into the heap and are delivered in a later round, never by
 * recursion into the sender.
 * @internal
 */
export class FrameScheduler {
  private readonly heap = new SlotHeap();
  private readonly freeSlots: FrameSlot[] = [];
  private readonly round: FrameSlot[] = [];
  private readonly batchReceivers: BatchReceiver[] = [];
  private readonly timer: Timer;
  /** Delivery time the timer was set for; NaN when idle. */
  private timerDue = Number.NaN;
  private nextSeq = 0;
  private delivering = false;
  private microtaskQueued = false;
  private microtaskRounds = 0;
  private disposed = false;
  private readonly onTimer = (): void => {
    const intended = this.timerDue;
    this.timerDue = Number.NaN;
    this.microtaskRounds = 0;
    // The clock computes the deadline as now + (due - now), which may round one ulp early.
    this.deliverDue(Math.max(this.clock.now(), intended));
  };
  private readonly onMicrotask = (): void => {
    this.microtaskQueued = false;
    this.microtaskRounds++;
    this.deliverDue(this.clock.now());
  };

  constructor(
    private readonly clock: Clock,
    private readonly zeroDelay: ZeroDelayDelivery,
    private readonly maxMicrotaskRounds: number,
  ) {
    this.timer = clock.createTimer(this.onTimer);
  }

  /** Frames in flight. */
  get inFlight(): number {
    return this.heap.size;
  }

  /** Delivery time of the earliest frame in flight, or NaN. */
  get nextDue(): number {
    const head = this.heap.peek();
    return head === undefined ? Number.NaN : head.due;
  }

  /**
   * When the scheduler's timer will next fire (it may differ from {@link FrameScheduler.nextDue}
   * by rounding), or `nextDue` when no timer is set.
   */
  get nextWake(): number {
    return this.timer.active ? this.timer.deadline : this.nextDue;
  }

  /** A slot with room for `length` bytes, to fill and then {@link FrameScheduler.schedule}. */
  acquire(length: number): FrameSlot {
    const slot = this.freeSlots.pop() ?? new FrameSlot(DEFAULT_SLOT_CAPACITY);
    slot.reserve(length);
    return slot;
  }

  /** Give back a slot that was acquired but will not be scheduled. */
  recycle(slot: FrameSlot): void {
    slot.destination = null;
    this.freeSlots.push(slot);
  }

  /** Deliver `slot` to `destination` at time `due` (not before now). */
  schedule(slot: FrameSlot, due: number, destination: FrameDestination): void {
    if (this.disposed) {
      this.recycle(slot);
      return;
    }
    slot.due = due;
    slot.seq = this.nextSeq++;
    slot.destination = destination;
    // A send from outside a delivery round starts a new chain of microtask rounds.
    if (!this.delivering && !this.microtaskQueued) this.microtaskRounds = 0;
    this.heap.push(slot);
    if (!this.delivering && this.heap.peek() === slot) this.arm();
  }

  /** Called by a receiver when the first frame of a round lands in its batch. */
  batchPending(receiver: BatchReceiver): void {
    this.batchReceivers.push(receiver);
  }

  /** Drop everything in flight and stop the timer for good. */
  dispose(): void {
    this.disposed = true;
    this.timer.dispose();
    for (const slot of this.heap.drain()) this.recycle(slot);
  }

  private deliverDue(cutoff: number): void {
    if (this.disposed) return;
    const round = this.round;
    for (let head = this.heap.peek(); head !== undefined && head.due <= cutoff; head = this.heap.peek()) {
      round.push(this.heap.pop());
    }
    this.delivering = true;
    let failure: unknown = undefined;
    let failed = false;
    try {
      for (let i = 0; i < round.length; i++) {
        const slot = round[i];
        (slot.destination as FrameDestination).deliverFrame(slot.bytes, slot.length);
      }
    } catch (error) {
      failed = true;
      failure = error;
    } finally {
      for (let i = 0; i < round.length; i++) this.recycle(round[i]);
      round.length = 0;
      // Every receiver gets its batch even if another one throws: frames must not be stranded.
      const receivers = this.batchReceivers;
      for (let i = 0; i < receivers.length; i++) {
        try {
          receivers[i].flushBatch();
        } catch (error) {
          if (!failed) {
            failed = true;
            failure = error;
          }
        }
      }
      receivers.length = 0;
      this.delivering = false;
      this.arm();
    }
    if (failed) throw failure;
  }

  /** Make sure the earliest frame in flight will be delivered on time. */
  private arm(): void {
    const head = this.heap.peek();
    if (head === undefined || this.disposed) return;
    const now = this.clock.now();
    if (this.zeroDelay === 'microtask' && head.due <= now && this.microtaskRounds < this.maxMicrotaskRounds) {
      if (!this.microtaskQueued) {
        this.microtaskQueued = true;
        (globalThis as unknown as MicrotaskHost).queueMicrotask(this.onMicrotask);
      }
      return;
    }
    if (this.timer.active && this.timerDue <= head.due) return;
    this.timerDue = head.due;
    this.timer.start(head.due - now);
  }
}
