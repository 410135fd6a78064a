import { InterfaceFlags, LinkRxFlags, type NetInterface } from '@stack/core';
import type { LinkMulticastGroups } from './multicast-groups.js';
import { isBroadcastMac, MAC_LENGTH } from './wire/index.js';

/** {@link classifyDestination}: unicast to someone else, interface not promiscuous. @internal */
export const NOT_FOR_US = -1;
/** {@link classifyDestination}: a multicast group not joined, interface not promiscuous. @internal */
export const GROUP_NOT_JOINED = -2;

function sameMac(a: Uint8Array, b: Uint8Array, offset: number): boolean {
  for (let i = 0; i < MAC_LENGTH; i++) if (a[i] !== b[offset + i]) return false;
  return true;
}

/**
 * Whether the unicast MAC at `bytes[offset..)` is ours: the interface's own, or the link address
 * an active address's arbiter names (CARP answers on a virtual MAC).
 */
function isOwnUnicast(ifp: NetInterface, bytes: Uint8Array, offset: number): boolean {
  const own = ifp.hardwareAddress;
  if (own !== null && own.length === MAC_LENGTH && sameMac(own, bytes, offset)) return true;
  const addrs = ifp.addresses;
  for (let i = 0; i < addrs.length; i++) {
    const a = addrs[i];
    if (a.arbiter === null || !a.isActive(ifp)) continue;
    const link = a.linkAddress(ifp);
    if (link !== null && link.length === MAC_LENGTH && sameMac(link, bytes, offset)) return true;
  }
  return false;
}

/**
 * The {@link LinkRxFlags} for a frame whose destination MAC is at `bytes[offset..offset+6)`, or
 * {@link NOT_FOR_US} / {@link GROUP_NOT_JOINED} when the interface should not receive it.
 * Promiscuous interfaces receive everything; unicast to another host is marked OTHERHOST.
 * @internal
 */
export function classifyDestination(ifp: NetInterface, bytes: Uint8Array, offset: number, groups: LinkMulticastGroups | undefined): number {
  const promiscuous = (ifp.flags & InterfaceFlags.PROMISC) !== 0;
  if ((bytes[offset] & 1) !== 0) {
    if (isBroadcastMac(bytes, offset)) return LinkRxFlags.BROADCAST;
    if (promiscuous || (groups !== undefined && groups.has(bytes, offset))) return LinkRxFlags.MULTICAST;
    return GROUP_NOT_JOINED;
  }
  if (isOwnUnicast(ifp, bytes, offset)) return 0;
  return promiscuous ? LinkRxFlags.OTHERHOST : NOT_FOR_US;
}
