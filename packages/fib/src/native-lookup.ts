import type { LookupTrie } from './lookup-trie.js';
import { IO_LANES } from './wasm/lookup-code.js';

// Lookups through a trie's WebAssembly functions (`trie.memory.fns` set). Destinations are copied
// into the memory's scratch and ids copied back, IO_LANES at a time. Up to 64 are copied element
// by element; more with one `set` each way. Nothing is allocated for bursts of up to IO_LANES
// whose input array is no longer than IO_LANES (the forwarding case: a reused burst array); a
// longer input array costs one short-lived view per IO_LANES destinations.

/** Below this count a loop copies faster than a `set` call. */
const COPY_LOOP = 64;

export function nativeLookup4(t: LookupTrie, dst: number): number {
  return t.memory.fns!.lookup4!(dst);
}

/** Copy `m` ids from the scratch to `out[at..at+m)` (the caller made sure they fit): whole runs of 64 through a prepared view, the rest one by one. */
function copyOut(t: LookupTrie, out: Int32Array, at: number, m: number): void {
  const mem = t.memory;
  const src = mem.out;
  let j = 0;
  if (m >= COPY_LOOP) {
    j = m & ~63;
    out.set(mem.outViews[j >>> 6], at);
  }
  for (; j < m; j++) out[at + j] = src[j];
}

export function nativeLookup4Burst(t: LookupTrie, dsts: Uint32Array | Int32Array, out: Int32Array, count: number): void {
  const mem = t.memory;
  const burst = mem.fns!.burst4!;
  const small = dsts.length <= IO_LANES;
  for (let i = 0; i < count; i += IO_LANES) {
    const m = count - i < IO_LANES ? count - i : IO_LANES;
    if (m < COPY_LOOP) {
      const into = mem.inI32;
      for (let j = 0; j < m; j++) into[j] = dsts[i + j];
    } else {
      const src = small ? dsts : dsts.subarray(i, i + m);
      if (src instanceof Uint32Array) mem.inU32.set(src);
      else mem.inI32.set(src);
    }
    burst(m);
    copyOut(t, out, i, m);
  }
}

/** Copy the 16-byte address at `bytes[offset]` into the scratch. */
function put6(into: Uint8Array, at: number, bytes: Uint8Array, offset: number): void {
  for (let b = 0; b < 16; b++) into[at + b] = bytes[offset + b];
}

export function nativeLookup6(t: LookupTrie, bytes: Uint8Array, offset: number): number {
  const mem = t.memory;
  put6(mem.inU8, 0, bytes, offset);
  return mem.fns!.lookup6!();
}

export function nativeLookup6Words(t: LookupTrie, words: Uint32Array | Int32Array, offset: number): number {
  const mem = t.memory;
  const into = mem.inU8;
  for (let w = 0; w < 4; w++) {
    const v = words[offset + w];
    into[w * 4] = v >>> 24;
    into[w * 4 + 1] = v >>> 16;
    into[w * 4 + 2] = v >>> 8;
    into[w * 4 + 3] = v;
  }
  return mem.fns!.lookup6!();
}

export function nativeLookup6Burst(t: LookupTrie, addrs: Uint8Array, out: Int32Array, count: number): void {
  const mem = t.memory;
  const burst = mem.fns!.burst6!;
  const small = addrs.length <= IO_LANES * 16;
  for (let i = 0; i < count; i += IO_LANES) {
    const m = count - i < IO_LANES ? count - i : IO_LANES;
    if (m < COPY_LOOP >>> 2) {
      for (let j = 0; j < m; j++) put6(mem.inU8, j << 4, addrs, (i + j) << 4);
    } else {
      mem.inU8.set(small ? addrs : addrs.subarray(i << 4, (i + m) << 4));
    }
    burst(m);
    copyOut(t, out, i, m);
  }
}
