import type { NetInterface } from '../engine/interface.js';
import type { Stack } from '../engine/stack.js';
import type { Timer } from '../time/index.js';

/** Most series waiting at once; the oldest is abandoned beyond it. */
const MAX_PENDING = 256;

/**
 * Sends one announcement of an address of a resolver (gratuitous ARP, an unsolicited Neighbor
 * Advertisement).
 * @public
 */
export interface AnnouncementSender<K> {
  /**
   * Announce `address` on `ifp` now, with `linkAddress` (null: the address's own), if it is still
   * configured there and active; returns whether it was sent.
   */
  announceOnce(ifp: NetInterface, address: K, linkAddress: Uint8Array | null): boolean;
}

interface Series<K> {
  readonly ifindex: number;
  readonly address: K;
  readonly linkAddress: Uint8Array | null;
  readonly intervalMs: number;
  remaining: number;
  due: number;
}

/**
 * Repeated announcements of addresses that came up (RFC 5227 §2.3, RFC 4861 §7.2.6): `count`
 * announcements `intervalMs` apart per address, every series on one timer. A series ends early
 * when an announcement cannot go (the address was removed or is no longer active); a new series
 * for the same address replaces the old one. `address` is whatever identifies an address to the
 * resolver (compared with `===`).
 * @public
 */
export class AnnouncementSeries<K> {
  private pending: Series<K>[] = [];
  private readonly timer: Timer;

  constructor(
    private readonly stack: Stack,
    createTimer: (callback: () => void) => Timer,
    private readonly sender: AnnouncementSender<K>,
    /** Keep announcing after a first announcement that could not go (ARP), or give up (ND). */
    private readonly retryUnsentFirst: boolean,
  ) {
    this.timer = createTimer(() => this.run());
  }

  /** Start a series for `address` on `ifp`; the first announcement goes now. */
  start(ifp: NetInterface, address: K, linkAddress: Uint8Array | null, count: number, intervalMs: number): void {
    if (count === 0) return;
    this.pending = this.pending.filter((p) => !(p.ifindex === ifp.index && p.address === address));
    const sent = this.sender.announceOnce(ifp, address, linkAddress);
    if ((!sent && !this.retryUnsentFirst) || count === 1) return;
    if (this.pending.length >= MAX_PENDING) this.pending.shift();
    this.pending.push({
      ifindex: ifp.index,
      address,
      linkAddress: linkAddress === null ? null : linkAddress.slice(),
      intervalMs,
      remaining: count - 1,
      due: this.stack.clock.now() + intervalMs,
    });
    this.arm();
  }

  /** Series waiting. */
  get size(): number {
    return this.pending.length;
  }

  /** Abandon every series. */
  clear(): void {
    this.pending = [];
    this.timer.stop();
  }

  private run(): void {
    const now = this.stack.clock.now();
    const keep: Series<K>[] = [];
    for (const p of this.pending) {
      if (p.due > now) {
        keep.push(p);
        continue;
      }
      const ifp = this.stack.interfaces.get(p.ifindex);
      if (ifp === undefined || !this.sender.announceOnce(ifp, p.address, p.linkAddress)) continue;
      if (--p.remaining > 0) {
        p.due = now + p.intervalMs;
        keep.push(p);
      }
    }
    this.pending = keep;
    this.arm();
  }

  private arm(): void {
    if (this.pending.length === 0) {
      this.timer.stop();
      return;
    }
    let next = Infinity;
    for (const p of this.pending) if (p.due < next) next = p.due;
    this.timer.start(next - this.stack.clock.now());
  }
}
