import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../src/index.js';

describe('SeededRandom', () => {
  it('is a pure function of its seed', () => {
    const draw = (seed: number) => {
      const random = new SeededRandom(seed);
      return Array.from({ length: 100 }, () => random.nextUint32());
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
    expect(draw(0).some((value) => value !== 0)).toBe(true);
  });

  it('draws uniform floats in [0, 1)', () => {
    const random = new SeededRandom(123);
    const buckets = new Array<number>(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const value = random.nextFloat();
      if (!(value >= 0 && value < 1)) outside++;
      else buckets[Math.floor(value * 10)]++;
    }
    expect(outside).toBe(0);
    for (const bucket of buckets) expect(Math.abs(bucket - 10_000)).toBeLessThan(400);
  });

  it('derives distinct streams', () => {
    const seeds = new Set(Array.from({ length: 1000 }, (_, stream) => SeededRandom.deriveSeed(5, stream)));
    expect(seeds.size).toBe(1000);
  });

  it('chance(0) draws nothing', () => {
    const a = new SeededRandom(9);
    const b = new SeededRandom(9);
    expect(a.chance(0)).toBe(false);
    expect(a.nextUint32()).toBe(b.nextUint32());
  });
});
