import type { NetInterface } from '../engine/interface.js';

/** Most octets a link address in text may have. */
const MAX_OCTETS = 32;

/**
 * `aa:bb:cc:…` for the link address at `bytes[offset..offset+length)`, of any length.
 * @public
 */
export function formatLinkAddress(bytes: ArrayLike<number>, offset = 0, length = bytes.length - offset): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    const b = bytes[offset + i];
    out += (i === 0 ? '' : ':') + (b < 16 ? '0' : '') + b.toString(16);
  }
  return out;
}

/**
 * The bytes of `aa:bb:…` or `aa-bb-…` text (one separator throughout, 1–2 hex digits per octet,
 * at most 32 octets), or null when malformed.
 * @public
 */
export function parseLinkAddress(text: string): Uint8Array | null {
  if (typeof text !== 'string' || text.length === 0 || text.length > 3 * MAX_OCTETS) return null;
  const parts = text.split(text.includes('-') ? '-' : ':');
  const out = new Uint8Array(parts.length);
  for (let i = 0; i < parts.length; i++) {
    if (!/^[0-9a-fA-F]{1,2}$/.test(parts[i])) return null;
    out[i] = parseInt(parts[i], 16);
  }
  return out;
}

/**
 * The link address of a static neighbour entry on `ifp` (`arp -s`, `ndp -s`), from text: as long
 * as the interface's hardware address, unicast (for a 6-byte address: the group bit clear) and
 * not all zeros. Throws an error naming `linkAddress` otherwise.
 * @public
 */
export function parseStaticLinkAddress(ifp: NetInterface, text: string): Uint8Array {
  const link = parseLinkAddress(text);
  const length = ifp.hardwareAddress?.length ?? 0;
  if (link === null || link.length !== length) {
    throw new Error(`linkAddress: "${String(text)}" is not a ${length}-byte link address for ${ifp.name}`);
  }
  if ((length === 6 && (link[0] & 1) !== 0) || link.every((b) => b === 0)) {
    throw new Error(`linkAddress: ${formatLinkAddress(link)} is not a unicast link address`);
  }
  return link;
}
