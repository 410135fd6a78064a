import { popcount32 } from './bits.js';
import type { LpmTrie } from './lpm-trie.js';

// The hot paths. Each reads typed arrays only and returns the leaf value minus one: a next-hop
// (or ECMP group) id, or -1 when no route matches. Node layout: see LpmTrie.

/** Longest-prefix match of an IPv4 address (unsigned or signed 32-bit integer). */
export function trieLookup4(trie: LpmTrie, dst: number): number {
  const topBits = trie.topBits;
  const t = trie.top[dst >>> (32 - topBits)];
  if (t >= 0) return t - 1;
  const nodes = trie.nodes;
  let n = ~t;
  let k = topBits;
  for (;;) {
    const v = (dst << k) >>> 27;
    const b = n << 2;
    const vector = nodes[b];
    if ((vector >>> v) & 1) {
      n = nodes[b + 3] + popcount32(vector & ((1 << v) - 1));
      k += 5;
    } else {
      return trie.leaves[nodes[b + 2] + popcount32(nodes[b + 1] & ((2 << v) - 1)) - 1] - 1;
    }
  }
}

/** Longest-prefix match of the IPv6 address in `bytes[offset..offset+16)`. `topBits` must be at most 24. */
export function trieLookup6(trie: LpmTrie, bytes: Uint8Array, offset: number): number {
  const topBits = trie.topBits;
  const t = trie.top[((bytes[offset] << 16) | (bytes[offset + 1] << 8) | bytes[offset + 2]) >>> (24 - topBits)];
  if (t >= 0) return t - 1;
  const nodes = trie.nodes;
  let n = ~t;
  let k = topBits;
  for (;;) {
    const i = k >>> 3;
    const pair = (bytes[offset + i] << 8) | (i < 15 ? bytes[offset + i + 1] : 0);
    const v = (pair >>> (11 - (k & 7))) & 31;
    const b = n << 2;
    const vector = nodes[b];
    if ((vector >>> v) & 1) {
      n = nodes[b + 3] + popcount32(vector & ((1 << v) - 1));
      k += 5;
    } else {
      return trie.leaves[nodes[b + 2] + popcount32(nodes[b + 1] & ((2 << v) - 1)) - 1] - 1;
    }
  }
}

/** Longest-prefix match of the IPv6 address held as four big-endian 32-bit words at `words[offset..offset+4)`. */
export function trieLookup6Words(trie: LpmTrie, words: Uint32Array | Int32Array, offset: number): number {
  const topBits = trie.topBits;
  const t = trie.top[words[offset] >>> (32 - topBits)];
  if (t >= 0) return t - 1;
  const nodes = trie.nodes;
  let n = ~t;
  let k = topBits;
  for (;;) {
    const w = k >>> 5;
    const s = k & 31;
    let v = (words[offset + w] << s) >>> 27;
    if (s > 27 && w < 3) v = ((words[offset + w] << s) | (words[offset + w + 1] >>> (32 - s))) >>> 27;
    const b = n << 2;
    const vector = nodes[b];
    if ((vector >>> v) & 1) {
      n = nodes[b + 3] + popcount32(vector & ((1 << v) - 1));
      k += 5;
    } else {
      return trie.leaves[nodes[b + 2] + popcount32(nodes[b + 1] & ((2 << v) - 1)) - 1] - 1;
    }
  }
}

/** {@link trieLookup4} over `count` destinations, with the trie's arrays held in locals. */
export function trieLookup4Burst(trie: LpmTrie, dsts: Uint32Array | Int32Array, out: Int32Array, count: number): void {
  const topBits = trie.topBits;
  const topShift = 32 - topBits;
  const top = trie.top;
  const nodes = trie.nodes;
  const leaves = trie.leaves;
  for (let i = 0; i < count; i++) {
    const dst = dsts[i];
    const t = top[dst >>> topShift];
    if (t >= 0) {
      out[i] = t - 1;
      continue;
    }
    let n = ~t;
    let k = topBits;
    for (;;) {
      const v = (dst << k) >>> 27;
      const b = n << 2;
      const vector = nodes[b];
      if ((vector >>> v) & 1) {
        n = nodes[b + 3] + popcount32(vector & ((1 << v) - 1));
        k += 5;
      } else {
        out[i] = leaves[nodes[b + 2] + popcount32(nodes[b + 1] & ((2 << v) - 1)) - 1] - 1;
        break;
      }
    }
  }
}
