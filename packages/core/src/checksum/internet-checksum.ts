import { foldChecksum, foldSum } from './fold.js';
import { onesComplementSum } from './ones-complement-sum.js';
import type { WordView } from './word-view.js';

/**
 * The Internet checksum of `bytes[offset..offset+length)` (RFC 1071): the complemented 16-bit
 * one's-complement sum, to store big-endian in a checksum field that was zero while summing.
 * `initial` adds a partial sum computed first, such as a pseudo-header. `words`, the
 * {@link WordView} of `bytes` (`PacketBuffer.words`), makes long regions allocation-free; see
 * {@link onesComplementSum}.
 * @public
 */
export function internetChecksum(
  bytes: Uint8Array,
  offset: number,
  length: number,
  initial = 0,
  words?: WordView,
): number {
  return foldChecksum(onesComplementSum(bytes, offset, length, initial, words));
}

/**
 * Whether a received region, checksum field included, is intact: its one's-complement sum (plus
 * `initial`, e.g. a pseudo-header) folds to 0xffff (RFC 1071 §1). `words` is as for
 * {@link internetChecksum}.
 * @public
 */
export function verifyChecksum(
  bytes: Uint8Array,
  offset: number,
  length: number,
  initial = 0,
  words?: WordView,
): boolean {
  return foldSum(onesComplementSum(bytes, offset, length, initial, words)) === 0xffff;
}
