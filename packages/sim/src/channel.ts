import type { Clock } from '@stack/core';
import type { FrameDestination } from './frame-slot.js';
import type { FrameScheduler } from './frame-scheduler.js';
import { emptyImpairmentStats, resolveImpairment, type Impairment, type ImpairmentStats, type ResolvedImpairment } from './impairment.js';
import { LineSerializer } from './line-serializer.js';
import { SeededRandom } from './seeded-random.js';

/**
 * What sits at the far end of a channel: a simulated device, or a switch's ingress. Returns false
 * when the frame is lost because the receiving side is down.
 * @internal
 */
export interface FrameTarget {
  acceptFrame(bytes: Uint8Array, length: number): boolean;
}

/**
 * One direction of a link: applies its {@link Impairment}, copies each surviving frame into a
 * scheduler slot and has it delivered to the target when due.
 * @internal
 */
export class Channel implements FrameDestination {
  readonly stats: ImpairmentStats = emptyImpairmentStats();
  private config!: ResolvedImpairment;
  private random!: SeededRandom;
  private serializer: LineSerializer | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly scheduler: FrameScheduler,
    private readonly target: FrameTarget,
    /** Seed used when the impairment does not name one. */
    private readonly defaultSeed: number,
    impairment: Impairment | null | undefined,
  ) {
    this.configure(impairment);
  }

  /** The impairment in force, with defaults filled in. */
  get impairment(): ResolvedImpairment {
    return this.config;
  }

  /** Replace the impairment. Restarts the generator from its seed and empties the rate limiter. */
  configure(impairment: Impairment | null | undefined): void {
    const config = resolveImpairment(impairment);
    this.config = config;
    this.random = new SeededRandom(config.seed ?? this.defaultSeed);
    this.serializer = config.rateBitsPerSecond > 0 ? new LineSerializer(config.rateBitsPerSecond, config.queueLimit) : null;
  }

  /**
   * Send `length` bytes at `bytes[offset]` down this direction; they are copied before returning.
   * Returns false only when the rate limiter's queue tail-dropped the frame.
   */
  transmit(bytes: Uint8Array, offset: number, length: number): boolean {
    const config = this.config;
    const random = this.random;
    const stats = this.stats;
    stats.offered++;
    if (random.chance(config.loss)) {
      stats.lost++;
      return true;
    }
    const now = this.clock.now();
    let departure = now;
    if (this.serializer !== null) {
      departure = this.serializer.enqueue(now, length);
      if (Number.isNaN(departure)) {
        stats.queueDropped++;
        return false;
      }
    }
    let delay = config.delay;
    if (config.jitter > 0) delay = Math.max(0, delay + (random.nextFloat() * 2 - 1) * config.jitter);
    if (random.chance(config.reorder)) {
      stats.reordered++;
      delay += config.reorderDelay;
    }
    const due = departure + delay;
    const copies = random.chance(config.duplicate) ? 2 : 1;
    if (copies === 2) stats.duplicated++;
    for (let copy = 0; copy < copies; copy++) {
      const slot = this.scheduler.acquire(length);
      // A subarray view is the one small allocation per frame; the copy itself is unavoidable.
      slot.bytes.set(bytes.subarray(offset, offset + length));
      if (length > 0 && random.chance(config.corrupt)) {
        stats.corrupted++;
        const bit = random.nextInt(length * 8);
        slot.bytes[bit >>> 3] ^= 1 << (bit & 7);
      }
      this.scheduler.schedule(slot, due, this);
    }
    return true;
  }

  deliverFrame(bytes: Uint8Array, length: number): void {
    if (this.target.acceptFrame(bytes, length)) this.stats.delivered++;
    else this.stats.downDropped++;
  }
}
