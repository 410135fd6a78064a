import { prefixContains4, type InterfaceAddress, type NetInterface, type Stack } from '@stack/core';

/**
 * Source address for a datagram to `dst` leaving through `ifp` towards `nextHop` (RFC 1122
 * §3.3.4.3: a multihomed host uses an address of the outgoing interface): an active address of
 * that interface whose prefix holds the destination or the next hop, else its first active
 * address, else any active address of the stack (non-loopback interfaces first). 0 when none.
 */
export function selectSource4(stack: Stack, ifp: NetInterface | null, dst: number, nextHop: number): number {
  if (ifp !== null) {
    const onLink = matching(ifp, dst, nextHop);
    if (onLink !== null) return value4(onLink);
    const first = firstActive(ifp);
    if (first !== null) return value4(first);
  }
  let fallback: InterfaceAddress | null = null;
  for (const other of stack.interfaces.list()) {
    const a = firstActive(other);
    if (a === null) continue;
    if (other !== stack.loopback) return value4(a);
    fallback ??= a;
  }
  return fallback === null ? 0 : value4(fallback);
}

function matching(ifp: NetInterface, dst: number, nextHop: number): InterfaceAddress | null {
  const addrs = ifp.addresses;
  for (let i = 0; i < addrs.length; i++) {
    const a = addrs[i];
    if (a.address.family !== 'ipv4' || !a.isActive(ifp)) continue;
    const value = a.address.value;
    if (prefixContains4(value, a.prefixLength, dst) || prefixContains4(value, a.prefixLength, nextHop)) return a;
  }
  return null;
}

function firstActive(ifp: NetInterface): InterfaceAddress | null {
  const addrs = ifp.addresses;
  for (let i = 0; i < addrs.length; i++) {
    const a = addrs[i];
    if (a.address.family === 'ipv4' && a.isActive(ifp)) return a;
  }
  return null;
}

/** The address of an IPv4 interface address as an unsigned 32-bit integer. */
function value4(a: InterfaceAddress): number {
  return a.address.family === 'ipv4' ? a.address.value : 0;
}
