import type { Clock, ClockErrorHandler, Timer } from './clock.js';
import { TimerQueue } from './timer-queue.js';

/**
 * Options for {@link ManualClock}.
 * @public
 */
export interface ManualClockOptions {
  /**
   * Receives errors thrown by timer callbacks, as they happen. Without it the clock keeps firing
   * the other due timers and rethrows when the `advance*` / `run*` call finishes (one error as is,
   * several as an AggregateError), so a test sees it.
   */
  onError?: ClockErrorHandler;
}

/**
 * A clock for tests: time stands still until `advance`, `advanceTo`, `runDue` or `runAll` moves
 * it, and due timers then fire synchronously, in deadline order (ties in the order they were
 * armed), with `now()` equal to each timer's deadline while its callback runs.
 * @public
 */
export class ManualClock implements Clock {
  private current: number;
  private readonly queue: TimerQueue;
  private readonly onError: ClockErrorHandler | undefined;
  private running = false;

  /**
   * @param startMs - the initial value of `now()`
   * @param options - see {@link ManualClockOptions}
   */
  constructor(startMs = 0, options: ManualClockOptions = {}) {
    if (!Number.isFinite(startMs)) throw new RangeError(`ManualClock: start time must be finite, got ${startMs}`);
    this.current = startMs;
    this.onError = options.onError;
    this.queue = new TimerQueue(() => this.current);
  }

  /** Number of armed timers. */
  get pending(): number {
    return this.queue.size;
  }

  now(): number {
    return this.current;
  }

  createTimer(callback: () => void): Timer {
    return this.queue.create(callback);
  }

  setTimeout(callback: () => void, delayMs: number): Timer {
    const timer = this.queue.create(callback);
    timer.start(delayMs);
    return timer;
  }

  /** Deadline of the earliest armed timer, or NaN when none is armed. */
  nextDeadline(): number {
    return this.queue.nextDeadline;
  }

  /**
   * Move time forward by `ms` (finite, at least 0), firing every timer that falls due on the way,
   * including timers armed by those callbacks. Returns how many fired.
   */
  advance(ms: number): number {
    if (!(ms >= 0) || !Number.isFinite(ms)) {
      throw new RangeError(`ManualClock.advance: need a finite ms >= 0, got ${ms}`);
    }
    return this.advanceTo(this.current + ms);
  }

  /** Move time forward to `t` (finite, not before `now()`), as {@link ManualClock.advance} does. */
  advanceTo(t: number): number {
    if (!Number.isFinite(t) || t < this.current) {
      throw new RangeError(`ManualClock.advanceTo: ${t} is not a finite time at or after now (${this.current})`);
    }
    return this.run(t, Number.POSITIVE_INFINITY);
  }

  /** Fire the timers due at the current time (for example those started with delay 0). */
  runDue(): number {
    return this.run(this.current, Number.POSITIVE_INFINITY);
  }

  /**
   * Fire everything, jumping time from deadline to deadline, until no timer is armed. Throws once
   * `limit` timers have fired and more are still armed: a timer that keeps re-arming itself.
   * Time stays at the last deadline fired.
   */
  runAll(limit = 100_000): number {
    return this.run(Number.POSITIVE_INFINITY, limit);
  }

  private run(target: number, limit: number): number {
    if (this.running) throw new Error('ManualClock: cannot advance time from inside a timer callback');
    this.running = true;
    const errors: unknown[] = [];
    let fired = 0;
    try {
      for (let head = this.queue.peek(); head !== undefined && head.due <= target; head = this.queue.peek()) {
        if (fired === limit) {
          const message = `ManualClock.runAll: ${limit} timers fired and some are still armed (one re-arming forever?)`;
          throw new Error(message, { cause: errors.length > 0 ? collect(errors) : undefined });
        }
        this.current = head.due;
        const timer = this.queue.takeHead();
        fired++;
        try {
          timer.callback();
        } catch (error) {
          if (this.onError === undefined) errors.push(error);
          else this.onError(error);
        }
      }
      if (target !== Number.POSITIVE_INFINITY) this.current = target;
    } finally {
      this.running = false;
    }
    if (errors.length > 0) throw collect(errors);
    return fired;
  }
}

function collect(errors: unknown[]): unknown {
  return errors.length === 1 ? errors[0] : new AggregateError(errors, `${errors.length} timer callbacks threw`);
}
