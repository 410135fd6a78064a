import type { AddressFamily, IpAddress } from '../addr/index.js';
import type { AddressArbiter } from '../contracts/address-arbiter.js';
import { ExtensionSlots } from './extension.js';
import type { NetInterface } from './interface.js';

/**
 * Address attribute bits (the BSD `IN6_IFF_*` set, used by both families).
 * @public
 */
export const AddressFlags = {
  /** Duplicate address detection has not finished (RFC 4862 §5.4): not yet usable. */
  TENTATIVE: 0x1,
  /** DAD found a conflict: never used. */
  DUPLICATED: 0x2,
  /** Preferred lifetime expired: valid but not chosen for new communication. */
  DEPRECATED: 0x4,
  /** Not the first address of its prefix on the interface. */
  SECONDARY: 0x8,
  ANYCAST: 0x10,
  /** Formed by stateless autoconfiguration. */
  AUTOCONF: 0x20,
  TEMPORARY: 0x40,
  /** Skip duplicate address detection. */
  NODAD: 0x80,
} as const;

/**
 * An address configured on an interface, with its prefix length and attributes. Protocols hang
 * their own per-address state on {@link InterfaceAddress.ext}.
 * @public
 */
export class InterfaceAddress {
  readonly ifindex: number;
  readonly address: IpAddress;
  readonly prefixLength: number;
  /** {@link AddressFlags} bits. */
  flags: number;
  /** Set by an owner (CARP, VRRP) that decides when the address is active; null: always active. */
  arbiter: AddressArbiter | null = null;
  /** Clock time (ms) at which the address becomes invalid; Infinity for a permanent one. */
  validUntil = Infinity;
  /** Clock time (ms) at which the address becomes deprecated; Infinity for a permanent one. */
  preferredUntil = Infinity;
  readonly ext = new ExtensionSlots();

  /** @internal */
  constructor(ifindex: number, address: IpAddress, prefixLength: number, flags: number) {
    this.ifindex = ifindex;
    this.address = address;
    this.prefixLength = prefixLength;
    this.flags = flags;
  }

  get family(): AddressFamily {
    return this.address.family;
  }

  /**
   * Whether the stack may use and answer for this address on `ifp` now: not tentative or
   * duplicated, and its arbiter (if any) says it is active here.
   */
  isActive(ifp: NetInterface): boolean {
    if ((this.flags & (AddressFlags.TENTATIVE | AddressFlags.DUPLICATED)) !== 0) return false;
    return this.arbiter === null || this.arbiter.isActive(ifp, this);
  }

  /** The link address to answer with for this address: the arbiter's, else the interface's. */
  linkAddress(ifp: NetInterface): Uint8Array | null {
    return (this.arbiter !== null ? this.arbiter.linkAddress(ifp, this) : null) ?? ifp.hardwareAddress;
  }

  toString(): string {
    return `${this.address.toString()}/${this.prefixLength}`;
  }
}
