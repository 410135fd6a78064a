// Naive references for the checksum tests: one byte at a time, the RFC 1071 definition verbatim.

/** Sum of big-endian 16-bit words, the region's first byte high, an odd last byte zero-padded. */
export function naiveSum(bytes: ArrayLike<number>, offset: number, length: number): number {
  let sum = 0;
  for (let i = 0; i < length; i++) sum += i % 2 === 0 ? bytes[offset + i] * 256 : bytes[offset + i];
  return sum;
}

/** End-around-carry fold to 16 bits. */
export function naiveFold(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s % 0x10000) + Math.floor(s / 0x10000);
  return s;
}

/** The complemented folded sum. */
export function naiveChecksum(bytes: ArrayLike<number>, offset: number, length: number): number {
  return 0xffff - naiveFold(naiveSum(bytes, offset, length));
}

/** Parses hex with optional whitespace, e.g. `'4500 0073'`. */
export function hex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  return Uint8Array.from(clean.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}
