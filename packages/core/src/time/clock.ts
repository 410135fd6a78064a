/**
 * The source of time and timers for a stack (DESIGN.md §7). Protocols never read `Date.now()` or
 * call `setTimeout` themselves; they are handed a `Clock`, so tests can drive them with a
 * {@link ManualClock} and apps with a {@link RealClock}.
 * @public
 */
export interface Clock {
  /** Current time in milliseconds. Monotonic; may be fractional; the origin is arbitrary. */
  now(): number;
  /** An idle, reusable timer that runs `callback` each time it fires. */
  createTimer(callback: () => void): Timer;
  /** Convenience: {@link Clock.createTimer} followed by `start(delayMs)`. */
  setTimeout(callback: () => void, delayMs: number): Timer;
}

/**
 * A reusable one-shot timer. Protocols keep one per neighbour entry, reassembly or connection and
 * restart it often, so arming, moving and disarming are cheap and allocate nothing.
 * @public
 */
export interface Timer {
  /**
   * Arm the timer to fire once at `now() + delayMs`. Restarting an armed timer moves it (it fires
   * once, at the new deadline). A negative delay counts as 0; a non-finite one throws RangeError.
   * Throws once the timer is disposed.
   */
  start(delayMs: number): void;
  /** Disarm. Harmless when the timer is idle or disposed. */
  stop(): void;
  /** Whether the timer is armed. It becomes idle just before its callback runs. */
  readonly active: boolean;
  /** When the timer fires, in the clock's milliseconds; NaN while idle. */
  readonly deadline: number;
  /** Stop the timer for good: a later `start()` throws. For owners tearing down. Idempotent. */
  dispose(): void;
}

/**
 * Receives an error thrown by a timer callback. The clock has already caught it and carries on
 * with the other due timers.
 * @public
 */
export type ClockErrorHandler = (error: unknown) => void;
