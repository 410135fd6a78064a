import { AddressFlags, type InterfaceAddress, type NetInterface } from '@stack/core';

/**
 * The IPv6 address at `bytes[at..at+16)` that `ifp` claims: configured there and not DUPLICATED
 * (tentative and arbiter-held ones included), or undefined. A duplicated address belongs to the
 * node that defended it (RFC 4862 §5.4.5): ND treats it as any other node's. Allocation-free.
 * @internal
 */
export function findOwnIpv6(ifp: NetInterface, bytes: Uint8Array, at: number): InterfaceAddress | undefined {
  const addrs = ifp.addresses;
  for (let i = 0; i < addrs.length; i++) {
    const a = addrs[i];
    if (a.address.family === 'ipv6' && a.address.equalsBytes(bytes, at)) return (a.flags & AddressFlags.DUPLICATED) === 0 ? a : undefined;
  }
  return undefined;
}

/** The first active link-local address of `ifp` (DAD finished, arbiter agrees), or null. @internal */
export function readyLinkLocal(ifp: NetInterface): InterfaceAddress | null {
  const addrs = ifp.addresses;
  for (let i = 0; i < addrs.length; i++) {
    const a = addrs[i];
    if (a.address.family === 'ipv6' && a.address.isLinkLocal() && a.isActive(ifp)) return a;
  }
  return null;
}

/**
 * The source of a solicitation for a neighbour (RFC 4861 §7.2.2): the prompting packet's source
 * when it is an active address of `ifp`, else an active link-local one, else any active one that is
 * not deprecated, else any active one; null when `ifp` has no usable IPv6 address.
 * @internal
 */
export function solicitationSource(ifp: NetInterface, prompting: Uint8Array | null): InterfaceAddress | null {
  let linkLocal: InterfaceAddress | null = null;
  let preferred: InterfaceAddress | null = null;
  let any: InterfaceAddress | null = null;
  const addrs = ifp.addresses;
  for (let i = 0; i < addrs.length; i++) {
    const a = addrs[i];
    if (a.address.family !== 'ipv6' || !a.isActive(ifp)) continue;
    if (prompting !== null && a.address.equalsBytes(prompting, 0)) return a;
    if (linkLocal === null && a.address.isLinkLocal()) linkLocal = a;
    if (preferred === null && (a.flags & AddressFlags.DEPRECATED) === 0) preferred = a;
    any ??= a;
  }
  return linkLocal ?? preferred ?? any;
}

/** The 16 bytes of an IPv6 interface address (its own storage: do not modify). @internal */
export function ipv6Bytes(addr: InterfaceAddress): Uint8Array {
  const a = addr.address;
  if (a.family !== 'ipv6') throw new TypeError(`${a.toString()} is not an IPv6 address`);
  return a.bytes as Uint8Array;
}
