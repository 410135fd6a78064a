/**
 * Folds a partial one's-complement sum (any non-negative safe integer) to 16 bits with
 * end-around carry, without complementing. The result is 0 only when the sum was 0.
 * @public
 */
export function foldSum(sum: number): number {
  // The rare case above 32 bits is a separate function: this one stays small enough for V8 to
  // inline everywhere (it is inlined several times into every checksum call).
  let s = sum > 0xffffffff ? foldWide(sum) : sum;
  s = (s & 0xffff) + (s >>> 16);
  s = (s & 0xffff) + (s >>> 16);
  return s;
}

/** A sum above 32 bits brought below 2^32 with the same one's-complement value. */
function foldWide(sum: number): number {
  let s = sum;
  // Bitwise operators would truncate: fold arithmetically. 2^16 ≡ 1 (mod 0xffff), so moving the
  // carries down preserves the one's-complement value.
  while (s > 0xffffffff) s = (s % 0x10000) + Math.floor(s / 0x10000);
  return s;
}

/**
 * The final 16-bit Internet checksum of a partial sum: folded and complemented (RFC 1071).
 * Note: UDP sends a computed 0 as 0xffff (RFC 768); that rule belongs to the caller.
 * @public
 */
export function foldChecksum(sum: number): number {
  return ~foldSum(sum) & 0xffff;
}

/**
 * Swaps the two bytes of a 16-bit value.
 * @internal
 */
export function swap16(value: number): number {
  return ((value & 0xff) << 8) | (value >>> 8);
}
