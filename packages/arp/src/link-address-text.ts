/** `aa:bb:cc:...` for link address bytes of any length. @internal */
export function formatLinkAddress(bytes: ArrayLike<number>, offset = 0, length = bytes.length - offset): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    const b = bytes[offset + i];
    out += (i === 0 ? '' : ':') + (b < 16 ? '0' : '') + b.toString(16);
  }
  return out;
}

/** Bytes of `aa:bb:...` or `aa-bb-...` text (1-2 hex digits per octet), or null when malformed. @internal */
export function parseLinkAddress(text: string): Uint8Array | null {
  if (typeof text !== 'string' || text.length === 0 || text.length > 3 * 32) return null;
  const parts = text.split(text.includes('-') ? '-' : ':');
  const out = new Uint8Array(parts.length);
  for (let i = 0; i < parts.length; i++) {
    if (!/^[0-9a-fA-F]{1,2}$/.test(parts[i])) return null;
    out[i] = parseInt(parts[i], 16);
  }
  return out;
}
