import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldChecksum, foldSum } from './fold.js';
import { onesComplementSum, onesComplementSumAt } from './ones-complement-sum.js';
import { hex, naiveFold, naiveSum } from './reference.test-util.js';

describe('onesComplementSum', () => {
  it('gives the RFC 1071 §3 example sum', () => {
    expect(foldSum(onesComplementSum(hex('0001 f203 f4f5 f6f7'), 0, 8))).toBe(0xddf2);
  });

  it('pads an odd last byte with a zero low byte', () => {
    expect(onesComplementSum(hex('0102 03'), 0, 3)).toBe(0x0102 + 0x0300);
    expect(onesComplementSum(hex('ff'), 0, 1)).toBe(0xff00);
    expect(onesComplementSum(new Uint8Array(0), 0, 0, 7)).toBe(7);
  });

  it('reads the region relative to its start, whatever the parity of the offset', () => {
    const data = hex('0001 f203 f4f5 f6f7');
    const shifted = new Uint8Array(9);
    shifted.set(data, 1);
    expect(foldSum(onesComplementSum(shifted, 1, 8))).toBe(0xddf2);
  });

  it('adds initial and stays a 32-bit partial sum when chained', () => {
    const data = new Uint8Array(1500).fill(0xff);
    let sum = 0;
    for (let i = 0; i < 10_000; i++) sum = onesComplementSum(data, 0, 1500, sum);
    expect(sum).toBeLessThan(2 ** 32);
    expect(foldSum(sum)).toBe(0xffff);
  });

  it('rejects regions outside the array', () => {
    const data = new Uint8Array(10);
    expect(() => onesComplementSum(data, 5, 6)).toThrow(RangeError);
    expect(() => onesComplementSum(data, -1, 2)).toThrow(RangeError);
    expect(() => onesComplementSum(data, 0, -1)).toThrow(RangeError);
    expect(() => onesComplementSum(data, Number.NaN, 2)).toThrow(RangeError);
  });

  it('handles views that do not start at the beginning of their ArrayBuffer', () => {
    const backing = new Uint8Array(4096 + 3);
    for (let i = 0; i < backing.length; i++) backing[i] = (i * 131 + 7) & 0xff;
    for (const viewStart of [0, 1, 2, 3]) {
      const view = backing.subarray(viewStart);
      for (const offset of [0, 1, 2, 3, 5]) {
        const length = 4096 - offset - 1;
        expect(naiveFold(onesComplementSum(view, offset, length))).toBe(naiveFold(naiveSum(view, offset, length)));
      }
    }
  });

  it('is exact over a region of several MiB (the word path folds in chunks)', () => {
    const big = new Uint8Array(9 * 1024 * 1024 + 3).fill(0xff);
    expect(foldSum(onesComplementSum(big, 1, big.length - 1))).toBe(naiveFold(naiveSum(big, 1, big.length - 1)));
  });

  it('matches the naive byte-by-byte reference for random buffers, offsets and lengths (property)', () => {
    // Lengths straddle the switch from the byte loop to the word path (256 bytes).
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 2100 }),
        fc.nat(),
        fc.nat(),
        fc.nat({ max: 0xffff_ffff }),
        (bytes, a, b, initial) => {
          const offset = bytes.length === 0 ? 0 : a % (bytes.length + 1);
          const length = b % (bytes.length - offset + 1);
          const ours = onesComplementSum(bytes, offset, length, initial);
          expect(naiveFold(ours)).toBe(naiveFold(initial + naiveSum(bytes, offset, length)));
          expect(foldChecksum(ours)).toBe(~naiveFold(initial + naiveSum(bytes, offset, length)) & 0xffff);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('chaining partial sums', () => {
  /** Splits [0, n) into pieces at the given cut points. */
  function pieces(n: number, cuts: number[]): [number, number][] {
    const points = [0, ...cuts.map((c) => c % (n + 1)).sort((x, y) => x - y), n];
    return points.slice(1).map((end, i) => [points[i], end - points[i]]);
  }

  it('chains with onesComplementSum when every piece but the last has even length (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1200 }), fc.array(fc.nat(), { maxLength: 5 }), (bytes, cuts) => {
        const evenCuts = cuts.map((c) => (c % (bytes.length + 1)) & ~1);
        let sum = 0;
        for (const [offset, length] of pieces(bytes.length, evenCuts))
          sum = onesComplementSum(bytes, offset, length, sum);
        expect(naiveFold(sum)).toBe(naiveFold(naiveSum(bytes, 0, bytes.length)));
      }),
      { numRuns: 500 },
    );
  });

  it('chains pieces of any lengths with onesComplementSumAt and the running position (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1200 }), fc.array(fc.nat(), { maxLength: 5 }), (bytes, cuts) => {
        let sum = 0;
        for (const [offset, length] of pieces(bytes.length, cuts))
          sum = onesComplementSumAt(bytes, offset, length, offset, sum);
        expect(naiveFold(sum)).toBe(naiveFold(naiveSum(bytes, 0, bytes.length)));
      }),
      { numRuns: 500 },
    );
  });

  it('an odd-offset piece after an odd-length piece: wrong without the position, right with it', () => {
    const data = hex('0001 f203 f4f5 f6f7');
    const first = onesComplementSum(data, 0, 3);
    expect(foldSum(onesComplementSumAt(data, 3, 5, 3, first))).toBe(0xddf2);
    expect(foldSum(onesComplementSum(data, 3, 5, first))).not.toBe(0xddf2);
  });
});

describe('foldSum and foldChecksum', () => {
  it('fold with end-around carry, also above 32 bits', () => {
    expect(foldSum(0)).toBe(0);
    expect(foldSum(0xffff)).toBe(0xffff);
    expect(foldSum(0x10000)).toBe(1);
    expect(foldSum(0x2fffd)).toBe(0xffff);
    expect(foldSum(0xffffffff)).toBe(0xffff);
    expect(foldSum(2 ** 40 + 5)).toBe(naiveFold(2 ** 40 + 5));
    expect(foldChecksum(0xddf2)).toBe(0x220d);
    expect(foldChecksum(0xffff)).toBe(0);
  });

  it('agree with the naive fold for any safe integer (property)', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (n) => {
        expect(foldSum(n)).toBe(naiveFold(n));
      }),
    );
  });
});
