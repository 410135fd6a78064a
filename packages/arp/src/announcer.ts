import { AnnouncementSeries, type AnnouncementSender, type InterfaceAddress, type ModuleContext, type NetInterface } from '@stack/core';
import type { ArpConfig } from './arp-options.js';
import type { ArpSender } from './arp-sender.js';
import { findOwnIpv4 } from './own-addresses.js';

/**
 * Gratuitous ARP (RFC 5227 §2.3): `announceCount` announcements `announceIntervalMs` apart for
 * an address that came up (core {@link AnnouncementSeries}). An address removed or no longer
 * active in the meantime is not announced any more.
 * @internal
 */
export class Announcer implements AnnouncementSender<number> {
  private readonly series: AnnouncementSeries<number>;

  constructor(
    ctx: ModuleContext,
    private readonly config: ArpConfig,
    private readonly sender: ArpSender,
  ) {
    // A series goes on after a first announcement that could not go (the interface not running yet).
    this.series = new AnnouncementSeries(ctx.stack, (callback) => ctx.createTimer(callback), this, true);
    ctx.onUnload(() => this.series.clear());
  }

  /** Start a series for `address` on `ifp` (the first announcement goes now). */
  start(ifp: NetInterface, address: number, linkAddress: Uint8Array | null): void {
    this.series.start(ifp, address, linkAddress, this.config.announceCount, this.config.announceIntervalMs);
  }

  /** Defend an address once (RFC 5227 §2.4 (b)): one announcement now, no series. */
  defend(ifp: NetInterface, addr: InterfaceAddress): void {
    if (addr.address.family === 'ipv4') this.sender.announce(ifp, addr.address.value, addr.linkAddress(ifp) ?? ifp.hardwareAddress!);
  }

  /** Announcement series waiting. */
  get size(): number {
    return this.series.size;
  }

  /** Announce if the address is still ours and active; returns whether it was. */
  announceOnce(ifp: NetInterface, address: number, linkAddress: Uint8Array | null): boolean {
    const ia = findOwnIpv4(ifp, address);
    if (ia === undefined || !ia.isActive(ifp) || !ifp.isRunning) return false;
    this.sender.announce(ifp, address, linkAddress ?? ia.linkAddress(ifp) ?? ifp.hardwareAddress!);
    return true;
  }
}
