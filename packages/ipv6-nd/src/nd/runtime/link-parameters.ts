import type { NdConfig } from '../nd-options.js';

/** Re-randomise ReachableTime at least this often even without RAs (RFC 4861 §6.3.4: "every few hours"). */
const RERANDOMISE_MS = 2 * 3_600_000;
/** MIN_RANDOM_FACTOR and MAX_RANDOM_FACTOR (RFC 4861 §10). */
const MIN_RANDOM_FACTOR = 0.5;
const MAX_RANDOM_FACTOR = 1.5;

/**
 * The host variables of one interface (RFC 4861 §6.3.2) that RAs may change: CurHopLimit, LinkMTU,
 * BaseReachableTime with its randomised ReachableTime, and RetransTimer.
 * @internal
 */
export class LinkParameters {
  /** 0 until an RA advertises one. */
  curHopLimit = 0;
  /** 0 until an RA MTU option gives one. */
  linkMtu = 0;
  baseReachableTime: number;
  retransTimer: number;
  private reachable = 0;
  private computedAt = -Infinity;

  constructor(
    readonly ifindex: number,
    private readonly config: NdConfig,
  ) {
    this.baseReachableTime = config.reachableTimeMs;
    this.retransTimer = config.retransTimerMs;
  }

  /** ReachableTime: BaseReachableTime times a uniform random factor in [0.5, 1.5] (§6.3.2). */
  reachableTime(now: number): number {
    if (now - this.computedAt >= RERANDOMISE_MS) this.rerandomise(now);
    return this.reachable;
  }

  /** An RA set BaseReachableTime (§6.3.4: recompute only when the value changes). */
  setBaseReachableTime(ms: number, now: number): void {
    if (ms === this.baseReachableTime) return;
    this.baseReachableTime = ms;
    this.rerandomise(now);
  }

  private rerandomise(now: number): void {
    const factor = MIN_RANDOM_FACTOR + (MAX_RANDOM_FACTOR - MIN_RANDOM_FACTOR) * this.config.random();
    this.reachable = Math.max(1, Math.round(this.baseReachableTime * factor));
    this.computedAt = now;
  }
}

/** The {@link LinkParameters} of every interface, created on first use. @internal */
export class LinkParameterTable {
  private readonly byIndex = new Map<number, LinkParameters>();

  constructor(private readonly config: NdConfig) {}

  of(ifindex: number): LinkParameters {
    let p = this.byIndex.get(ifindex);
    if (p === undefined) {
      p = new LinkParameters(ifindex, this.config);
      this.byIndex.set(ifindex, p);
    }
    return p;
  }

  peek(ifindex: number): LinkParameters | undefined {
    return this.byIndex.get(ifindex);
  }

  delete(ifindex: number): void {
    this.byIndex.delete(ifindex);
  }

  clear(): void {
    this.byIndex.clear();
  }
}
