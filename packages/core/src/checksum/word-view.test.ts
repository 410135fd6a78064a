import { describe, expect, it } from 'vitest';
import { PacketBuffer } from '../buffer/packet-buffer.js';
import { PacketPool } from '../buffer/packet-pool.js';
import { foldSum } from './fold.js';
import { internetChecksum, verifyChecksum } from './internet-checksum.js';
import { onesComplementSum, onesComplementSumAt } from './ones-complement-sum.js';
import { naiveFold, naiveSum } from './reference.test-util.js';
import { WordView } from './word-view.js';

const MAX_LENGTH = 2000;

/** Deterministic varied bytes (xorshift). */
function noise(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = seed | 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

/** Prefix sums of the naive reference, so every (offset, length) is checked in O(1). */
function referenceSums(bytes: Uint8Array): { even: Float64Array; odd: Float64Array } {
  // even[i] = sum of bytes at even indices below i, odd[i] the same for odd indices.
  const even = new Float64Array(bytes.length + 1);
  const odd = new Float64Array(bytes.length + 1);
  for (let i = 0; i < bytes.length; i++) {
    even[i + 1] = even[i] + ((i & 1) === 0 ? bytes[i] : 0);
    odd[i + 1] = odd[i] + ((i & 1) === 1 ? bytes[i] : 0);
  }
  return { even, odd };
}

describe('WordView', () => {
  it('covers the whole words of its array from the aligned address at or before its start', () => {
    const backing = new Uint8Array(64);
    for (const start of [0, 1, 2, 3, 4, 5]) {
      for (const length of [0, 1, 3, 4, 7, 8, 13]) {
        const bytes = backing.subarray(start, start + length);
        const view = new WordView(bytes);
        expect(view.bytes).toBe(bytes);
        expect(view.lead).toBe(start & 3);
        expect(view.words.buffer).toBe(backing.buffer);
        expect(view.words.byteOffset).toBe(start - (start & 3));
        expect(view.words.length).toBe(((start & 3) + length) >>> 2);
      }
    }
  });

  it('gives the byte path result for every length 0..2000 at every alignment 0..3, with and without the view', () => {
    const backing = noise(MAX_LENGTH + 8, 0x9e3779b9);
    for (const arrayStart of [0, 1, 2, 3]) {
      // The array's own alignment (its byteOffset) and the region's offset in it both vary, so
      // the region starts at every position modulo 4 through both `lead` and `offset`.
      const bytes = backing.subarray(arrayStart);
      const view = new WordView(bytes);
      const { even, odd } = referenceSums(bytes);
      for (const offset of [0, 1, 2, 3]) {
        for (let length = 0; length <= MAX_LENGTH; length++) {
          // Region-relative parity: the region's first byte is a high byte.
          const end = offset + length;
          const high = (offset & 1) === 0 ? even[end] - even[offset] : odd[end] - odd[offset];
          const low = (offset & 1) === 0 ? odd[end] - odd[offset] : even[end] - even[offset];
          const expected = naiveFold(high * 256 + low);
          const withView = onesComplementSum(bytes, offset, length, 0, view);
          const without = onesComplementSum(bytes, offset, length);
          if (foldSum(withView) !== expected || foldSum(without) !== expected) {
            expect({ arrayStart, offset, length, withView: foldSum(withView), without: foldSum(without) }).toEqual({
              arrayStart,
              offset,
              length,
              withView: expected,
              without: expected,
            });
          }
          // The partial sums themselves, not only their folds, are the same: callers chain them.
          if (withView !== without)
            expect({ arrayStart, offset, length, withView }).toEqual({ arrayStart, offset, length, withView: without });
        }
      }
    }
  });

  it('spot-checks the direct reference and the other entry points with a view', () => {
    const bytes = noise(1600, 7).subarray(1);
    const view = new WordView(bytes);
    for (const [offset, length] of [
      [0, 1500],
      [1, 1499],
      [3, 96],
      [2, 95],
      [5, 257],
    ]) {
      expect(naiveFold(onesComplementSum(bytes, offset, length, 0, view))).toBe(
        naiveFold(naiveSum(bytes, offset, length)),
      );
      expect(internetChecksum(bytes, offset, length, 0x1234, view)).toBe(
        internetChecksum(bytes, offset, length, 0x1234),
      );
      expect(onesComplementSumAt(bytes, offset, length, 1, 5, view)).toBe(
        onesComplementSumAt(bytes, offset, length, 1, 5),
      );
    }
    // A region carrying its checksum verifies through the view.
    const checksum = internetChecksum(bytes, 0, 1500, 0, view);
    bytes[1500] = checksum >>> 8;
    bytes[1501] = checksum & 0xff;
    expect(verifyChecksum(bytes, 0, 1502, 0, view)).toBe(true);
    bytes[700] ^= 0x10;
    expect(verifyChecksum(bytes, 0, 1502, 0, view)).toBe(false);
  });

  it('is exact with a view over a region of several MiB (chunked word sums, not starting at word 0)', () => {
    const big = new Uint8Array(9 * 1024 * 1024 + 7).fill(0xff);
    const view = new WordView(big);
    const expected = naiveFold(naiveSum(big, 5, big.length - 5));
    expect(foldSum(onesComplementSum(big, 5, big.length - 5, 0, view))).toBe(expected);
  });

  it('does not use a view of another array, even one over the same memory', () => {
    const backing = noise(1600, 99);
    const bytes = backing.subarray(0, 1500);
    const other = noise(1500, 12345);
    const expected = naiveFold(naiveSum(bytes, 0, 1500));
    // Words of different contents: using them would give another sum.
    expect(foldSum(onesComplementSum(bytes, 0, 1500, 0, new WordView(other)))).toBe(expected);
    expect(naiveFold(naiveSum(other, 0, 1500))).not.toBe(expected);
    // Same memory, shifted by one byte: words read through it at the wrong lead would be swapped.
    const shifted = backing.subarray(1, 1501);
    expect(foldSum(onesComplementSum(bytes, 0, 1500, 0, new WordView(shifted)))).toBe(expected);
    // A view of the whole backing array is a view of another array too.
    expect(foldSum(onesComplementSum(bytes, 1, 1499, 0, new WordView(backing)))).toBe(
      naiveFold(naiveSum(bytes, 1, 1499)),
    );
  });
});

describe('PacketBuffer.words', () => {
  it('is made once per buffer and kept across pool reuse', () => {
    const pool = new PacketPool();
    const buf = pool.alloc();
    const words = buf.words;
    expect(words).toBeInstanceOf(WordView);
    expect(words.bytes).toBe(buf.data);
    expect(buf.words).toBe(words);
    buf.release();
    const again = pool.alloc();
    expect(again).toBe(buf);
    expect(again.words).toBe(words);
  });

  it('follows a replaced backing array', () => {
    const buf = new PacketBuffer(new Uint8Array(2048), 128);
    const first = buf.words;
    buf.data = new Uint8Array(4096);
    const second = buf.words;
    expect(second).not.toBe(first);
    expect(second.bytes).toBe(buf.data);
    expect(buf.words).toBe(second);
  });

  it('sums a pooled packet the same with and without it', () => {
    const pool = new PacketPool();
    const buf = pool.alloc();
    buf.copyFrom(noise(1500, 3));
    for (const at of [0, 1, 2, 3]) {
      const n = buf.length - at;
      expect(internetChecksum(buf.data, buf.start + at, n, 0, buf.words)).toBe(
        internetChecksum(buf.data, buf.start + at, n),
      );
    }
  });
});
