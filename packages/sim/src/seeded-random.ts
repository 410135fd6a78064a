/**
 * A small, fast, seedable pseudo-random generator (xoshiro128**, 32-bit state words), so every
 * impairment decision is reproducible from a seed and independent of `Math.random`.
 * @public
 */
export class SeededRandom {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** @param seed - any 32-bit integer; the four state words are spread from it with splitmix32 */
  constructor(seed: number) {
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      return mix32(x);
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    // The all-zero state is the one state xoshiro cannot leave.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /**
   * A seed for an independent stream `stream` derived from `seed`, so each simulated channel has
   * its own sequence and adding a link does not shift the randomness of the others.
   */
  static deriveSeed(seed: number, stream: number): number {
    return mix32((seed ^ mix32((stream + 0x6a09e667) >>> 0)) >>> 0);
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A float uniformly distributed in [0, 1). */
  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }

  /** An integer uniformly distributed in [0, bound), for bound ≥ 1. */
  nextInt(bound: number): number {
    return Math.floor(this.nextFloat() * bound);
  }

  /** True with probability `p`. Draws nothing when `p` is 0, so disabled features cost nothing. */
  chance(p: number): boolean {
    return p > 0 && this.nextFloat() < p;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The splitmix32 / murmur3 finaliser: a bijective 32-bit mixer. */
function mix32(value: number): number {
  let z = value >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}
