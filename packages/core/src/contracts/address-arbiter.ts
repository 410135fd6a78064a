import type { NetInterface } from '../engine/interface.js';
import type { InterfaceAddress } from '../engine/interface-address.js';

/**
 * Decides whether an interface address is active here now (DESIGN.md §5). CARP sets one on the
 * addresses of a vhid; ARP and ND consult it before replying, IP input before accepting, link
 * output before choosing the source link address. No layer knows who the arbiter is.
 * @public
 */
export interface AddressArbiter {
  /** Name of the owner, for listings (e.g. `'carp vhid 1'`). */
  readonly owner: string;
  /** Whether this stack should answer for and accept traffic to `addr` on `ifp` now. */
  isActive(ifp: NetInterface, addr: InterfaceAddress): boolean;
  /** Link address to answer with and to send from for `addr`, or null for the interface's own. */
  linkAddress(ifp: NetInterface, addr: InterfaceAddress): Uint8Array | null;
}
