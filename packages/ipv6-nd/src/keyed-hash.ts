/**
 * A per-stack secret and a keyed 32-bit mixing function over address pairs, used where values must
 * be unpredictable to off-path observers without state per destination: fragment identifications
 * (RFC 7739 §5) and flow labels (RFC 6437 §3). The mixing is fast, not cryptographic; the secret
 * comes from `crypto.getRandomValues` where the platform has it.
 */
export class KeyedHash {
  private readonly key: Uint32Array;

  constructor(key?: Uint32Array) {
    this.key = key ?? randomWords(8);
  }

  /** Hash of the two 16-byte addresses `a[ao..)` and `b[bo..)`, one extra word and key set `k` (0 or 1). */
  hash(a: Uint8Array, ao: number, b: Uint8Array, bo: number, extra: number, k: number): number {
    const key = this.key;
    const base = k === 0 ? 0 : 4;
    let h = key[base] ^ Math.imul(extra | 0, 0x27d4eb2d);
    for (let i = 0; i < 16; i += 4) {
      h = mix(h ^ read32(a, ao + i), key[base + ((i >>> 2) & 3)]);
      h = mix(h ^ read32(b, bo + i), key[base + 1 + ((i >>> 2) & 1)]);
    }
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h >>> 0;
  }
}

function read32(b: Uint8Array, at: number): number {
  return (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];
}

function mix(h: number, k: number): number {
  h = Math.imul(h, 0xcc9e2d51);
  h = (h << 15) | (h >>> 17);
  h = Math.imul(h, 0x1b873593) ^ k;
  return (h << 13) | (h >>> 19);
}

/** `count` random 32-bit words from the platform's CSPRNG, or from `Math.random` where there is none. */
export function randomWords(count: number): Uint32Array {
  const out = new Uint32Array(count);
  const crypto = (globalThis as { crypto?: { getRandomValues?(a: Uint32Array): Uint32Array } }).crypto;
  if (crypto?.getRandomValues) crypto.getRandomValues(out);
  else for (let i = 0; i < count; i++) out[i] = Math.floor(Math.random() * 0x1_0000_0000);
  return out;
}
