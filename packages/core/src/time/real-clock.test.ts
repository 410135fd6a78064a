import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HostTimers } from './host-globals.js';
import { RealClock } from './real-clock.js';

/** A host timer facility driven by hand, with its own fake time. */
class FakeHost implements HostTimers {
  time = 0;
  private nextHandle = 1;
  readonly scheduled = new Map<
    number,
    { callback: () => void; at: number; handle: { id: number; unref?: () => void } }
  >();
  readonly sets: number[] = []; // delays passed to set()
  clears = 0;
  unrefs = 0;

  set(callback: () => void, delayMs: number): unknown {
    const id = this.nextHandle++;
    const handle = { id, unref: () => void this.unrefs++ };
    this.scheduled.set(id, { callback, at: this.time + delayMs, handle });
    this.sets.push(delayMs);
    return handle;
  }

  clear(handle: unknown): void {
    this.clears++;
    this.scheduled.delete((handle as { id: number }).id);
  }

  /** Move fake time to `t`, running host callbacks that fall due, earliest first. */
  runUntil(t: number): void {
    for (;;) {
      const due = [...this.scheduled.entries()].filter(([, s]) => s.at <= t).sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined) break;
      this.scheduled.delete(due[0]);
      this.time = Math.max(this.time, due[1].at);
      due[1].callback();
    }
    this.time = t;
  }

  /** Run the one scheduled host callback now, whatever its due time (a late or early host). */
  fireNow(): void {
    const [entry] = [...this.scheduled.entries()];
    this.scheduled.delete(entry[0]);
    entry[1].callback();
  }

  get armed(): number {
    return this.scheduled.size;
  }
}

function setup(options: { unref?: boolean; onError?: (e: unknown) => void } = {}) {
  const host = new FakeHost();
  const clock = new RealClock({ now: () => host.time, host, ...options });
  return { host, clock };
}

describe('RealClock with a fake host', () => {
  it('reads time from the injected now()', () => {
    const { host, clock } = setup();
    host.time = 123.5;
    expect(clock.now()).toBe(123.5);
  });

  it('keeps one host timer for the earliest deadline and fires timers in order', () => {
    const { host, clock } = setup();
    const seen: [string, number][] = [];
    clock.setTimeout(() => seen.push(['b', clock.now()]), 20);
    clock.setTimeout(() => seen.push(['a', clock.now()]), 10);
    clock.setTimeout(() => seen.push(['c', clock.now()]), 30);
    expect(host.armed).toBe(1);
    expect(clock.pending).toBe(3);
    host.runUntil(100);
    expect(seen).toEqual([
      ['a', 10],
      ['b', 20],
      ['c', 30],
    ]);
    expect(clock.pending).toBe(0);
    expect(host.armed).toBe(0);
  });

  it('re-arms the host only when a new deadline comes earlier', () => {
    const { host, clock } = setup();
    clock.setTimeout(() => {}, 100);
    expect(host.sets).toEqual([100]);
    clock.setTimeout(() => {}, 200); // later: host timer unchanged
    expect(host.sets).toEqual([100]);
    expect(host.clears).toBe(0);
    clock.setTimeout(() => {}, 50); // earlier: re-armed
    expect(host.sets).toEqual([100, 50]);
    expect(host.clears).toBe(1);
    expect(host.armed).toBe(1);
  });

  it('restarting the earliest timer later leaves the host timer, which wakes early and re-arms', () => {
    const { host, clock } = setup();
    const fn = vi.fn();
    const timer = clock.setTimeout(fn, 10);
    for (let i = 1; i <= 5; i++) {
      host.time = i;
      timer.start(10); // e.g. a TCP retransmit timer restarted on each ACK
    }
    expect(host.sets).toEqual([10]);
    host.runUntil(10); // early wake-up: nothing due yet
    expect(fn).not.toHaveBeenCalled();
    expect(host.sets).toEqual([10, 5]);
    host.runUntil(15);
    expect(fn).toHaveBeenCalledOnce();
  });

  it('clears the host timer when the last timer is stopped', () => {
    const { host, clock } = setup();
    const a = clock.setTimeout(() => {}, 10);
    const b = clock.setTimeout(() => {}, 20);
    a.stop();
    expect(host.armed).toBe(1); // b remains: keep the (early) host timer
    b.stop();
    expect(host.armed).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('rounds fractional delays up for the host', () => {
    const { host, clock } = setup();
    host.time = 0.4;
    clock.setTimeout(() => {}, 2.2);
    expect(host.sets).toEqual([3]);
  });

  it('caps huge delays at the host maximum and re-arms when woken early', () => {
    const { host, clock } = setup();
    const fn = vi.fn();
    const day = 86_400_000;
    clock.setTimeout(fn, 30 * day);
    expect(host.sets).toEqual([0x7fffffff]);
    host.runUntil(0x7fffffff);
    expect(fn).not.toHaveBeenCalled();
    expect(host.sets[1]).toBe(30 * day - 0x7fffffff);
    host.runUntil(30 * day);
    expect(fn).toHaveBeenCalledOnce();
  });

  it('fires every timer due when the host wakes late', () => {
    const { host, clock } = setup();
    const order: number[] = [];
    for (const d of [3, 1, 2]) clock.setTimeout(() => order.push(d), d);
    host.time = 50; // the host was busy; the host timer had long been due
    host.fireNow();
    expect(order).toEqual([1, 2, 3]);
  });

  it('runs timers armed during a wake-up with delay 0 on a later host turn', () => {
    const { host, clock } = setup();
    let count = 0;
    const timer = clock.createTimer(() => {
      count++;
      timer.start(0); // would spin forever if run in the same turn
    });
    timer.start(5);
    host.time = 5;
    host.fireNow();
    expect(count).toBe(1);
    expect(host.sets.at(-1)).toBe(0);
    host.fireNow();
    expect(count).toBe(2);
    timer.stop();
    expect(host.armed).toBe(0);
  });

  it('schedules timers armed by callbacks for later', () => {
    const { host, clock } = setup();
    const seen: number[] = [];
    clock.setTimeout(() => {
      seen.push(clock.now());
      clock.setTimeout(() => seen.push(clock.now()), 5);
    }, 10);
    host.runUntil(100);
    expect(seen).toEqual([10, 15]);
    expect(host.armed).toBe(0);
  });

  it('an early host wake-up fires nothing and re-arms for the remainder', () => {
    const { host, clock } = setup();
    const fn = vi.fn();
    clock.setTimeout(fn, 10);
    host.time = 4;
    host.fireNow();
    expect(fn).not.toHaveBeenCalled();
    expect(host.sets).toEqual([10, 6]);
    host.runUntil(10);
    expect(fn).toHaveBeenCalledOnce();
  });

  it('a callback stopping another due timer prevents it from firing', () => {
    const { host, clock } = setup();
    const fn = vi.fn();
    const victim = clock.setTimeout(fn, 2);
    clock.setTimeout(() => victim.stop(), 1);
    host.runUntil(10);
    expect(fn).not.toHaveBeenCalled();
  });

  it('reports callback errors to onError and keeps firing', () => {
    const errors: unknown[] = [];
    const { host, clock } = setup({ onError: (e) => errors.push(e) });
    const fn = vi.fn();
    clock.setTimeout(() => {
      throw new Error('x');
    }, 1);
    clock.setTimeout(fn, 1);
    clock.setTimeout(fn, 7);
    host.runUntil(10);
    expect(errors).toHaveLength(1);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('close cancels the host timer, disarms timers, is idempotent, and later timers never fire', () => {
    const { host, clock } = setup();
    const fn = vi.fn();
    const timer = clock.setTimeout(fn, 10);
    clock.close();
    expect(host.armed).toBe(0);
    expect(timer.active).toBe(false);
    expect(clock.pending).toBe(0);
    clock.close();
    expect(host.clears).toBe(1);
    timer.start(5);
    expect(host.armed).toBe(0);
    host.runUntil(100);
    expect(fn).not.toHaveBeenCalled();
  });

  it('a callback may close the clock; the remaining due timers do not run', () => {
    const { host, clock } = setup();
    const fn = vi.fn();
    clock.setTimeout(() => clock.close(), 1);
    clock.setTimeout(fn, 1);
    host.runUntil(5);
    expect(fn).not.toHaveBeenCalled();
    expect(host.armed).toBe(0);
  });

  it('calls unref on host handles only when asked to', () => {
    const plain = setup();
    plain.clock.setTimeout(() => {}, 5);
    expect(plain.host.unrefs).toBe(0);
    const unref = setup({ unref: true });
    unref.clock.setTimeout(() => {}, 5);
    unref.clock.setTimeout(() => {}, 1);
    expect(unref.host.unrefs).toBe(2);
  });

  it('tolerates handles without unref (as in browsers)', () => {
    const host: HostTimers = { set: () => 42, clear: () => {} };
    const clock = new RealClock({ now: () => 0, host, unref: true });
    expect(() => clock.setTimeout(() => {}, 5)).not.toThrow();
  });
});

describe('RealClock defaults', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('rethrows callback errors from a microtask by default', () => {
    const queued: (() => void)[] = [];
    vi.stubGlobal('queueMicrotask', (cb: () => void) => queued.push(cb));
    const host = new FakeHost();
    const clock = new RealClock({ now: () => host.time, host });
    const boom = new Error('boom');
    const fn = vi.fn();
    clock.setTimeout(() => {
      throw boom;
    }, 1);
    clock.setTimeout(fn, 1);
    host.runUntil(1);
    expect(fn).toHaveBeenCalledOnce();
    expect(queued).toHaveLength(1);
    expect(() => queued[0]()).toThrow(boom);
  });

  it('runs on the real host timers and performance.now()', async () => {
    const clock = new RealClock();
    const start = clock.now();
    const firedAt = await new Promise<number>((resolve) => clock.setTimeout(() => resolve(clock.now()), 5));
    expect(firedAt - start).toBeGreaterThanOrEqual(5);
    expect(clock.pending).toBe(0);
    const never = clock.setTimeout(() => {}, 60_000);
    clock.close(); // must not leave the host timer keeping the process alive
    expect(never.active).toBe(false);
  });
});
