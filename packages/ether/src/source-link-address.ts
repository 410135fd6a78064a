import type { NetInterface, PacketBuffer } from '@stack/core';
import { MAC_LENGTH } from './wire/index.js';

function sourceMatches(buf: PacketBuffer, bytes: Readonly<Uint8Array> | null, value: number): boolean {
  const src = buf.src;
  if (bytes === null) {
    return ((src[0] << 24) | (src[1] << 16) | (src[2] << 8) | src[3]) >>> 0 === value;
  }
  for (let i = 0; i < 16; i++) if (src[i] !== bytes[i]) return false;
  return true;
}

/**
 * The source MAC for a packet leaving `ifp`: the link address the arbiter of the packet's source
 * address names (CARP's virtual MAC), else the interface's own (DESIGN.md §5). Addresses without
 * an arbiter are skipped, so the usual case is one pass over a handful of addresses.
 * @internal
 */
export function sourceLinkAddress(ifp: NetInterface, buf: PacketBuffer): Uint8Array | null {
  const family = buf.family;
  if (family !== null) {
    const addrs = ifp.addresses;
    for (let i = 0; i < addrs.length; i++) {
      const a = addrs[i];
      if (a.arbiter === null || a.family !== family) continue;
      const address = a.address;
      const matches = address.family === 'ipv4' ? sourceMatches(buf, null, address.value) : sourceMatches(buf, address.bytes, 0);
      if (!matches) continue;
      const link = a.linkAddress(ifp);
      if (link !== null && link.length === MAC_LENGTH) return link;
      break;
    }
  }
  return ifp.hardwareAddress;
}
