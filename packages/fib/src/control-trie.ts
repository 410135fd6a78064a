import { keyBits5, popcount32, setBits5 } from './bits.js';
import { RecordPool } from './record-pool.js';

/** Words before a control node's own routes: own bitmap (2 words), child bitmap, lookup record, fallback code. */
export const OWN_BASE = 5;
const MAX_WORDS = OWN_BASE + 62 + 32;

/**
 * The control plane of the prefixes longer than the direct-pointing level, as a multibit trie with
 * the same 5-bit strides as the lookup trie: one control node per lookup node. A node at bit
 * offset `k` holds its own prefixes (lengths k+1..k+5) in a 62-bit bitmap indexed like a complete
 * binary tree (`(1 << (len - k)) | bits`) with their route-set ids, and its children in a 32-bit
 * bitmap. It also keeps the offset of its lookup record and the leaf code it inherits from above,
 * so that a change rebuilds one lookup node and only the children whose inherited value changed
 * (BART and Tree Bitmap index prefixes inside a stride the same way).
 *
 * Record at offset x: [own lo, own hi, children, lookup record, fallback code, own set ids..., child offsets...].
 */
export class ControlTrie {
  readonly words: number;
  readonly topBits: number;
  readonly pool: RecordPool;
  /** Control node of each top-level chunk, -1 for none. */
  readonly topNode: Int32Array;
  /** Number of prefixes held. */
  size = 0;
  /** Lookup records of nodes deleted by the last {@link ControlTrie.delete} (for the caller to free). */
  readonly dropped: number[] = [];
  private readonly pathNode: Int32Array;
  private readonly pathPtr: Int32Array;
  private readonly pathSlot: Int32Array;

  constructor(words: number, topBits: number) {
    this.words = words;
    this.topBits = topBits;
    this.pool = new RecordPool(1024, MAX_WORDS, 1);
    this.topNode = new Int32Array(1 << topBits).fill(-1);
    const depth = Math.ceil((words * 32 - topBits) / 5) + 1;
    this.pathNode = new Int32Array(depth);
    this.pathPtr = new Int32Array(depth);
    this.pathSlot = new Int32Array(depth);
  }

  chunkOf(key: ArrayLike<number>, offset: number): number {
    return key[offset] >>> (32 - this.topBits);
  }

  ownCount(x: number): number {
    const c = this.pool.i32;
    return popcount32(c[x]) + popcount32(c[x + 1]);
  }

  /** Offset of the own route of bitmap index `idx` (which must be present). */
  ownAt(x: number, idx: number): number {
    const c = this.pool.i32;
    const rank = idx < 32 ? popcount32(c[x] & ((1 << idx) - 1)) : popcount32(c[x]) + popcount32(c[x + 1] & ((1 << (idx - 32)) - 1));
    return x + OWN_BASE + rank;
  }

  hasOwn(x: number, idx: number): boolean {
    return ((this.pool.i32[x + (idx >>> 5)] >>> (idx & 31)) & 1) === 1;
  }

  /** Child node at slot `v`, or -1. */
  childAt(x: number, v: number): number {
    const c = this.pool.i32;
    const children = c[x + 2];
    if (((children >>> v) & 1) === 0) return -1;
    return c[this.childPtr(x, v)];
  }

  /** Offset of the word holding the child at slot `v` (which must be present). */
  childPtr(x: number, v: number): number {
    const c = this.pool.i32;
    return x + OWN_BASE + this.ownCount(x) + popcount32(c[x + 2] & ((1 << v) - 1));
  }

  /** Route set of (key, length) (length > topBits), or -1. */
  find(key: ArrayLike<number>, offset: number, length: number): number {
    let x = this.topNode[this.chunkOf(key, offset)];
    let k = this.topBits;
    while (x >= 0) {
      if (length <= k + 5) {
        const idx = ownIndex(key, offset, this.words, k, length);
        return this.hasOwn(x, idx) ? this.pool.i32[this.ownAt(x, idx)] : -1;
      }
      x = this.childAt(x, keyBits5(key, offset, this.words, k));
      k += 5;
    }
    return -1;
  }

  /**
   * Set the route set of (key, length) (length > topBits), creating nodes on the way. Returns the
   * previous set, or -1 when the prefix is new. New nodes have no lookup record (-1) and fallback 0.
   */
  put(key: ArrayLike<number>, offset: number, length: number, set: number): number {
    const words = this.words;
    const chunk = this.chunkOf(key, offset);
    let x = this.topNode[chunk];
    let k = this.topBits;
    if (x < 0) {
      this.topNode[chunk] = this.chain(key, offset, length, set, k);
      this.size++;
      return -1;
    }
    let ptr = -1 - chunk;
    while (length > k + 5) {
      const v = keyBits5(key, offset, words, k);
      const y = this.childAt(x, v);
      if (y < 0) {
        this.setPtr(ptr, this.withChild(x, v, this.chain(key, offset, length, set, k + 5)));
        this.size++;
        return -1;
      }
      ptr = this.childPtr(x, v);
      x = y;
      k += 5;
    }
    const idx = ownIndex(key, offset, words, k, length);
    if (this.hasOwn(x, idx)) {
      const at = this.ownAt(x, idx);
      const old = this.pool.i32[at];
      this.pool.i32[at] = set;
      return old;
    }
    this.setPtr(ptr, this.withOwn(x, idx, set));
    this.size++;
    return -1;
  }

  /**
   * Remove (key, length) (length > topBits). Returns its route set, or -1 when it was absent.
   * Nodes left with neither prefixes nor children are deleted; their lookup records are listed in
   * {@link ControlTrie.dropped}.
   */
  delete(key: ArrayLike<number>, offset: number, length: number): number {
    const words = this.words;
    const chunk = this.chunkOf(key, offset);
    let x = this.topNode[chunk];
    let k = this.topBits;
    let d = 0;
    let ptr = -1 - chunk;
    if (this.dropped.length > 0) this.dropped.length = 0;
    while (x >= 0 && length > k + 5) {
      const v = keyBits5(key, offset, words, k);
      this.pathNode[d] = x;
      this.pathPtr[d] = ptr;
      this.pathSlot[d] = v;
      d++;
      const y = this.childAt(x, v);
      if (y < 0) return -1;
      ptr = this.childPtr(x, v);
      x = y;
      k += 5;
    }
    if (x < 0) return -1;
    const idx = ownIndex(key, offset, words, k, length);
    if (!this.hasOwn(x, idx)) return -1;
    const c = this.pool.i32;
    const old = c[this.ownAt(x, idx)];
    this.size--;
    if (this.ownCount(x) > 1 || c[x + 2] !== 0) {
      this.setPtr(ptr, this.withoutOwn(x, idx));
      return old;
    }
    // The node becomes empty: delete it, and every ancestor that it leaves empty.
    this.free(x);
    for (;;) {
      if (d === 0) {
        this.topNode[chunk] = -1;
        return old;
      }
      d--;
      const parent = this.pathNode[d];
      if (this.ownCount(parent) > 0 || popcount32(this.pool.i32[parent + 2]) > 1) {
        this.setPtr(this.pathPtr[d], this.withoutChild(parent, this.pathSlot[d]));
        return old;
      }
      this.free(parent);
    }
  }

  /**
   * Longest prefix held that covers `key`: returns its route set and puts its length in
   * `found[0]`, or returns -1.
   */
  covering(key: ArrayLike<number>, offset: number, found: Int32Array): number {
    let x = this.topNode[this.chunkOf(key, offset)];
    let k = this.topBits;
    let best = -1;
    while (x >= 0) {
      const v = keyBits5(key, offset, this.words, k);
      for (let l = 5; l >= 1; l--) {
        const idx = (1 << l) | (v >>> (5 - l));
        if (this.hasOwn(x, idx)) {
          best = this.pool.i32[this.ownAt(x, idx)];
          found[0] = k + l;
          break;
        }
      }
      x = this.childAt(x, v);
      k += 5;
    }
    return best;
  }

  /**
   * Visit every prefix of a chunk in (address, length) order. `key` must hold the chunk's
   * address; it is overwritten with each prefix's address (bits past its length cleared).
   */
  forEachInChunk(chunk: number, key: Int32Array, visit: (key: Int32Array, length: number, set: number) => void): void {
    const x = this.topNode[chunk];
    if (x >= 0) this.walk(x, this.topBits, key, visit);
  }

  byteLength(): number {
    return this.pool.byteLength() + this.topNode.byteLength;
  }

  /** Every node of a subtree, deepest first (for freeing). */
  forEachNode(x: number, visit: (x: number) => void): void {
    const c = this.pool.i32;
    const children = c[x + 2];
    if (children !== 0) {
      const first = x + OWN_BASE + this.ownCount(x);
      const n = popcount32(children);
      for (let i = 0; i < n; i++) this.forEachNode(this.pool.i32[first + i], visit);
    }
    visit(x);
  }

  private walk(x: number, k: number, key: Int32Array, visit: (key: Int32Array, length: number, set: number) => void): void {
    for (let v = 0; v < 32; v++) {
      setBits5(key, this.words, k, v);
      for (let l = 1; l <= 5; l++) {
        if ((v & ((1 << (5 - l)) - 1)) !== 0) continue;
        const idx = (1 << l) | (v >>> (5 - l));
        if (!this.hasOwn(x, idx)) continue;
        visit(key, k + l, this.pool.i32[this.ownAt(x, idx)]);
      }
      const y = this.childAt(x, v);
      if (y >= 0) this.walk(y, k + 5, key, visit);
    }
    setBits5(key, this.words, k, 0);
  }

  /** A new chain of nodes from bit offset `k` down to the node that owns (key, length). */
  private chain(key: ArrayLike<number>, offset: number, length: number, set: number, k: number): number {
    if (length <= k + 5) {
      const x = this.alloc(OWN_BASE + 1);
      const c = this.pool.i32;
      const idx = ownIndex(key, offset, this.words, k, length);
      c[x] = idx < 32 ? 1 << idx : 0;
      c[x + 1] = idx < 32 ? 0 : 1 << (idx - 32);
      c[x + 2] = 0;
      c[x + 5] = set;
      return x;
    }
    const child = this.chain(key, offset, length, set, k + 5);
    const x = this.alloc(OWN_BASE + 1);
    const c = this.pool.i32;
    c[x] = 0;
    c[x + 1] = 0;
    c[x + 2] = 1 << keyBits5(key, offset, this.words, k);
    c[x + 5] = child;
    return x;
  }

  private alloc(words: number): number {
    const x = this.pool.alloc(words);
    const c = this.pool.i32;
    c[x + 3] = -1;
    c[x + 4] = 0;
    return x;
  }

  private free(x: number): void {
    const c = this.pool.i32;
    if (c[x + 3] >= 0) this.dropped.push(c[x + 3]);
    this.pool.release(x, OWN_BASE + this.ownCount(x) + popcount32(c[x + 2]));
  }

  private setPtr(ptr: number, x: number): void {
    if (ptr < 0) this.topNode[-1 - ptr] = x;
    else this.pool.i32[ptr] = x;
  }

  /** Copy of node x with one word inserted at `at` (relative), or removed when `value` is undefined. */
  private resized(x: number, at: number, value: number | undefined, lo: number, hi: number, children: number): number {
    const oldWords = OWN_BASE + this.ownCount(x) + popcount32(this.pool.i32[x + 2]);
    const words = value === undefined ? oldWords - 1 : oldWords + 1;
    const y = this.pool.alloc(words);
    const c = this.pool.i32;
    c[y] = lo;
    c[y + 1] = hi;
    c[y + 2] = children;
    c[y + 3] = c[x + 3];
    c[y + 4] = c[x + 4];
    if (value === undefined) {
      c.copyWithin(y + OWN_BASE, x + OWN_BASE, x + at);
      c.copyWithin(y + at, x + at + 1, x + oldWords);
    } else {
      c.copyWithin(y + OWN_BASE, x + OWN_BASE, x + at);
      c[y + at] = value;
      c.copyWithin(y + at + 1, x + at, x + oldWords);
    }
    this.pool.release(x, oldWords);
    return y;
  }

  private withOwn(x: number, idx: number, set: number): number {
    const c = this.pool.i32;
    const at = this.ownAtRelative(x, idx);
    const lo = idx < 32 ? c[x] | (1 << idx) : c[x];
    const hi = idx < 32 ? c[x + 1] : c[x + 1] | (1 << (idx - 32));
    return this.resized(x, at, set, lo, hi, c[x + 2]);
  }

  private withoutOwn(x: number, idx: number): number {
    const c = this.pool.i32;
    const at = this.ownAtRelative(x, idx);
    const lo = idx < 32 ? c[x] & ~(1 << idx) : c[x];
    const hi = idx < 32 ? c[x + 1] : c[x + 1] & ~(1 << (idx - 32));
    return this.resized(x, at, undefined, lo, hi, c[x + 2]);
  }

  private withChild(x: number, v: number, child: number): number {
    const c = this.pool.i32;
    const at = OWN_BASE + this.ownCount(x) + popcount32(c[x + 2] & ((1 << v) - 1));
    return this.resized(x, at, child, c[x], c[x + 1], c[x + 2] | (1 << v));
  }

  private withoutChild(x: number, v: number): number {
    const c = this.pool.i32;
    const at = OWN_BASE + this.ownCount(x) + popcount32(c[x + 2] & ((1 << v) - 1));
    return this.resized(x, at, undefined, c[x], c[x + 1], c[x + 2] & ~(1 << v));
  }

  /** Position (relative to the record) where the own route of `idx` is or would be. */
  private ownAtRelative(x: number, idx: number): number {
    const c = this.pool.i32;
    const rank = idx < 32 ? popcount32(c[x] & ((1 << idx) - 1)) : popcount32(c[x]) + popcount32(c[x + 1] & ((1 << (idx - 32)) - 1));
    return OWN_BASE + rank;
  }
}

/** Bitmap index of a prefix of `length` (k < length <= k + 5) in the node at bit offset `k`. */
export function ownIndex(key: ArrayLike<number>, offset: number, words: number, k: number, length: number): number {
  const l = length - k;
  return (1 << l) | (keyBits5(key, offset, words, k) >>> (5 - l));
}
