/**
 * Bytes from hex text with optional whitespace, e.g. `'4500 0073'`: for writing test vectors
 * (captured packets, RFC examples) as they are printed.
 * @public
 */
export function hexBytes(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(clean)) throw new Error(`hexBytes: not an even run of hex digits: ${text.slice(0, 40)}`);
  return Uint8Array.from(clean.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}
