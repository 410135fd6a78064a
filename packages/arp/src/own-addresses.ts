import { type InterfaceAddress, type NetInterface, netmask4 } from '@stack/core';

/** The IPv4 address `value` configured on `ifp`, or undefined. @internal */
export function findOwnIpv4(ifp: NetInterface, value: number): InterfaceAddress | undefined {
  const addrs = ifp.addresses;
  for (let i = 0; i < addrs.length; i++) {
    const a = addrs[i];
    if (a.address.family === 'ipv4' && a.address.value === value) return a;
  }
  return undefined;
}

/** Whether `value` is the directed broadcast of one of `ifp`'s IPv4 subnets (RFC 919). @internal */
export function isSubnetBroadcast(ifp: NetInterface, value: number): boolean {
  const addrs = ifp.addresses;
  for (let i = 0; i < addrs.length; i++) {
    const a = addrs[i];
    if (a.address.family !== 'ipv4' || a.prefixLength >= 31) continue;
    const host = ~netmask4(a.prefixLength) >>> 0;
    if (((a.address.value | host) >>> 0) === value) return true;
  }
  return false;
}

/**
 * The address to send a request for `target` from: `preferred` when it is an active address of
 * `ifp`, else an active address whose subnet holds the target, else the first active one; null
 * when `ifp` has no active IPv4 address (the request then goes out from 0.0.0.0, as a probe).
 * @internal
 */
export function requestSource(ifp: NetInterface, preferred: number, target: number): InterfaceAddress | null {
  let first: InterfaceAddress | null = null;
  let onLink: InterfaceAddress | null = null;
  const addrs = ifp.addresses;
  for (let i = 0; i < addrs.length; i++) {
    const a = addrs[i];
    if (a.address.family !== 'ipv4' || !a.isActive(ifp)) continue;
    const value = a.address.value;
    if (value === preferred) return a;
    first ??= a;
    if (onLink === null && ((value ^ target) & netmask4(a.prefixLength)) === 0) onLink = a;
  }
  return onLink ?? first;
}
