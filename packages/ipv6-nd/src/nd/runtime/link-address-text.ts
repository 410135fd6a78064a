/** `aa:bb:cc:dd:ee:ff` for the link address at `bytes[at..at+length)`. @internal */
export function formatLinkAddress(bytes: Uint8Array, at = 0, length = bytes.length - at): string {
  const parts: string[] = [];
  for (let i = 0; i < length; i++) parts.push(bytes[at + i].toString(16).padStart(2, '0'));
  return parts.join(':');
}

/** Bytes of `aa:bb:...` / `aa-bb-...` text (1–20 octets), or null. @internal */
export function parseLinkAddress(text: string): Uint8Array | null {
  if (typeof text !== 'string') return null;
  const parts = text.split(/[:-]/);
  if (parts.length < 1 || parts.length > 20 || !parts.every((p) => /^[0-9a-fA-F]{1,2}$/.test(p))) return null;
  return Uint8Array.from(parts.map((p) => parseInt(p, 16)));
}
