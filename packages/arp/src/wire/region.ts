/**
 * Whether `[offset, offset + length)` is a well-formed range inside `bytes` (integers, not negative,
 * not past the end). Views and parsers call this first so that no caller-supplied range can make
 * them misbehave.
 * @internal
 */
export function isValidRegion(bytes: Uint8Array, offset: number, length: number): boolean {
  return (
    Number.isInteger(offset) &&
    Number.isInteger(length) &&
    offset >= 0 &&
    length >= 0 &&
    offset + length <= bytes.length
  );
}
