import type { NdInterfaceConfig } from '../nd-interface-options.js';
import type { InterfaceSettings } from './interface-settings.js';

/** Re-randomise ReachableTime at least this often even without RAs (RFC 4861 §6.3.4: "every few hours"). */
const RERANDOMISE_MS = 2 * 3_600_000;
/** MIN_RANDOM_FACTOR and MAX_RANDOM_FACTOR (RFC 4861 §10). */
const MIN_RANDOM_FACTOR = 0.5;
const MAX_RANDOM_FACTOR = 1.5;

/**
 * The host variables of one interface (RFC 4861 §6.3.2) that RAs may change: CurHopLimit, LinkMTU,
 * BaseReachableTime with its randomised ReachableTime, and RetransTimer. The last two start from
 * the interface's settings.
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
    settings: NdInterfaceConfig,
    private readonly random: () => number,
  ) {
    this.baseReachableTime = settings.reachableTimeMs;
    this.retransTimer = settings.retransTimerMs;
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

  /** The interface's settings changed: they apply now (a later RA may change them again). */
  configure(settings: NdInterfaceConfig, now: number): void {
    this.retransTimer = settings.retransTimerMs;
    this.setBaseReachableTime(settings.reachableTimeMs, now);
  }

  private rerandomise(now: number): void {
    const factor = MIN_RANDOM_FACTOR + (MAX_RANDOM_FACTOR - MIN_RANDOM_FACTOR) * this.random();
    this.reachable = Math.max(1, Math.round(this.baseReachableTime * factor));
    this.computedAt = now;
  }
}

/** The {@link LinkParameters} of every interface, created on first use. @internal */
export class LinkParameterTable {
  private readonly byIndex = new Map<number, LinkParameters>();

  constructor(
    private readonly settings: InterfaceSettings,
    private readonly random: () => number,
  ) {}

  of(ifindex: number): LinkParameters {
    let p = this.byIndex.get(ifindex);
    if (p === undefined) {
      p = new LinkParameters(ifindex, this.settings.of(ifindex), this.random);
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
