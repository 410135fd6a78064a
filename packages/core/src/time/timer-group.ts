import type { Timer } from './clock.js';

/**
 * Timers made by one factory and remembered together, so an owner can dispose of every one still
 * alive at once (a module unloading, a subsystem torn down). A timer disposed earlier is forgotten,
 * so owners may create and dispose timers per entry without growth. Each timer is a thin wrapper
 * made once, when created; arming it allocates nothing.
 * @public
 */
export class TimerGroup {
  private readonly live = new Set<Timer>();

  constructor(private readonly factory: (callback: () => void) => Timer) {}

  /** A new idle timer from the factory, remembered until it is disposed. */
  create(callback: () => void): Timer {
    const inner = this.factory(callback);
    const live = this.live;
    const timer: Timer = {
      start: (delayMs) => inner.start(delayMs),
      stop: () => inner.stop(),
      get active() {
        return inner.active;
      },
      get deadline() {
        return inner.deadline;
      },
      dispose: () => {
        live.delete(timer);
        inner.dispose();
      },
    };
    live.add(timer);
    return timer;
  }

  /** Timers created and not yet disposed. */
  get size(): number {
    return this.live.size;
  }

  /** Dispose of every timer still alive. */
  disposeAll(): void {
    for (const t of [...this.live]) t.dispose();
  }
}
