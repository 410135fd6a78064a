import { foldSum, swap16 } from './fold.js';

/** Whether typed-array words are read least-significant byte first on this host (x86, ARM). */
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Below this length the byte loop wins; above it a Uint32Array view over the same memory is
 * faster despite creating the view object (measured by tools/bench/src/checksum-bench.ts:
 * break-even near 200 bytes, about 3.5x at 1500 bytes, 5x at 64 KiB).
 */
const WORD_PATH_MIN_LENGTH = 256;

/**
 * Words summed before folding in the word path: 2^20 words of at most 2^32 - 1 stay below 2^53,
 * so the double accumulator stays exact.
 */
const WORDS_PER_CHUNK = 1 << 20;

/**
 * Sums `length` bytes from `offset` as big-endian 16-bit words, the first byte of the region being
 * the high byte of the first word, an odd last byte padded with a zero low byte (RFC 1071 §4.1).
 * Bytes at even and odd positions are summed separately, then combined: one addition per byte, no
 * shifts in the loop. Result fits in 32 bits for any length up to 64 KiB, and is a safe integer
 * for any length an array can have.
 */
function sumByBytes(bytes: Uint8Array, offset: number, length: number): number {
  let high = 0;
  let low = 0;
  let i = offset;
  const end = offset + length;
  const pairsEnd = offset + (length & ~1);
  const blockEnd = offset + (length & ~15);
  while (i < blockEnd) {
    high +=
      bytes[i] +
      bytes[i + 2] +
      bytes[i + 4] +
      bytes[i + 6] +
      bytes[i + 8] +
      bytes[i + 10] +
      bytes[i + 12] +
      bytes[i + 14];
    low +=
      bytes[i + 1] +
      bytes[i + 3] +
      bytes[i + 5] +
      bytes[i + 7] +
      bytes[i + 9] +
      bytes[i + 11] +
      bytes[i + 13] +
      bytes[i + 15];
    i += 16;
  }
  while (i < pairsEnd) {
    high += bytes[i];
    low += bytes[i + 1];
    i += 2;
  }
  if (i < end) high += bytes[i];
  return high * 256 + low;
}

/**
 * The same sum as {@link sumByBytes}, reading 32-bit words through a Uint32Array view of the
 * aligned middle of the region. The host reads words in its own byte order; one's-complement sums
 * are byte-order independent up to a final byte swap (RFC 1071 §2(B)), so the folded middle is
 * swapped back on little-endian hosts, and swapped once more when the middle starts at an odd
 * position of the region (alignment can require skipping 1 or 3 bytes).
 */
function sumByWords(bytes: Uint8Array, offset: number, length: number): number {
  const absolute = bytes.byteOffset + offset;
  const head = (4 - (absolute & 3)) & 3;
  const wordCount = (length - head) >>> 2;
  const words = new Uint32Array(bytes.buffer, absolute + head, wordCount);
  let total = 0;
  let i = 0;
  while (i < wordCount) {
    const chunkEnd = Math.min(wordCount, i + WORDS_PER_CHUNK);
    const blockEnd = i + ((chunkEnd - i) & ~7);
    let s = 0;
    while (i < blockEnd) {
      s +=
        words[i] +
        words[i + 1] +
        words[i + 2] +
        words[i + 3] +
        words[i + 4] +
        words[i + 5] +
        words[i + 6] +
        words[i + 7];
      i += 8;
    }
    while (i < chunkEnd) s += words[i++];
    total += foldSum(s);
  }
  let middle = foldSum(total);
  if (HOST_IS_LITTLE_ENDIAN !== ((head & 1) === 1)) middle = swap16(middle);
  // Head (0-3 bytes) at position 0 of the region; tail (0-3 bytes) after head + 4n bytes, which has
  // the head's parity, so both are summed in region order.
  let edges = 0;
  for (let k = 0; k < head; k++) edges += (k & 1) === 0 ? bytes[offset + k] << 8 : bytes[offset + k];
  for (let k = head + (wordCount << 2); k < length; k++) {
    edges += (k & 1) === 0 ? bytes[offset + k] << 8 : bytes[offset + k];
  }
  return middle + edges;
}

/**
 * One's-complement sum of `bytes[offset..offset+length)` taken as big-endian 16-bit words
 * (RFC 1071), added to `initial`. The result is a partial sum, not folded: pass it as `initial` to
 * sum further pieces, and finish with `foldChecksum`. This piece's contribution is folded to 16
 * bits, so chaining from an `initial` below 2^32 - 2^16 stays a 32-bit value.
 *
 * The region is read relative to its own start: its first byte is a high byte whatever the parity
 * of `offset`, and an odd last byte is padded with a zero low byte.
 *
 * Chaining rule: partial sums chain correctly when every piece but the last has even length.
 * A piece that follows an odd number of bytes must be summed with {@link onesComplementSumAt}.
 * @throws RangeError when the region is outside `bytes`.
 * @public
 */
export function onesComplementSum(bytes: Uint8Array, offset: number, length: number, initial = 0): number {
  // Written as a negated conjunction so NaN fails too.
  if (!(offset >= 0 && length >= 0 && offset + length <= bytes.length)) {
    throw new RangeError(`checksum region ${offset}+${length} outside ${bytes.length} bytes`);
  }
  const sum = length < WORD_PATH_MIN_LENGTH ? sumByBytes(bytes, offset, length) : sumByWords(bytes, offset, length);
  return initial + foldSum(sum);
}

/**
 * Like {@link onesComplementSum} for a piece that begins `position` bytes into the checksummed
 * region; only the parity of `position` matters. At an odd position the piece's first byte is a
 * low byte, so its folded sum is byte-swapped before it is added (RFC 1071 §2(B)). With this,
 * pieces of any lengths chain: pass each piece's running position.
 * @throws RangeError when the region is outside `bytes`.
 * @public
 */
export function onesComplementSumAt(
  bytes: Uint8Array,
  offset: number,
  length: number,
  position: number,
  initial = 0,
): number {
  const sum = onesComplementSum(bytes, offset, length, 0);
  return initial + ((position & 1) === 0 ? sum : swap16(sum));
}
