import type { InterfaceAddress, ModuleContext, NetInterface, Stack, Timer } from '@stack/core';
import type { ArpConfig } from './arp-options.js';
import type { ArpSender } from './arp-sender.js';
import { findOwnIpv4 } from './own-addresses.js';

interface PendingAnnouncement {
  readonly ifindex: number;
  readonly address: number;
  readonly linkAddress: Uint8Array | null;
  remaining: number;
  due: number;
}

/** Most announcement series waiting at once; the oldest is abandoned beyond it. */
const MAX_PENDING = 256;

/**
 * Gratuitous ARP (RFC 5227 §2.3): `announceCount` announcements `announceIntervalMs` apart for
 * an address that came up, with one timer for every series. An address removed or no longer
 * active in the meantime is not announced any more.
 * @internal
 */
export class Announcer {
  private pending: PendingAnnouncement[] = [];
  private readonly timer: Timer;
  private readonly stack: Stack;

  constructor(
    ctx: ModuleContext,
    private readonly config: ArpConfig,
    private readonly sender: ArpSender,
  ) {
    this.stack = ctx.stack;
    this.timer = ctx.createTimer(() => this.run());
    ctx.onUnload(() => {
      this.pending = [];
    });
  }

  /** Start a series for `address` on `ifp` (the first announcement goes now). */
  start(ifp: NetInterface, address: number, linkAddress: Uint8Array | null): void {
    if (this.config.announceCount === 0) return;
    this.pending = this.pending.filter((p) => !(p.ifindex === ifp.index && p.address === address));
    this.sendOne(ifp, address, linkAddress);
    if (this.config.announceCount === 1) return;
    if (this.pending.length >= MAX_PENDING) this.pending.shift();
    this.pending.push({
      ifindex: ifp.index,
      address,
      linkAddress: linkAddress === null ? null : Uint8Array.from(linkAddress),
      remaining: this.config.announceCount - 1,
      due: this.stack.clock.now() + this.config.announceIntervalMs,
    });
    this.arm();
  }

  /** Defend an address once (RFC 5227 §2.4 (b)): one announcement now, no series. */
  defend(ifp: NetInterface, addr: InterfaceAddress): void {
    if (addr.address.family === 'ipv4') this.sender.announce(ifp, addr.address.value, addr.linkAddress(ifp) ?? ifp.hardwareAddress!);
  }

  /** Announcement series waiting. */
  get size(): number {
    return this.pending.length;
  }

  private run(): void {
    const now = this.stack.clock.now();
    const keep: PendingAnnouncement[] = [];
    for (const p of this.pending) {
      if (p.due > now) {
        keep.push(p);
        continue;
      }
      const ifp = this.stack.interfaces.get(p.ifindex);
      if (ifp === undefined || !this.sendOne(ifp, p.address, p.linkAddress)) continue;
      if (--p.remaining > 0) {
        p.due = now + this.config.announceIntervalMs;
        keep.push(p);
      }
    }
    this.pending = keep;
    this.arm();
  }

  /** Announce if the address is still ours and active; returns whether it was. */
  private sendOne(ifp: NetInterface, address: number, linkAddress: Uint8Array | null): boolean {
    const ia = findOwnIpv4(ifp, address);
    if (ia === undefined || !ia.isActive(ifp) || !ifp.isRunning) return false;
    this.sender.announce(ifp, address, linkAddress ?? ia.linkAddress(ifp) ?? ifp.hardwareAddress!);
    return true;
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
