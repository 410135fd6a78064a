import type { InterfaceAddress, NetInterface, Timer } from '@stack/core';
import type { NdRuntime } from '../runtime/nd-runtime.js';
import { NaFlags } from '../wire/index.js';

interface Series {
  readonly ifindex: number;
  readonly addr: InterfaceAddress;
  readonly linkAddress: Uint8Array | null;
  remaining: number;
  due: number;
}

/** Most series waiting at once; the oldest is abandoned beyond it. */
const MAX_PENDING = 256;

/**
 * Unsolicited Neighbor Advertisements (RFC 4861 §7.2.6): up to MAX_NEIGHBOR_ADVERTISEMENT
 * advertisements to all nodes with the Override flag, one interval apart, while the address stays
 * configured and active. CARP calls this after becoming master, with its virtual MAC.
 * @internal
 */
export class Announcer {
  private pending: Series[] = [];
  private readonly timer: Timer;

  constructor(private readonly rt: NdRuntime) {
    this.timer = rt.timers.create(() => this.run());
  }

  start(ifp: NetInterface, addr: InterfaceAddress, linkAddress: Uint8Array | null): void {
    const count = this.rt.config.announceCount;
    if (count === 0) return;
    this.pending = this.pending.filter((p) => p.addr !== addr);
    if (!this.sendOne(ifp, addr, linkAddress) || count === 1) return;
    if (this.pending.length >= MAX_PENDING) this.pending.shift();
    this.pending.push({
      ifindex: ifp.index,
      addr,
      linkAddress: linkAddress === null ? null : linkAddress.slice(),
      remaining: count - 1,
      due: this.rt.stack.clock.now() + this.rt.config.announceIntervalMs,
    });
    this.arm();
  }

  get size(): number {
    return this.pending.length;
  }

  clear(): void {
    this.pending = [];
    this.timer.stop();
  }

  private run(): void {
    const now = this.rt.stack.clock.now();
    const keep: Series[] = [];
    for (const p of this.pending) {
      if (p.due > now) {
        keep.push(p);
        continue;
      }
      const ifp = this.rt.stack.interfaces.get(p.ifindex);
      if (ifp === undefined || !this.sendOne(ifp, p.addr, p.linkAddress)) continue;
      if (--p.remaining > 0) {
        p.due = now + this.rt.config.announceIntervalMs;
        keep.push(p);
      }
    }
    this.pending = keep;
    this.arm();
  }

  private sendOne(ifp: NetInterface, addr: InterfaceAddress, linkAddress: Uint8Array | null): boolean {
    if (!ifp.addresses.includes(addr) || !addr.isActive(ifp) || !ifp.isRunning) return false;
    const link = linkAddress ?? addr.linkAddress(ifp);
    if (link === null) return false;
    const flags = NaFlags.OVERRIDE | (this.rt.host.isRouter() ? NaFlags.ROUTER : 0);
    this.rt.sender.advertise(ifp, addr, null, 0, flags, link, true);
    return true;
  }

  private arm(): void {
    if (this.pending.length === 0) {
      this.timer.stop();
      return;
    }
    let next = Infinity;
    for (const p of this.pending) if (p.due < next) next = p.due;
    this.timer.start(next - this.rt.stack.clock.now());
  }
}
