import { AddressFlags, type InterfaceAddress, type NetInterface, type Timer } from '@stack/core';
import type { NdRuntime } from '../runtime/nd-runtime.js';

/**
 * Enforces the lifetimes of IPv6 addresses (RFC 4862 §5.5.4): when the preferred lifetime ends the
 * address turns DEPRECATED, when the valid lifetime ends it is removed. Applies to every IPv6
 * address with a finite `preferredUntil` / `validUntil`, autoconfigured or not; one timer per such
 * address, armed for its next deadline. A refreshed preferred lifetime clears DEPRECATED again.
 * @internal
 */
export class AddressLifetimes {
  private readonly timers = new Map<InterfaceAddress, Timer>();

  constructor(private readonly rt: NdRuntime) {}

  /** The address was added or changed: (re)arm its timer. */
  track(ifp: NetInterface, addr: InterfaceAddress): void {
    if (addr.address.family !== 'ipv6') return;
    const now = this.rt.stack.clock.now();
    const deprecated = (addr.flags & AddressFlags.DEPRECATED) !== 0;
    if (deprecated && addr.preferredUntil > now) {
      addr.flags &= ~AddressFlags.DEPRECATED;
      ifp.addressChanged(addr);
      return; // the CHANGE event brings us back here
    }
    const next = deprecated || addr.preferredUntil >= addr.validUntil ? addr.validUntil : addr.preferredUntil;
    let timer = this.timers.get(addr);
    if (next === Infinity) {
      if (timer !== undefined) {
        timer.dispose();
        this.timers.delete(addr);
      }
      return;
    }
    if (timer === undefined) {
      timer = this.rt.timers.create(() => this.due(ifp.index, addr));
      this.timers.set(addr, timer);
    }
    timer.start(next - now);
  }

  untrack(addr: InterfaceAddress): void {
    this.timers.get(addr)?.dispose();
    this.timers.delete(addr);
  }

  disposeAll(): void {
    for (const t of this.timers.values()) t.dispose();
    this.timers.clear();
  }

  private due(ifindex: number, addr: InterfaceAddress): void {
    const ifp = this.rt.stack.interfaces.get(ifindex);
    if (ifp === undefined || !ifp.addresses.includes(addr)) {
      this.untrack(addr);
      return;
    }
    const now = this.rt.stack.clock.now();
    const event = (type: 'ADDRESS_DEPRECATED' | 'ADDRESS_EXPIRED') =>
      this.rt.events.emit(() => ({ system: 'ND', subsystem: ifp.name, type, ifindex, address: addr.address.toString(), prefixLength: addr.prefixLength }));
    if (addr.validUntil <= now) {
      this.untrack(addr);
      ifp.removeAddress(addr);
      event('ADDRESS_EXPIRED');
      return;
    }
    if (addr.preferredUntil <= now && (addr.flags & AddressFlags.DEPRECATED) === 0) {
      addr.flags |= AddressFlags.DEPRECATED;
      ifp.addressChanged(addr);
      event('ADDRESS_DEPRECATED');
      return;
    }
    this.track(ifp, addr);
  }
}
