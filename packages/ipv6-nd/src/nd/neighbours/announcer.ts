import { AnnouncementSeries, type AnnouncementSender, type InterfaceAddress, type NetInterface } from '@stack/core';
import type { NdRuntime } from '../runtime/nd-runtime.js';
import { NaFlags } from '../wire/index.js';

/**
 * Unsolicited Neighbor Advertisements (RFC 4861 §7.2.6): up to MAX_NEIGHBOR_ADVERTISEMENT
 * advertisements to all nodes with the Override flag, one interval apart, while the address stays
 * configured and active (core {@link AnnouncementSeries}). CARP calls this after becoming master,
 * with its virtual MAC.
 * @internal
 */
export class Announcer implements AnnouncementSender<InterfaceAddress> {
  private readonly series: AnnouncementSeries<InterfaceAddress>;

  constructor(private readonly rt: NdRuntime) {
    // No series after a first advertisement that could not go.
    this.series = new AnnouncementSeries(rt.stack, (callback) => rt.timers.create(callback), this, false);
  }

  start(ifp: NetInterface, addr: InterfaceAddress, linkAddress: Uint8Array | null): void {
    this.series.start(ifp, addr, linkAddress, this.rt.config.announceCount, this.rt.config.announceIntervalMs);
  }

  get size(): number {
    return this.series.size;
  }

  clear(): void {
    this.series.clear();
  }

  /** Advertise `addr` now if it is still configured on `ifp` and active; returns whether it was. */
  announceOnce(ifp: NetInterface, addr: InterfaceAddress, linkAddress: Uint8Array | null): boolean {
    if (!ifp.addresses.includes(addr) || !addr.isActive(ifp) || !ifp.isRunning) return false;
    const link = linkAddress ?? addr.linkAddress(ifp);
    if (link === null) return false;
    const flags = NaFlags.OVERRIDE | (this.rt.host.isRouter() ? NaFlags.ROUTER : 0);
    this.rt.sender.advertise(ifp, addr, null, 0, flags, link, true);
    return true;
  }
}
