import type { ModuleContext, Timer } from '@stack/core';

/**
 * The timers of ND, made through the IPv6 module's context (so each callback runs as a processing
 * turn and an unload disposes of them) and also remembered here, so `dispose()` can stop them all
 * when ND is torn down without an unload.
 * @internal
 */
export class NdTimers {
  private readonly live = new Set<Timer>();

  constructor(private readonly ctx: ModuleContext) {}

  create(callback: () => void): Timer {
    const inner = this.ctx.createTimer(callback);
    const live = this.live;
    const timer: Timer = {
      start: (ms) => inner.start(ms),
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

  get size(): number {
    return this.live.size;
  }

  disposeAll(): void {
    for (const t of [...this.live]) t.dispose();
  }
}
