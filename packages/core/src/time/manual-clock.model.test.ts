// Property test: the heap-backed ManualClock against a naive model that keeps armed timers in an
// unsorted list and scans it for the earliest (deadline, arming order) each time.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Timer } from './clock.js';
import { ManualClock } from './manual-clock.js';
import { TimerQueue } from './timer-queue.js';

const TIMERS = 16;

/** What a timer's callback does to another timer when it fires. */
type Reaction = { kind: 'none' } | { kind: 'start'; target: number; delay: number } | { kind: 'stop'; target: number };

type Op =
  | { kind: 'start'; timer: number; delay: number }
  | { kind: 'stop'; timer: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'runDue' };

interface ModelTimer {
  deadline: number; // NaN when idle
  seq: number;
}

class Model {
  now = 0;
  private seq = 0;
  readonly timers: ModelTimer[] = Array.from({ length: TIMERS }, () => ({ deadline: Number.NaN, seq: 0 }));
  readonly log: [number, number][] = [];

  constructor(private readonly reactions: Reaction[]) {}

  start(i: number, delay: number): void {
    this.timers[i] = { deadline: this.now + Math.max(0, delay), seq: this.seq++ };
  }

  stop(i: number): void {
    this.timers[i] = { deadline: Number.NaN, seq: 0 };
  }

  advanceTo(target: number): number {
    let fired = 0;
    for (;;) {
      let best = -1;
      this.timers.forEach((t, i) => {
        if (Number.isNaN(t.deadline) || t.deadline > target) return;
        const b = this.timers[best];
        if (best < 0 || t.deadline < b.deadline || (t.deadline === b.deadline && t.seq < b.seq)) best = i;
      });
      if (best < 0) break;
      this.now = this.timers[best].deadline;
      this.stop(best);
      fired++;
      this.log.push([best, this.now]);
      const reaction = this.reactions[best];
      if (reaction.kind === 'start') this.start(reaction.target, reaction.delay);
      else if (reaction.kind === 'stop') this.stop(reaction.target);
    }
    this.now = target;
    return fired;
  }

  get pending(): number {
    return this.timers.filter((t) => !Number.isNaN(t.deadline)).length;
  }

  nextDeadline(): number {
    const armed = this.timers.map((t) => t.deadline).filter((d) => !Number.isNaN(d));
    return armed.length === 0 ? Number.NaN : Math.min(...armed);
  }
}

/** Differences between the clock and the model, or null. Plain checks: expect() per field is slow. */
function compare(clock: ManualClock, timers: Timer[], model: Model): string | null {
  if (clock.now() !== model.now) return `now ${clock.now()} vs ${model.now}`;
  if (clock.pending !== model.pending) return `pending ${clock.pending} vs ${model.pending}`;
  if (!Object.is(clock.nextDeadline(), model.nextDeadline()))
    return `nextDeadline ${clock.nextDeadline()} vs ${model.nextDeadline()}`;
  for (let i = 0; i < TIMERS; i++) {
    const expected = model.timers[i].deadline;
    if (!Object.is(timers[i].deadline, expected)) return `timer ${i} deadline ${timers[i].deadline} vs ${expected}`;
    if (timers[i].active === Number.isNaN(expected)) return `timer ${i} active ${timers[i].active}`;
  }
  return null;
}

const timerIndex = fc.noBias(fc.integer({ min: 0, max: TIMERS - 1 }));
// Integer delays make equal deadlines (ties) common; a few fractional ones too. Delays long
// against the advance steps let many timers be armed at once, so the heap gets deep.
const delay = fc.oneof(fc.noBias(fc.integer({ min: -2, max: 60 })), fc.constantFrom(0, 0.5, 2.25, 7.125));

const reaction: fc.Arbitrary<Reaction> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'none' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('start' as const),
      target: timerIndex,
      delay: fc.integer({ min: 1, max: 30 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('stop' as const), target: timerIndex }) },
);

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('start' as const), timer: timerIndex, delay }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('stop' as const), timer: timerIndex }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 10 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'runDue' as const }) },
);

describe('ManualClock against a naive model', () => {
  it('fires the same timers at the same times, and agrees on state after every step', () => {
    fc.assert(
      fc.property(
        fc.array(reaction, { minLength: TIMERS, maxLength: TIMERS }),
        fc.array(op, { minLength: 20, maxLength: 200, size: 'max' }),
        (reactions, ops) => {
          const model = new Model(reactions);
          const clock = new ManualClock();
          const log: [number, number][] = [];
          const timers: Timer[] = [];
          for (let i = 0; i < TIMERS; i++) {
            timers.push(
              clock.createTimer(() => {
                log.push([i, clock.now()]);
                const r = reactions[i];
                if (r.kind === 'start') timers[r.target].start(r.delay);
                else if (r.kind === 'stop') timers[r.target].stop();
              }),
            );
          }
          for (const step of ops) {
            switch (step.kind) {
              case 'start':
                timers[step.timer].start(step.delay);
                model.start(step.timer, step.delay);
                break;
              case 'stop':
                timers[step.timer].stop();
                model.stop(step.timer);
                break;
              case 'advance':
                expect(clock.advance(step.ms)).toBe(model.advanceTo(model.now + step.ms));
                break;
              case 'runDue':
                expect(clock.runDue()).toBe(model.advanceTo(model.now));
                break;
            }
            const mismatch = compare(clock, timers, model);
            if (mismatch !== null) expect.fail(`after ${JSON.stringify(step)}: ${mismatch}`);
          }
          expect(log).toEqual(model.log);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('TimerQueue heap', () => {
  it('keeps the heap property and stored indexes through random arm/disarm', () => {
    fc.assert(
      fc.property(
        // noBias: spread over all 64 timers and all delays, not fast-check's favourite small values.
        fc.array(
          fc.tuple(
            fc.noBias(fc.integer({ min: 0, max: 63 })),
            fc.option(fc.noBias(fc.integer({ min: 0, max: 50 })), { nil: undefined, freq: 3 }),
          ),
          { minLength: 50, maxLength: 400, size: 'max' },
        ),
        (steps) => {
          const queue = new TimerQueue(() => 0);
          const timers = Array.from({ length: 64 }, () => queue.create(() => {}));
          for (const [i, d] of steps) {
            if (d === undefined) timers[i].stop();
            else timers[i].start(d);
            expect(queue.isValid()).toBe(true);
          }
          // Draining yields non-decreasing (due, seq).
          let previous: [number, number] = [-1, -1];
          while (queue.size > 0) {
            const head = queue.peek()!;
            const key: [number, number] = [head.due, head.seq];
            expect(key[0] > previous[0] || (key[0] === previous[0] && key[1] > previous[1])).toBe(true);
            previous = key;
            queue.takeHead();
            expect(queue.isValid()).toBe(true);
          }
          expect(timers.every((t) => !t.active)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});
