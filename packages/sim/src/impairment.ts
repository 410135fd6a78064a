/**
 * What one direction of a simulated link does to the frames crossing it, like Linux `netem`.
 * Every decision draws from the direction's own seeded generator, so a run is reproducible.
 * Probabilities are in [0, 1]; times are in the clock's milliseconds.
 *
 * Order per frame: link down → loss → rate limit (queue, tail drop) → delay ± jitter →
 * reorder hold-back → duplicate → corrupt (decided per copy).
 * @public
 */
export interface Impairment {
  /** Probability that a frame is lost. */
  loss?: number;
  /** Probability that a frame is delivered twice (the copy right after the original). */
  duplicate?: number;
  /** Probability that a frame is held back by `reorderDelay`, so later frames overtake it. */
  reorder?: number;
  /** Extra delay of a reordered frame, ms. Default 1. */
  reorderDelay?: number;
  /** Fixed one-way delay, ms. Default 0. */
  delay?: number;
  /**
   * Uniform jitter added to `delay`, in [-jitter, +jitter] ms (the total never goes below 0).
   * As with netem, jitter larger than the frame spacing reorders frames.
   */
  jitter?: number;
  /** Probability that one uniformly chosen bit of a frame is flipped. */
  corrupt?: number;
  /**
   * Line rate: each frame occupies the line for `length × 8 / rate` seconds and waits its turn in
   * a FIFO. Unset or 0: unlimited.
   */
  rateBitsPerSecond?: number;
  /** Frames that may wait behind the one on the line before new ones are tail-dropped. Default 64. */
  queueLimit?: number;
  /** Seed for this direction's generator. Default: derived from the network seed. */
  seed?: number;
}

/**
 * Per-direction counters of what the impairment did.
 * @public
 */
export interface ImpairmentStats {
  /** Frames handed to this direction. */
  offered: number;
  /** Frames (including duplicates) that reached the far side. */
  delivered: number;
  /** Frames dropped by `loss`. */
  lost: number;
  /** Extra copies made by `duplicate`. */
  duplicated: number;
  /** Frames held back by `reorder`. */
  reordered: number;
  /** Copies with a flipped bit. */
  corrupted: number;
  /** Frames tail-dropped because the rate limiter's queue was full. */
  queueDropped: number;
  /** Frames lost because the link was down when they arrived. */
  downDropped: number;
}

/** An {@link Impairment} with every field filled in and checked. @internal */
export interface ResolvedImpairment {
  readonly loss: number;
  readonly duplicate: number;
  readonly reorder: number;
  readonly reorderDelay: number;
  readonly delay: number;
  readonly jitter: number;
  readonly corrupt: number;
  readonly rateBitsPerSecond: number;
  readonly queueLimit: number;
  readonly seed: number | undefined;
}

/** Fill defaults and validate; a bad value is a programming error and throws RangeError. @internal */
export function resolveImpairment(impairment: Impairment | null | undefined): ResolvedImpairment {
  const given = impairment ?? {};
  return {
    loss: probability('loss', given.loss),
    duplicate: probability('duplicate', given.duplicate),
    reorder: probability('reorder', given.reorder),
    reorderDelay: nonNegative('reorderDelay', given.reorderDelay, 1),
    delay: nonNegative('delay', given.delay, 0),
    jitter: nonNegative('jitter', given.jitter, 0),
    corrupt: probability('corrupt', given.corrupt),
    rateBitsPerSecond: nonNegative('rateBitsPerSecond', given.rateBitsPerSecond, 0),
    queueLimit: Math.floor(nonNegative('queueLimit', given.queueLimit, 64)),
    seed: given.seed,
  };
}

/** A zeroed {@link ImpairmentStats}. @internal */
export function emptyImpairmentStats(): ImpairmentStats {
  return { offered: 0, delivered: 0, lost: 0, duplicated: 0, reordered: 0, corrupted: 0, queueDropped: 0, downDropped: 0 };
}

function probability(name: string, value: number | undefined): number {
  if (value === undefined) return 0;
  if (!(value >= 0 && value <= 1)) throw new RangeError(`Impairment.${name} must be a probability in [0, 1], got ${value}`);
  return value;
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(value >= 0) || !Number.isFinite(value)) throw new RangeError(`Impairment.${name} must be a finite number ≥ 0, got ${value}`);
  return value;
}
