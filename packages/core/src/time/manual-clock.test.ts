import { describe, expect, it, vi } from 'vitest';
import { ManualClock } from './manual-clock.js';

describe('ManualClock basics', () => {
  it('starts at the given time and stands still', () => {
    expect(new ManualClock().now()).toBe(0);
    const clock = new ManualClock(1000);
    expect(clock.now()).toBe(1000);
    expect(clock.pending).toBe(0);
    expect(clock.nextDeadline()).toBeNaN();
  });

  it('rejects a non-finite start time', () => {
    expect(() => new ManualClock(Number.NaN)).toThrow(RangeError);
    expect(() => new ManualClock(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it('fires a timer once when its deadline is reached, with now() at the deadline', () => {
    const clock = new ManualClock(100);
    const seen: number[] = [];
    const timer = clock.setTimeout(() => seen.push(clock.now()), 50);
    expect(timer.active).toBe(true);
    expect(timer.deadline).toBe(150);
    expect(clock.pending).toBe(1);
    expect(clock.nextDeadline()).toBe(150);
    expect(clock.advance(49)).toBe(0);
    expect(seen).toEqual([]);
    expect(clock.advance(100)).toBe(1);
    expect(seen).toEqual([150]);
    expect(clock.now()).toBe(249);
    expect(timer.active).toBe(false);
    expect(timer.deadline).toBeNaN();
    expect(clock.pending).toBe(0);
    expect(clock.advance(1000)).toBe(0);
    expect(seen).toEqual([150]);
  });

  it('fires at exactly the deadline (inclusive)', () => {
    const clock = new ManualClock();
    const fn = vi.fn();
    clock.setTimeout(fn, 10);
    expect(clock.advance(10)).toBe(1);
    expect(fn).toHaveBeenCalledOnce();
  });

  it('supports fractional times', () => {
    const clock = new ManualClock(0.5);
    const seen: number[] = [];
    clock.setTimeout(() => seen.push(clock.now()), 0.25);
    clock.advance(0.2);
    expect(seen).toEqual([]);
    clock.advance(0.05);
    expect(seen).toEqual([0.75]);
  });

  it('createTimer gives an idle timer', () => {
    const clock = new ManualClock();
    const fn = vi.fn();
    const timer = clock.createTimer(fn);
    expect(timer.active).toBe(false);
    expect(timer.deadline).toBeNaN();
    expect(clock.pending).toBe(0);
    clock.runAll();
    expect(fn).not.toHaveBeenCalled();
  });

  it('treats a negative delay as 0 and rejects non-finite delays', () => {
    const clock = new ManualClock(5);
    const timer = clock.createTimer(() => {});
    timer.start(-10);
    expect(timer.deadline).toBe(5);
    expect(() => timer.start(Number.NaN)).toThrow(RangeError);
    expect(() => timer.start(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(timer.deadline).toBe(5); // a rejected start leaves the timer as it was
  });
});

describe('ManualClock ordering', () => {
  it('fires in deadline order regardless of arming order', () => {
    const clock = new ManualClock();
    const order: string[] = [];
    clock.setTimeout(() => order.push('c'), 30);
    clock.setTimeout(() => order.push('a'), 10);
    clock.setTimeout(() => order.push('b'), 20);
    expect(clock.advance(100)).toBe(3);
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('breaks ties in the order timers were armed, counting restarts as arming', () => {
    const clock = new ManualClock();
    const order: string[] = [];
    const a = clock.setTimeout(() => order.push('a'), 10);
    clock.setTimeout(() => order.push('b'), 10);
    clock.setTimeout(() => order.push('c'), 10);
    a.start(10); // re-armed last: now fires last among equals
    clock.advance(10);
    expect(order).toEqual(['b', 'c', 'a']);
  });

  it('breaks ties between timers armed at different times for the same deadline', () => {
    const clock = new ManualClock();
    const order: string[] = [];
    clock.setTimeout(() => order.push('first'), 20);
    clock.advance(5);
    clock.setTimeout(() => order.push('second'), 15);
    clock.advance(15);
    expect(order).toEqual(['first', 'second']);
  });

  it('runs each callback with now() equal to its own deadline', () => {
    const clock = new ManualClock();
    const seen: [string, number][] = [];
    for (const [name, delay] of [
      ['x', 7],
      ['y', 3],
      ['z', 12.5],
    ] as const) {
      clock.setTimeout(() => seen.push([name, clock.now()]), delay);
    }
    clock.advance(20);
    expect(seen).toEqual([
      ['y', 3],
      ['x', 7],
      ['z', 12.5],
    ]);
    expect(clock.now()).toBe(20);
  });
});

describe('ManualClock restart, stop and dispose', () => {
  it('restarting an armed timer moves it, later or earlier, and it fires once', () => {
    const clock = new ManualClock();
    const fn = vi.fn();
    const timer = clock.setTimeout(fn, 10);
    timer.start(50);
    expect(timer.deadline).toBe(50);
    expect(clock.pending).toBe(1);
    clock.advance(20);
    expect(fn).not.toHaveBeenCalled();
    timer.start(5);
    expect(timer.deadline).toBe(25);
    clock.advance(100);
    expect(fn).toHaveBeenCalledOnce();
  });

  it('a fired timer can be started again', () => {
    const clock = new ManualClock();
    const fn = vi.fn();
    const timer = clock.setTimeout(fn, 1);
    clock.advance(1);
    timer.start(1);
    clock.advance(1);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('stop disarms, and is harmless when idle or repeated', () => {
    const clock = new ManualClock();
    const fn = vi.fn();
    const timer = clock.createTimer(fn);
    timer.stop();
    timer.start(10);
    timer.stop();
    timer.stop();
    expect(timer.active).toBe(false);
    expect(timer.deadline).toBeNaN();
    expect(clock.pending).toBe(0);
    clock.advance(100);
    expect(fn).not.toHaveBeenCalled();
  });

  it('stopping one timer leaves the others in order', () => {
    const clock = new ManualClock();
    const order: number[] = [];
    const timers = [5, 1, 4, 2, 3].map((d) => clock.setTimeout(() => order.push(d), d));
    timers[1].stop(); // the earliest
    timers[2].stop(); // a middle one
    clock.advance(10);
    expect(order).toEqual([2, 3, 5]);
  });

  it('dispose stops the timer and makes start throw; stop and dispose stay harmless', () => {
    const clock = new ManualClock();
    const fn = vi.fn();
    const timer = clock.setTimeout(fn, 10);
    timer.dispose();
    expect(timer.active).toBe(false);
    expect(clock.pending).toBe(0);
    expect(() => timer.start(1)).toThrow(/disposed/);
    timer.stop();
    timer.dispose();
    clock.advance(100);
    expect(fn).not.toHaveBeenCalled();
  });
});

describe('ManualClock callbacks changing timers', () => {
  it('fires timers armed by callbacks when they fall due within the window', () => {
    const clock = new ManualClock();
    const seen: [string, number][] = [];
    clock.setTimeout(() => {
      seen.push(['outer', clock.now()]);
      clock.setTimeout(() => seen.push(['inner', clock.now()]), 5);
      clock.setTimeout(() => seen.push(['late', clock.now()]), 50);
    }, 10);
    expect(clock.advance(20)).toBe(2);
    expect(seen).toEqual([
      ['outer', 10],
      ['inner', 15],
    ]);
    expect(clock.pending).toBe(1);
    expect(clock.nextDeadline()).toBe(60);
  });

  it('a periodic timer fires once per period within the window', () => {
    const clock = new ManualClock();
    const times: number[] = [];
    const tick = clock.createTimer(() => {
      times.push(clock.now());
      tick.start(10);
    });
    tick.start(10);
    expect(clock.advance(45)).toBe(4);
    expect(times).toEqual([10, 20, 30, 40]);
    expect(tick.deadline).toBe(50);
  });

  it('a timer re-armed with delay 0 inside a callback fires at the same instant', () => {
    const clock = new ManualClock();
    const seen: number[] = [];
    let rounds = 0;
    const timer = clock.createTimer(() => {
      seen.push(clock.now());
      if (++rounds < 3) timer.start(0);
    });
    timer.start(4);
    expect(clock.advance(4)).toBe(3);
    expect(seen).toEqual([4, 4, 4]);
  });

  it('a callback stopping another due timer prevents it from firing', () => {
    const clock = new ManualClock();
    const fn = vi.fn();
    const victim = clock.setTimeout(fn, 10);
    clock.setTimeout(() => victim.stop(), 5);
    clock.advance(10);
    expect(fn).not.toHaveBeenCalled();
  });

  it('a callback stopping another timer due at the same instant prevents it from firing', () => {
    const clock = new ManualClock();
    const fn = vi.fn();
    let victim = clock.createTimer(fn);
    clock.setTimeout(() => victim.stop(), 10);
    victim = clock.setTimeout(fn, 10);
    clock.advance(10);
    expect(fn).not.toHaveBeenCalled();
  });

  it('a callback moving another due timer later defers it', () => {
    const clock = new ManualClock();
    const seen: number[] = [];
    const moved = clock.setTimeout(() => seen.push(clock.now()), 10);
    clock.setTimeout(() => moved.start(20), 5);
    clock.advance(10);
    expect(seen).toEqual([]);
    clock.advance(20);
    expect(seen).toEqual([25]);
  });

  it('a timer sees itself idle inside its own callback', () => {
    const clock = new ManualClock();
    let state: [boolean, number] | undefined;
    const timer = clock.createTimer(() => {
      state = [timer.active, timer.deadline];
    });
    timer.start(1);
    clock.advance(1);
    expect(state?.[0]).toBe(false);
    expect(state?.[1]).toBeNaN();
  });

  it('refuses to advance time from inside a callback, and keeps working afterwards', () => {
    const clock = new ManualClock();
    let inner: unknown;
    clock.setTimeout(() => {
      try {
        clock.advance(1);
      } catch (error) {
        inner = error;
      }
    }, 1);
    clock.advance(1);
    expect(inner).toBeInstanceOf(Error);
    const fn = vi.fn();
    clock.setTimeout(fn, 1);
    clock.advance(1);
    expect(fn).toHaveBeenCalledOnce();
  });
});

describe('ManualClock advancing', () => {
  it('advanceTo moves to an absolute time and rejects going back', () => {
    const clock = new ManualClock(10);
    const fn = vi.fn();
    clock.setTimeout(fn, 5);
    expect(clock.advanceTo(15)).toBe(1);
    expect(clock.now()).toBe(15);
    expect(clock.advanceTo(15)).toBe(0);
    expect(() => clock.advanceTo(14)).toThrow(RangeError);
    expect(() => clock.advanceTo(Number.NaN)).toThrow(RangeError);
    expect(() => clock.advanceTo(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it('advance rejects negative and non-finite amounts', () => {
    const clock = new ManualClock();
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
    expect(() => clock.advance(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(clock.now()).toBe(0);
  });

  it('runDue fires only what is due now, including delay-0 timers armed meanwhile', () => {
    const clock = new ManualClock(7);
    const order: string[] = [];
    clock.setTimeout(() => {
      order.push('zero');
      clock.setTimeout(() => order.push('chained'), 0);
    }, 0);
    clock.setTimeout(() => order.push('later'), 1);
    expect(clock.runDue()).toBe(2);
    expect(order).toEqual(['zero', 'chained']);
    expect(clock.now()).toBe(7);
    expect(clock.pending).toBe(1);
  });

  it('advance(0) behaves like runDue', () => {
    const clock = new ManualClock();
    const fn = vi.fn();
    clock.setTimeout(fn, 0);
    expect(clock.advance(0)).toBe(1);
  });

  it('runAll jumps through every deadline and stays at the last one', () => {
    const clock = new ManualClock();
    const seen: number[] = [];
    clock.setTimeout(() => {
      seen.push(clock.now());
      clock.setTimeout(() => seen.push(clock.now()), 1000);
    }, 100);
    clock.setTimeout(() => seen.push(clock.now()), 50);
    expect(clock.runAll()).toBe(3);
    expect(seen).toEqual([50, 100, 1100]);
    expect(clock.now()).toBe(1100);
    expect(clock.pending).toBe(0);
    expect(clock.runAll()).toBe(0);
    expect(clock.now()).toBe(1100);
  });

  it('runAll throws when its limit is hit by a runaway periodic timer', () => {
    const clock = new ManualClock();
    const tick = clock.createTimer(() => tick.start(1));
    tick.start(1);
    expect(() => clock.runAll(50)).toThrow(/50 timers fired/);
    expect(clock.now()).toBe(50);
    expect(tick.active).toBe(true);
    tick.stop();
    expect(clock.runAll()).toBe(0);
  });

  it('runAll does not throw when exactly limit timers fire and the clock goes idle', () => {
    const clock = new ManualClock();
    for (let i = 1; i <= 5; i++) clock.setTimeout(() => {}, i);
    expect(clock.runAll(5)).toBe(5);
  });
});

describe('ManualClock callback errors', () => {
  it('keeps firing other due timers and rethrows after the advance', () => {
    const clock = new ManualClock();
    const order: string[] = [];
    const boom = new Error('boom');
    clock.setTimeout(() => order.push('before'), 1);
    clock.setTimeout(() => {
      order.push('thrower');
      throw boom;
    }, 2);
    clock.setTimeout(() => order.push('after'), 3);
    clock.setTimeout(() => order.push('not yet'), 30);
    expect(() => clock.advance(10)).toThrow(boom);
    expect(order).toEqual(['before', 'thrower', 'after']);
    expect(clock.now()).toBe(10); // time still reached the target
    expect(clock.pending).toBe(1);
    expect(clock.advance(20)).toBe(1);
  });

  it('aggregates several errors', () => {
    const clock = new ManualClock();
    const e1 = new Error('one');
    const e2 = new Error('two');
    clock.setTimeout(() => {
      throw e1;
    }, 1);
    clock.setTimeout(() => {
      throw e2;
    }, 2);
    let caught: unknown;
    try {
      clock.runAll();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AggregateError);
    expect((caught as AggregateError).errors).toEqual([e1, e2]);
  });

  it('reports through onError as errors happen, and then does not throw', () => {
    const errors: unknown[] = [];
    const clock = new ManualClock(0, { onError: (error) => errors.push(error) });
    const fired: number[] = [];
    clock.setTimeout(() => {
      throw new Error('x');
    }, 1);
    clock.setTimeout(() => fired.push(clock.now()), 2);
    expect(clock.advance(5)).toBe(2);
    expect(errors).toHaveLength(1);
    expect(fired).toEqual([2]);
  });

  it('a timer whose callback threw can be restarted', () => {
    const clock = new ManualClock(0, { onError: () => {} });
    let calls = 0;
    const timer = clock.createTimer(() => {
      calls++;
      throw new Error('again');
    });
    timer.start(1);
    clock.advance(1);
    timer.start(1);
    clock.advance(1);
    expect(calls).toBe(2);
  });
});

describe('many timers', () => {
  it('fires thousands of heavily restarted timers once each, in deadline order', () => {
    const clock = new ManualClock();
    const firedAt: number[] = [];
    const firedIds: number[] = [];
    const timers = Array.from({ length: 5000 }, (_, i) =>
      clock.createTimer(() => {
        firedIds.push(i);
        firedAt.push(clock.now());
      }),
    );
    for (let round = 0; round < 10; round++) timers.forEach((t, i) => t.start(((i + round) * 104729) % 1000));
    timers.forEach((t, i) => i % 3 === 0 && t.stop());
    const armed = timers.filter((t) => t.active).length;
    expect(armed).toBe(5000 - 1667);
    expect(clock.pending).toBe(armed);
    expect(clock.advance(1000)).toBe(armed);
    expect(new Set(firedIds).size).toBe(armed);
    expect(firedIds.every((i) => i % 3 !== 0)).toBe(true);
    expect(firedAt.every((t, k) => k === 0 || firedAt[k - 1] <= t)).toBe(true);
  });
});
