/** Big-endian 32-bit word at `bytes[at..at+4)`. @internal */
export function word(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
}

/** A 32-bit hash of an IPv6 address's four words (bucket key; collisions are resolved by comparing words). @internal */
export function hashWords(w0: number, w1: number, w2: number, w3: number): number {
  let h = Math.imul(w0 ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 15) ^ w1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 13) ^ w2, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 16) ^ w3, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** Whether `a[ao..ao+16)` and `b[bo..bo+16)` hold the same address. @internal */
export function sameAddress(a: Uint8Array, ao: number, b: Uint8Array, bo: number): boolean {
  for (let i = 0; i < 16; i++) if (a[ao + i] !== b[bo + i]) return false;
  return true;
}

/** Whether the 16 bytes at `bytes[at..)` are all zero (::). @internal */
export function isUnspecifiedAt(bytes: Uint8Array, at: number): boolean {
  for (let i = 0; i < 16; i++) if (bytes[at + i] !== 0) return false;
  return true;
}

/** fe80::/10 at `bytes[at..)` (RFC 4291 §2.5.6). @internal */
export function isLinkLocalAt(bytes: Uint8Array, at: number): boolean {
  return bytes[at] === 0xfe && (bytes[at + 1] & 0xc0) === 0x80;
}

/** ff00::/8 at `bytes[at..)`. @internal */
export function isMulticastAt(bytes: Uint8Array, at: number): boolean {
  return bytes[at] === 0xff;
}

/** ff02::1:ff00:0/104 at `bytes[at..)` (RFC 4291 §2.7.1). @internal */
export function isSolicitedNodeAt(bytes: Uint8Array, at: number): boolean {
  if (bytes[at] !== 0xff || bytes[at + 1] !== 0x02) return false;
  for (let i = 2; i < 11; i++) if (bytes[at + i] !== 0) return false;
  return bytes[at + 11] === 1 && bytes[at + 12] === 0xff;
}

/** ff02::1 at `bytes[at..)`. @internal */
export function isAllNodesAt(bytes: Uint8Array, at: number): boolean {
  if (bytes[at] !== 0xff || bytes[at + 1] !== 0x02 || bytes[at + 15] !== 1) return false;
  for (let i = 2; i < 15; i++) if (bytes[at + i] !== 0) return false;
  return true;
}
