/**
 * Bit helpers shared by the tries and the lookups. Integers only; no allocation.
 */

/** Number of set bits in a 32-bit integer (SWAR; JavaScript has no popcount instruction). */
export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * The 5 bits of a big-endian key starting at bit `k` (bit 0 = most significant bit of word 0).
 * Bits past the end of the key read as zero, so the last level of a trie may be narrower than 5 bits.
 */
export function keyBits5(key: ArrayLike<number>, offset: number, words: number, k: number): number {
  const w = k >>> 5;
  if (w >= words) return 0;
  const b = k & 31;
  const high = key[offset + w] << b;
  if (b <= 27 || w + 1 >= words) return high >>> 27;
  return (high | (key[offset + w + 1] >>> (32 - b))) >>> 27;
}

/** Word `w` of a key with every bit from `len` onwards cleared. */
export function maskWord(word: number, w: number, len: number): number {
  const keep = len - (w << 5);
  if (keep >= 32) return word | 0;
  if (keep <= 0) return 0;
  return word & (-1 << (32 - keep));
}

/** Write the 5-bit value `v` into `key` at bit `k` (bits past the end of the key are dropped). */
export function setBits5(key: Int32Array, words: number, k: number, v: number): void {
  for (let i = 0; i < 5; i++) {
    const bit = k + i;
    const w = bit >>> 5;
    if (w >= words) return;
    const mask = 1 << (31 - (bit & 31));
    key[w] = (v >>> (4 - i)) & 1 ? key[w] | mask : key[w] & ~mask;
  }
}
