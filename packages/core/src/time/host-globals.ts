// The few host facilities the real clock and the event bus need. Core is compiled without DOM or
// Node typings, so they are described here and looked up on globalThis when used.

interface HostGlobals {
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
  queueMicrotask?: (callback: () => void) => void;
  performance?: { now(): number };
}

function host(): HostGlobals {
  return globalThis as unknown as HostGlobals;
}

/**
 * Timer functions of the host environment, as {@link RealClock} uses them.
 * @public
 */
export interface HostTimers {
  /** Schedule `callback` once after `delayMs`; returns a handle for `clear`. */
  set(callback: () => void, delayMs: number): unknown;
  /** Cancel a handle returned by `set`. */
  clear(handle: unknown): void;
}

/**
 * The host's `setTimeout` / `clearTimeout`, present in browsers and Node alike.
 * @internal
 */
export function globalHostTimers(): HostTimers {
  return {
    set: (callback, delayMs) => host().setTimeout(callback, delayMs),
    clear: (handle) => host().clearTimeout(handle),
  };
}

/**
 * A monotonic millisecond clock: `performance.now()`, or `Date.now()` on a host without it.
 * @internal
 */
export function globalMonotonicNow(): () => number {
  const performance = host().performance;
  if (performance !== undefined && typeof performance.now === 'function') return () => performance.now();
  return () => Date.now();
}

/**
 * Rethrow `error` from a fresh microtask, so it surfaces as an uncaught error (test runners and
 * hosts report it) without unwinding the caller that caught it.
 * @internal
 */
export function rethrowAsync(error: unknown): void {
  const thrower = (): never => {
    throw error;
  };
  const queue = host().queueMicrotask;
  if (typeof queue === 'function') queue(thrower);
  else host().setTimeout(thrower, 0);
}
