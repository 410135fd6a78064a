import type { NetInterface, Timer } from '@stack/core';
import type { NdRuntime } from '../runtime/nd-runtime.js';
import { readyLinkLocal } from '../runtime/own-addresses.js';

interface Solicitation {
  readonly timer: Timer;
  sent: number;
}

/**
 * Router solicitation on interface start (RFC 4861 §6.3.7): a first RS after a random delay in
 * [0, MAX_RTR_SOLICITATION_DELAY], then up to MAX_RTR_SOLICITATIONS in all, RTR_SOLICITATION_INTERVAL
 * apart, until an RA with a non-zero router lifetime arrives. Sent from a ready link-local address
 * with our link-layer address, else from :: without it.
 * @internal
 */
export class RouterSolicitor {
  private readonly byInterface = new Map<number, Solicitation>();

  constructor(private readonly rt: NdRuntime) {}

  start(ifp: NetInterface): void {
    const settings = this.rt.settings.of(ifp.index);
    if (!settings.acceptRa || this.rt.host.isRouter() || settings.maxRtrSolicitations === 0 || this.rt.disabled.has(ifp.index)) return;
    let s = this.byInterface.get(ifp.index);
    if (s === undefined) {
      const ifindex = ifp.index;
      s = { sent: 0, timer: this.rt.timers.create(() => this.fire(ifindex)) };
      this.byInterface.set(ifp.index, s);
    }
    s.sent = 0;
    s.timer.start(Math.floor(this.rt.config.random() * settings.maxRtrSolicitationDelayMs));
  }

  /** An RA answered (or the interface went away): stop soliciting. */
  stop(ifindex: number): void {
    const s = this.byInterface.get(ifindex);
    if (s === undefined) return;
    s.timer.dispose();
    this.byInterface.delete(ifindex);
  }

  isSoliciting(ifindex: number): boolean {
    return this.byInterface.get(ifindex)?.timer.active ?? false;
  }

  disposeAll(): void {
    for (const s of this.byInterface.values()) s.timer.dispose();
    this.byInterface.clear();
  }

  private fire(ifindex: number): void {
    const s = this.byInterface.get(ifindex);
    const ifp = this.rt.stack.interfaces.get(ifindex);
    if (s === undefined || ifp === undefined) return;
    const settings = this.rt.settings.of(ifindex);
    if (!ifp.isRunning || this.rt.host.isRouter() || !settings.acceptRa) return;
    this.rt.sender.solicitRouter(ifp, readyLinkLocal(ifp));
    s.sent++;
    if (s.sent < settings.maxRtrSolicitations) s.timer.start(settings.rtrSolicitationIntervalMs);
    else this.stop(ifindex);
  }
}
