import { AddressFlags, type NetInterface } from '@stack/core';
import type { AddressAutoconf } from './autoconf/autoconf.js';
import type { Ipv6Disabler } from './interface-disable.js';
import type { Announcer } from './neighbours/announcer.js';
import { runsNd } from './runtime/nd-runtime.js';

/**
 * The hardware address of an interface changed (an `LLADDR` interface event). IPv6 disabled there
 * for a duplicated hardware-derived link-local address is enabled again (the new address may well
 * be unique); addresses formed from the old hardware address (modified EUI-64 identifiers) are
 * formed again from the new one and run DAD; and every other active address we answer for with
 * the interface's own link address is announced with unsolicited neighbour advertisements carrying
 * the new one (RFC 4861 §7.2.6), so neighbours update their caches at once.
 * @internal
 */
export class LinkAddressChange {
  constructor(
    private readonly autoconf: AddressAutoconf,
    private readonly announcer: Announcer,
    private readonly disabler: Ipv6Disabler,
  ) {}

  changed(ifp: NetInterface): void {
    if (!runsNd(ifp)) return;
    this.disabler.enable(ifp);
    this.autoconf.hardwareAddressChanged(ifp);
    for (const addr of ifp.addresses) {
      if (addr.address.family !== 'ipv6' || addr.address.isMulticast() || addr.arbiter !== null) continue;
      if ((addr.flags & AddressFlags.ANYCAST) !== 0 || !addr.isActive(ifp)) continue;
      this.announcer.start(ifp, addr, null);
    }
  }
}
