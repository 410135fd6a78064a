import { foldSum, swap16 } from './fold.js';
import type { WordView } from './word-view.js';

/** Whether typed-array words are read least-significant byte first on this host (x86, ARM). */
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Below this length the byte loop wins over the word path when the word path has to create a
 * `Uint32Array` view for the call (no {@link WordView} given, or one of another array): break-even
 * near 180 bytes (tools/bench/src/checksum-bench.ts).
 */
const WORD_PATH_MIN_LENGTH = 256;

/**
 * The same threshold with a {@link WordView}: nothing is created per call, so words win sooner,
 * from about 80 bytes.
 */
const VIEW_WORD_PATH_MIN_LENGTH = 96;

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
 * Sum of `count` words from `words[first]`, folded to 16 bits (0 only for a zero sum), for regions
 * of any size: chunks of {@link WORDS_PER_CHUNK} words keep the double accumulator exact.
 */
function sumManyWords(words: Uint32Array, first: number, count: number): number {
  let total = 0;
  for (let at = first; at < first + count; at += WORDS_PER_CHUNK) {
    const end = Math.min(first + count, at + WORDS_PER_CHUNK);
    let s = 0;
    for (let i = at; i < end; i++) s += words[i];
    total += foldSum(s);
  }
  return foldSum(total);
}

/**
 * The word path, the same sum as {@link sumByBytes}: through `words` when it is a {@link WordView}
 * of `bytes` (allocates nothing), else through a `Uint32Array` created for this call (the path
 * every long region took before word views, and still takes without one). The 32-bit words of the
 * aligned middle of the region, which begins `head` (0-3) bytes into it, are read in host byte
 * order; one's-complement sums are byte-order independent up to a final byte swap (RFC 1071
 * §2(B)), so the folded middle is swapped back on little-endian hosts, and swapped once more when
 * the middle starts at an odd position of the region.
 *
 * Written as one function on purpose: V8 does not inline a function this large (over 460 bytes of
 * bytecode) into its callers, so their inlining budget goes to the byte loop, which short regions
 * (headers) need. Split into small inlinable pieces, it made 64- and 128-byte sums 15% slower in a
 * process that also sums long regions. A call costs little next to summing 96 bytes or more.
 */
function sumLongRegion(bytes: Uint8Array, offset: number, length: number, words: WordView | undefined): number {
  const own = words !== undefined && words.bytes === bytes;
  const position = own ? words.lead + offset : bytes.byteOffset + offset;
  const head = (4 - (position & 3)) & 3;
  const wordCount = (length - head) >>> 2;
  let view: Uint32Array;
  let first: number;
  // The length check is always true for a WordView of a fixed-length array; it guards a resized
  // or detached buffer.
  if (own && ((position + head) >>> 2) + wordCount <= words.words.length) {
    view = words.words;
    first = (position + head) >>> 2;
  } else {
    view = new Uint32Array(bytes.buffer, bytes.byteOffset + offset + head, wordCount);
    first = 0;
  }
  let middle: number;
  if (wordCount > WORDS_PER_CHUNK) {
    middle = sumManyWords(view, first, wordCount);
  } else {
    // From the last word down: measured about 30% faster than counting up.
    let i = first + wordCount - 1;
    const blockStart = first + (wordCount & 7);
    let s = 0;
    while (i >= blockStart) {
      s += view[i] + view[i - 1] + view[i - 2] + view[i - 3] + view[i - 4] + view[i - 5] + view[i - 6] + view[i - 7];
      i -= 8;
    }
    while (i >= first) s += view[i--];
    // s < 2^52, folded here rather than by foldSum: a double passed to a call that is not inlined
    // is boxed, i.e. allocated. 2^32 ≡ 1 (mod 0xffff), so adding the 16-bit pieces of both 32-bit
    // halves keeps the one's-complement value.
    const high = Math.floor(s / 0x100000000);
    const low = s - high * 0x100000000;
    middle = (low >>> 16) + (low & 0xffff) + (high >>> 16) + (high & 0xffff);
    middle = (middle & 0xffff) + (middle >>> 16);
    middle = (middle & 0xffff) + (middle >>> 16);
  }
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
 *
 * `words`, a {@link WordView} of `bytes` made once per buffer (`PacketBuffer.words`), lets regions
 * of 96 bytes or more be read as 32-bit words without allocating. Without it (or with the view of
 * another array, which is ignored) regions of 256 bytes or more create a `Uint32Array` per call.
 * The result is the same either way.
 * @throws RangeError when the region is outside `bytes`.
 * @public
 */
export function onesComplementSum(
  bytes: Uint8Array,
  offset: number,
  length: number,
  initial = 0,
  words?: WordView,
): number {
  // Written as a negated conjunction so NaN fails too.
  if (!(offset >= 0 && length >= 0 && offset + length <= bytes.length)) {
    throw new RangeError(`checksum region ${offset}+${length} outside ${bytes.length} bytes`);
  }
  // Short regions (headers, the most common) go to the byte loop before `words` is looked at.
  const sum =
    length < VIEW_WORD_PATH_MIN_LENGTH ||
    (length < WORD_PATH_MIN_LENGTH && (words === undefined || words.bytes !== bytes))
      ? sumByBytes(bytes, offset, length)
      : sumLongRegion(bytes, offset, length, words);
  return initial + foldSum(sum);
}

/**
 * Like {@link onesComplementSum} for a piece that begins `position` bytes into the checksummed
 * region; only the parity of `position` matters. At an odd position the piece's first byte is a
 * low byte, so its folded sum is byte-swapped before it is added (RFC 1071 §2(B)). With this,
 * pieces of any lengths chain: pass each piece's running position. `words` is as for
 * {@link onesComplementSum}.
 * @throws RangeError when the region is outside `bytes`.
 * @public
 */
export function onesComplementSumAt(
  bytes: Uint8Array,
  offset: number,
  length: number,
  position: number,
  initial = 0,
  words?: WordView,
): number {
  const sum = onesComplementSum(bytes, offset, length, 0, words);
  return initial + ((position & 1) === 0 ? sum : swap16(sum));
}
