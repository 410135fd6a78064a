/**
 * Maximum Response Delay in milliseconds from an MLDv2 Maximum Response Code (RFC 3810 §5.1.3):
 * below 32768 the code is the delay; above, a floating-point value (mantissa 12 bits, exponent 3).
 * @public
 */
export function mldMaxResponseDelay(code: number): number {
  if (code < 0x8000) return code;
  const mant = code & 0x0fff;
  const exp = (code >> 12) & 0x7;
  return (mant | 0x1000) * 2 ** (exp + 3);
}

/**
 * The Maximum Response Code for a delay in milliseconds (the inverse of {@link mldMaxResponseDelay},
 * rounding down to a representable value; at most 8 387 584 ms).
 * @public
 */
export function mldMaxResponseCode(delayMs: number): number {
  const d = Math.max(0, Math.floor(delayMs));
  if (d < 0x8000) return d;
  for (let exp = 0; exp < 8; exp++) {
    const mant = Math.floor(d / 2 ** (exp + 3)) - 0x1000;
    if (mant <= 0x0fff) return 0x8000 | (exp << 12) | Math.max(0, mant);
  }
  return 0xffff;
}

/** Querier's Query Interval in seconds from a QQIC (RFC 3810 §5.1.9). @public */
export function mldQueryInterval(qqic: number): number {
  if (qqic < 0x80) return qqic;
  const mant = qqic & 0x0f;
  const exp = (qqic >> 4) & 0x7;
  return (mant | 0x10) << (exp + 3);
}
