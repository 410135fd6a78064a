import { popcount32 } from './bits.js';
import type { LookupTrie } from './lookup-trie.js';

// The hot paths. Each reads typed arrays only and returns a next-hop (or ECMP group) id, or -1
// when no route matches. Node layout: see LookupTrie; the top level is `m32[chunk]`.
//
// - A slot's shift `s` is `~bits`: shifts use the low 5 bits of their count, so `x << s` is
//   `x << (31 - slot)`. Then `(H | 1) << s` keeps the run starts up to the slot (their count is
//   the run's index + 1) and `C << s` moves the slot's child bit into the sign bit.
// - A leaf code below 0x8000 is the next-hop id + 1; above, it indexes `values` (see LeafCodes).
// - Below the first node a code 0 means "inherit": `best` keeps the last non-zero code, without
//   a branch (`(code - 1) >> 31` is -1 only for code 0).
// - `| 0` tells V8 an index cannot overflow, which spares it an overflow check.

/** The next-hop id of a leaf code: codes 1..0x7fff directly, 0 the default route's, table codes from `values`. */
function idOf(t: LookupTrie, code: number): number {
  return (code - 1) >>> 0 < 0x7fff ? code - 1 : code === 0 ? t.defaultId : t.values[code - 0x8000];
}

/** Longest-prefix match of an IPv4 address (unsigned or signed 32-bit integer). */
export function trieLookup4(t: LookupTrie, dst: number): number {
  const m32 = t.m32;
  const k = t.topBits;
  const n = m32[dst >>> (32 - k)];
  const h = m32[n];
  const s = ~((dst << k) >>> 27);
  return descend4(t, dst, k, n, h, s, t.m16[((n << 1) + 1 + popcount32((h | 1) << s)) | 0]);
}

/** Finish an IPv4 lookup from the node `n` at bit `k`, whose header `h`, shift `s` and leaf `code` are read. */
function descend4(t: LookupTrie, dst: number, k: number, n: number, h: number, s: number, code: number): number {
  const m32 = t.m32;
  const m16 = t.m16;
  let best = code;
  for (;;) {
    if ((h & 1) === 0) return idOf(t, best);
    const c = m32[n - 1] << s;
    if (c >= 0) return idOf(t, best);
    n = m32[(n - 1 - popcount32(c)) | 0];
    k += 5;
    h = m32[n];
    s = ~((dst << k) >>> 27);
    code = m16[((n << 1) + 1 + popcount32((h | 1) << s)) | 0];
    best = code | (best & ((code - 1) >> 31));
  }
}

/**
 * {@link trieLookup4} over `count` destinations. Eight lookups go through the top level and the
 * first node together, so their memory reads overlap instead of waiting on each other. The few
 * that need more (a child node, or a table code) are looked up again one by one, from data now
 * in cache; keeping that path out of line keeps the loop's live values in registers.
 */
export function trieLookup4Burst(t: LookupTrie, dsts: Uint32Array | Int32Array, out: Int32Array, count: number): void {
  const k = t.topBits;
  const shift = 32 - k;
  const m32 = t.m32;
  const m16 = t.m16;
  // Code 0 (no prefix) answers the default route: c - 1 is -1 there, and def1 corrects it.
  const def1 = t.defaultId + 1;
  let i = 0;
  for (; i + 8 <= count; i += 8) {
    const d0 = dsts[i];
    const d1 = dsts[i + 1];
    const d2 = dsts[i + 2];
    const d3 = dsts[i + 3];
    const d4 = dsts[i + 4];
    const d5 = dsts[i + 5];
    const d6 = dsts[i + 6];
    const d7 = dsts[i + 7];
    const n0 = m32[d0 >>> shift];
    const n1 = m32[d1 >>> shift];
    const n2 = m32[d2 >>> shift];
    const n3 = m32[d3 >>> shift];
    const n4 = m32[d4 >>> shift];
    const n5 = m32[d5 >>> shift];
    const n6 = m32[d6 >>> shift];
    const n7 = m32[d7 >>> shift];
    const h0 = m32[n0];
    const h1 = m32[n1];
    const h2 = m32[n2];
    const h3 = m32[n3];
    const h4 = m32[n4];
    const h5 = m32[n5];
    const h6 = m32[n6];
    const h7 = m32[n7];
    const s0 = ~((d0 << k) >>> 27);
    const s1 = ~((d1 << k) >>> 27);
    const s2 = ~((d2 << k) >>> 27);
    const s3 = ~((d3 << k) >>> 27);
    const s4 = ~((d4 << k) >>> 27);
    const s5 = ~((d5 << k) >>> 27);
    const s6 = ~((d6 << k) >>> 27);
    const s7 = ~((d7 << k) >>> 27);
    const c0 = m16[((n0 << 1) + 1 + popcount32((h0 | 1) << s0)) | 0];
    const c1 = m16[((n1 << 1) + 1 + popcount32((h1 | 1) << s1)) | 0];
    const c2 = m16[((n2 << 1) + 1 + popcount32((h2 | 1) << s2)) | 0];
    const c3 = m16[((n3 << 1) + 1 + popcount32((h3 | 1) << s3)) | 0];
    const c4 = m16[((n4 << 1) + 1 + popcount32((h4 | 1) << s4)) | 0];
    const c5 = m16[((n5 << 1) + 1 + popcount32((h5 | 1) << s5)) | 0];
    const c6 = m16[((n6 << 1) + 1 + popcount32((h6 | 1) << s6)) | 0];
    const c7 = m16[((n7 << 1) + 1 + popcount32((h7 | 1) << s7)) | 0];
    out[i] = ((h0 & 1) | (c0 >>> 15)) === 0 ? c0 - 1 + (((c0 - 1) >> 31) & def1) : trieLookup4(t, d0);
    out[i + 1] = ((h1 & 1) | (c1 >>> 15)) === 0 ? c1 - 1 + (((c1 - 1) >> 31) & def1) : trieLookup4(t, d1);
    out[i + 2] = ((h2 & 1) | (c2 >>> 15)) === 0 ? c2 - 1 + (((c2 - 1) >> 31) & def1) : trieLookup4(t, d2);
    out[i + 3] = ((h3 & 1) | (c3 >>> 15)) === 0 ? c3 - 1 + (((c3 - 1) >> 31) & def1) : trieLookup4(t, d3);
    out[i + 4] = ((h4 & 1) | (c4 >>> 15)) === 0 ? c4 - 1 + (((c4 - 1) >> 31) & def1) : trieLookup4(t, d4);
    out[i + 5] = ((h5 & 1) | (c5 >>> 15)) === 0 ? c5 - 1 + (((c5 - 1) >> 31) & def1) : trieLookup4(t, d5);
    out[i + 6] = ((h6 & 1) | (c6 >>> 15)) === 0 ? c6 - 1 + (((c6 - 1) >> 31) & def1) : trieLookup4(t, d6);
    out[i + 7] = ((h7 & 1) | (c7 >>> 15)) === 0 ? c7 - 1 + (((c7 - 1) >> 31) & def1) : trieLookup4(t, d7);
  }
  for (; i < count; i++) out[i] = trieLookup4(t, dsts[i]);
}

/** The 5 bits at bit `k` of the IPv6 address at `bytes[a]`, as a shift (`~bits`). */
function shift6(bytes: Uint8Array, a: number, k: number): number {
  const i = k >>> 3;
  const pair = i < 15 ? (bytes[a + i] << 8) | bytes[a + i + 1] : bytes[a + 15] << 8;
  return ~(pair >>> (11 - (k & 7)));
}

/** Top-level index of the IPv6 address at `bytes[offset]` (its first 24 bits shifted right by `shift`). */
function top6(bytes: Uint8Array, offset: number, shift: number): number {
  return ((bytes[offset] << 16) | (bytes[offset + 1] << 8) | bytes[offset + 2]) >>> shift;
}

/** Longest-prefix match of the IPv6 address in `bytes[offset..offset+16)`. `topBits` must be at most 24. */
export function trieLookup6(t: LookupTrie, bytes: Uint8Array, offset: number): number {
  const m32 = t.m32;
  const m16 = t.m16;
  let k = t.topBits;
  let n = m32[top6(bytes, offset, 24 - k)];
  let best = 0;
  for (;;) {
    const s = shift6(bytes, offset, k);
    const h = m32[n];
    const code = m16[((n << 1) + 1 + popcount32((h | 1) << s)) | 0];
    best = code | (best & ((code - 1) >> 31));
    if ((h & 1) === 0) return idOf(t, best);
    const c = m32[n - 1] << s;
    if (c >= 0) return idOf(t, best);
    n = m32[(n - 1 - popcount32(c)) | 0];
    k += 5;
  }
}

/** Longest-prefix match of the IPv6 address held as four big-endian 32-bit words at `words[offset..offset+4)`. */
export function trieLookup6Words(t: LookupTrie, words: Uint32Array | Int32Array, offset: number): number {
  const m32 = t.m32;
  const m16 = t.m16;
  let k = t.topBits;
  let n = m32[words[offset] >>> (32 - k)];
  let best = 0;
  for (;;) {
    const w = offset + (k >>> 5);
    const b = k & 31;
    let v = words[w] << b;
    if (b > 27 && k < 96) v |= words[w + 1] >>> (32 - b);
    const s = ~(v >>> 27);
    const h = m32[n];
    const code = m16[((n << 1) + 1 + popcount32((h | 1) << s)) | 0];
    best = code | (best & ((code - 1) >> 31));
    if ((h & 1) === 0) return idOf(t, best);
    const c = m32[n - 1] << s;
    if (c >= 0) return idOf(t, best);
    n = m32[(n - 1 - popcount32(c)) | 0];
    k += 5;
  }
}

/**
 * {@link trieLookup6} over `count` addresses stored 16 bytes apart. IPv6 lookups walk several
 * nodes each, one dependent memory read after another, so four lookups ("lanes", in locals)
 * advance side by side, one node per step, and a lane that finishes takes the next address: their
 * reads overlap. (More lanes spill registers and measured slower.)
 */
export function trieLookup6Burst(t: LookupTrie, addrs: Uint8Array, out: Int32Array, count: number): void {
  if (count < 8) {
    for (let i = 0; i < count; i++) out[i] = trieLookup6(t, addrs, i << 4);
    return;
  }
  const m32 = t.m32;
  const m16 = t.m16;
  const topBits = t.topBits;
  const shift = 24 - topBits;
  let o0 = 0;
  let n0 = m32[top6(addrs, 0, shift)];
  let k0 = topBits;
  let b0 = 0;
  let o1 = 1;
  let n1 = m32[top6(addrs, 16, shift)];
  let k1 = topBits;
  let b1 = 0;
  let o2 = 2;
  let n2 = m32[top6(addrs, 32, shift)];
  let k2 = topBits;
  let b2 = 0;
  let o3 = 3;
  let n3 = m32[top6(addrs, 48, shift)];
  let k3 = topBits;
  let b3 = 0;
  let next = 4;
  let live = 4;
  while (live > 0) {
    if (o0 >= 0) {
      const s = shift6(addrs, o0 << 4, k0);
      const h = m32[n0];
      const code = m16[((n0 << 1) + 1 + popcount32((h | 1) << s)) | 0];
      b0 = code | (b0 & ((code - 1) >> 31));
      const c = (h & 1) === 0 ? 0 : m32[n0 - 1] << s;
      if (c < 0) {
        n0 = m32[(n0 - 1 - popcount32(c)) | 0];
        k0 += 5;
      } else {
        out[o0] = idOf(t, b0);
        b0 = 0;
        if (next < count) {
          o0 = next++;
          n0 = m32[top6(addrs, o0 << 4, shift)];
          k0 = topBits;
        } else {
          o0 = -1;
          live--;
        }
      }
    }
    if (o1 >= 0) {
      const s = shift6(addrs, o1 << 4, k1);
      const h = m32[n1];
      const code = m16[((n1 << 1) + 1 + popcount32((h | 1) << s)) | 0];
      b1 = code | (b1 & ((code - 1) >> 31));
      const c = (h & 1) === 0 ? 0 : m32[n1 - 1] << s;
      if (c < 0) {
        n1 = m32[(n1 - 1 - popcount32(c)) | 0];
        k1 += 5;
      } else {
        out[o1] = idOf(t, b1);
        b1 = 0;
        if (next < count) {
          o1 = next++;
          n1 = m32[top6(addrs, o1 << 4, shift)];
          k1 = topBits;
        } else {
          o1 = -1;
          live--;
        }
      }
    }
    if (o2 >= 0) {
      const s = shift6(addrs, o2 << 4, k2);
      const h = m32[n2];
      const code = m16[((n2 << 1) + 1 + popcount32((h | 1) << s)) | 0];
      b2 = code | (b2 & ((code - 1) >> 31));
      const c = (h & 1) === 0 ? 0 : m32[n2 - 1] << s;
      if (c < 0) {
        n2 = m32[(n2 - 1 - popcount32(c)) | 0];
        k2 += 5;
      } else {
        out[o2] = idOf(t, b2);
        b2 = 0;
        if (next < count) {
          o2 = next++;
          n2 = m32[top6(addrs, o2 << 4, shift)];
          k2 = topBits;
        } else {
          o2 = -1;
          live--;
        }
      }
    }
    if (o3 >= 0) {
      const s = shift6(addrs, o3 << 4, k3);
      const h = m32[n3];
      const code = m16[((n3 << 1) + 1 + popcount32((h | 1) << s)) | 0];
      b3 = code | (b3 & ((code - 1) >> 31));
      const c = (h & 1) === 0 ? 0 : m32[n3 - 1] << s;
      if (c < 0) {
        n3 = m32[(n3 - 1 - popcount32(c)) | 0];
        k3 += 5;
      } else {
        out[o3] = idOf(t, b3);
        b3 = 0;
        if (next < count) {
          o3 = next++;
          n3 = m32[top6(addrs, o3 << 4, shift)];
          k3 = topBits;
        } else {
          o3 = -1;
          live--;
        }
      }
    }
  }
}
