import { InterfaceFlags, type NetInterface, type InterfaceTable } from '@stack/core';

/**
 * The zone of a link-scoped destination (link-local unicast, link- and interface-local multicast)
 * when the sender named none (RFC 4007 §6: such an address is ambiguous on a multi-link node): the
 * one running non-loopback interface, when there is exactly one. Recomputed only after an
 * interface event, so sends allocate nothing.
 */
export class LinkScope {
  private dirty = true;
  private single: NetInterface | undefined;

  constructor(private readonly interfaces: InterfaceTable) {}

  /** Call on any interface event (attach, detach, up, down, carrier). */
  invalidate(): void {
    this.dirty = true;
  }

  /** The single running link, or undefined when there are none or several. */
  singleLink(): NetInterface | undefined {
    if (this.dirty) {
      this.dirty = false;
      this.single = undefined;
      let count = 0;
      for (const ifp of this.interfaces.list()) {
        if (!ifp.isRunning || ifp.hasFlag(InterfaceFlags.LOOPBACK)) continue;
        count++;
        this.single = ifp;
      }
      if (count !== 1) this.single = undefined;
    }
    return this.single;
  }
}
