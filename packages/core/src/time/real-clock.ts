import type { Clock, ClockErrorHandler, Timer } from './clock.js';
import { globalHostTimers, globalMonotonicNow, rethrowAsync, type HostTimers } from './host-globals.js';
import { TimerQueue } from './timer-queue.js';

/** Hosts overflow (and fire at once) above a signed 32-bit millisecond delay; wake early instead. */
const MAX_HOST_DELAY_MS = 0x7fffffff;

/**
 * Options for {@link RealClock}.
 * @public
 */
export interface RealClockOptions {
  /** Monotonic milliseconds. Default: `performance.now()`. */
  now?: () => number;
  /** Where the one host timer is scheduled. Default: `globalThis.setTimeout` / `clearTimeout`. */
  host?: HostTimers;
  /** Receives errors thrown by timer callbacks. Default: rethrow each from a microtask. */
  onError?: ClockErrorHandler;
  /**
   * Call `unref()` on host timer handles that have it (Node), so pending stack timers alone do
   * not keep the process alive. Default false: a stack with timers keeps running.
   */
  unref?: boolean;
}

/**
 * The clock for applications. All timers share one host timer, set for the earliest deadline.
 * It is re-armed only when a new earliest deadline comes before it; when the earliest timer is
 * stopped or moved later, the host timer is left alone and wakes early, which costs one
 * harmless wake-up instead of a clear+set per TCP timer restart. Timers armed by callbacks during
 * a wake-up run on a later host turn, so a timer that keeps re-arming with delay 0 cannot starve
 * the host.
 * @public
 */
export class RealClock implements Clock {
  private readonly readNow: () => number;
  private readonly host: HostTimers;
  private readonly onError: ClockErrorHandler;
  private readonly unref: boolean;
  private readonly queue: TimerQueue;
  private hostHandle: unknown = undefined;
  /** When the host timer is due to wake us, or NaN when it is not set. */
  private hostWake = Number.NaN;
  private firing = false;
  private closed = false;
  private readonly onHostTimer = (): void => this.fireDue();

  /** @param options - see {@link RealClockOptions} */
  constructor(options: RealClockOptions = {}) {
    this.readNow = options.now ?? globalMonotonicNow();
    this.host = options.host ?? globalHostTimers();
    this.onError = options.onError ?? rethrowAsync;
    this.unref = options.unref ?? false;
    this.queue = new TimerQueue(this.readNow, () => this.onHeadChanged());
  }

  /** Number of armed timers. */
  get pending(): number {
    return this.queue.size;
  }

  now(): number {
    return this.readNow();
  }

  createTimer(callback: () => void): Timer {
    return this.queue.create(callback);
  }

  setTimeout(callback: () => void, delayMs: number): Timer {
    const timer = this.queue.create(callback);
    timer.start(delayMs);
    return timer;
  }

  /**
   * Cancel the host timer and disarm every timer, for a stack being destroyed. Timers started
   * afterwards are armed but never fire. Idempotent.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.cancelHost();
    this.queue.clear();
  }

  private onHeadChanged(): void {
    // While firing, the schedule is settled once the batch is over.
    if (!this.firing && !this.closed) this.scheduleHost();
  }

  private scheduleHost(): void {
    const next = this.queue.nextDeadline;
    if (Number.isNaN(next)) {
      this.cancelHost();
      return;
    }
    if (this.hostWake <= next) return; // set, and wakes in time (NaN compares false)
    this.cancelHost();
    const now = this.readNow();
    // Round up: a host firing a fraction early would only wake us to find nothing due.
    const delay = Math.min(MAX_HOST_DELAY_MS, Math.max(0, Math.ceil(next - now)));
    this.hostWake = now + delay;
    const handle = this.host.set(this.onHostTimer, delay);
    this.hostHandle = handle;
    if (this.unref) unrefHandle(handle);
  }

  private cancelHost(): void {
    if (Number.isNaN(this.hostWake)) return;
    this.host.clear(this.hostHandle);
    this.hostHandle = undefined;
    this.hostWake = Number.NaN;
  }

  private fireDue(): void {
    this.hostHandle = undefined;
    this.hostWake = Number.NaN;
    if (this.closed) return;
    const cutoff = this.readNow();
    const firstLateSeq = this.queue.nextSeq;
    this.firing = true;
    try {
      for (let head = this.queue.peek(); head !== undefined; head = this.queue.peek()) {
        // An older timer due by the cutoff always sorts before one armed during this batch,
        // since those have deadlines at or after the cutoff; so stopping here skips nothing due.
        if (head.due > cutoff || head.seq >= firstLateSeq) break;
        const timer = this.queue.takeHead();
        try {
          timer.callback();
        } catch (error) {
          this.onError(error);
        }
        if (this.closed) return;
      }
    } finally {
      this.firing = false;
      if (!this.closed) this.scheduleHost();
    }
  }
}

function unrefHandle(handle: unknown): void {
  if (typeof handle !== 'object' || handle === null) return;
  const unref = (handle as { unref?: unknown }).unref;
  if (typeof unref === 'function') unref.call(handle);
}
