import { keyBits5, popcount32 } from './bits.js';
import { OWN_BASE, type ControlTrie } from './control-trie.js';
import type { LeafCodes } from './leaf-codes.js';
import { LookupMemory, type WasmModule } from './lookup-memory.js';
import { RecordPool } from './record-pool.js';
import type { RouteSetTable } from './route-sets.js';

/** Largest lookup record: child bitmap, 32 child offsets, header, 16 words of packed leaves. */
const MAX_WORDS = 1 + 32 + 1 + 16;

/**
 * The lookup structure of one FIB and one family: a compressed multibit trie in one typed buffer,
 * after Poptrie (Asai and Ohara, SIGCOMM 2015): a direct-pointing top level, then 5-bit nodes whose
 * leaves are compressed into runs found by popcount.
 *
 * The top level is the first `2^topBits` words of the buffer: `m32[chunk]` is the offset `n` of a
 * node's header word (one typed array for both levels lets V8 share its checks between the two
 * reads). Node layout around `n` (in 32-bit words of `m32`, and 16-bit halves of the same buffer
 * in `m16`):
 *
 * - `m32[n]` (H): bit v (v >= 1) set when a run of equal leaves starts at slot v (slot 0 always
 *   starts one); bit 0 set when the node has children.
 * - leaves: run i is `m16[2n + 2 + i]`, a 16-bit leaf code (see {@link LeafCodes}: mostly the
 *   next-hop id + 1 itself).
 *   In the first node under the top level a slot no prefix covers holds the chunk's leaf (pushed
 *   down from the short prefixes; 0 = no route). Below it, such a slot holds 0, "inherit": a lookup
 *   keeps the last non-zero code met on its way down. So a change rewrites the node that owns the
 *   prefix and the nodes on the path to it, never the subtrees under it. A slot with a child keeps
 *   its own leaf, so runs never break at children.
 * - when bit 0 of H is set: `m32[n - 1]` (C) marks the slots with a child, and child j (in slot
 *   order) is the node at `m32[n - 2 - j]`.
 *
 * So a lookup reads the header, one 16-bit leaf in the same cache line, and only for a child its
 * bitmap and offset just below the header. Chunks without longer prefixes point at a shared
 * one-run node per leaf code. Records are written from the {@link ControlTrie}: a node is rewritten
 * in place when its size stays, otherwise written anew and re-pointed; its untouched children are
 * kept as they are.
 *
 * A lookup that ends on code 0 answers with the default route (`values[0x8000]`, -1 when there is
 * none), which is therefore never pushed down into the chunks: changing it costs one word.
 *
 * The words live in a {@link LookupMemory}: a WebAssembly memory with its own lookup functions
 * where the runtime allows, else a plain buffer for the JavaScript lookups.
 */
export class LookupTrie {
  readonly words: number;
  readonly topBits: number;
  m32: Int32Array;
  m16: Uint16Array;
  /** Next-hop ids of the table codes (a copy of `LeafCodes.values`), then the default route's id. */
  values: Int32Array;
  readonly memory: LookupMemory;
  readonly codes: LeafCodes;
  /** Leaf code of the default route (0: none). */
  defaultCode = 0;
  /** Its next-hop id (-1: none), as `values[0x8000]` holds it for the WebAssembly lookups. */
  defaultId = -1;
  /** `codes.version` the values table was copied at. */
  private valuesVersion = -1;
  private readonly pool: RecordPool;
  private readonly control: ControlTrie;
  private readonly sets: RouteSetTable;
  /** Shared one-run node of each live leaf code. */
  private readonly uniform = new Map<number, number>();
  /** Slot values of the node being written, one row of 32 per depth. */
  private readonly rows: Int32Array;

  constructor(control: ControlTrie, codes: LeafCodes, sets: RouteSetTable, module: WasmModule | null) {
    this.words = control.words;
    this.topBits = control.topBits;
    this.control = control;
    this.codes = codes;
    this.sets = sets;
    const chunks = 1 << this.topBits;
    this.memory = new LookupMemory(chunks + 4096, module);
    this.pool = new RecordPool(chunks + 4096, MAX_WORDS, chunks, this.memory);
    this.m32 = this.pool.i32;
    this.m16 = this.pool.u16;
    this.values = this.memory.values;
    const depth = Math.ceil((this.words * 32 - this.topBits) / 5) + 1;
    this.rows = new Int32Array(32 * depth);
    const none = this.uniformNode(0);
    this.pool.i32.fill(none, 0, chunks);
    this.publish();
  }

  /** Bytes of the typed arrays that lookups read. */
  byteLength(): number {
    return this.memory.byteLength();
  }

  /** The node a top-level chunk points at. */
  topOf(chunk: number): number {
    return this.pool.i32[chunk];
  }

  /** Point a top-level chunk at node `n`. */
  setTop(chunk: number, n: number): void {
    this.pool.i32[chunk] = n;
  }

  /** Words in live records (statistics). */
  liveWords(): number {
    return this.pool.liveWords();
  }

  /** The leaf code of a route set (its installed next hop's code). */
  codeOfSet(set: number): number {
    return this.codes.codeOf(this.sets.installed[set]);
  }

  /** The shared node answering `code` everywhere. */
  uniformNode(code: number): number {
    let n = this.uniform.get(code);
    if (n === undefined) {
      n = this.pool.alloc(2);
      this.pool.i32[n] = 0;
      this.pool.u16[2 * n + 2] = code;
      this.pool.u16[2 * n + 3] = 0;
      this.uniform.set(code, n);
    }
    return n;
  }

  /** The leaf code a chunk answers with when it has no node of its own. */
  uniformCode(chunk: number): number {
    return this.pool.u16[2 * this.pool.i32[chunk] + 2];
  }

  /** Whether the top-level entry of a chunk is a shared node. */
  isShared(chunk: number): boolean {
    const n = this.pool.i32[chunk];
    return this.pool.i32[n] === 0 && this.uniform.get(this.pool.u16[2 * n + 2]) === n;
  }

  /** Free the shared node of a code that is no longer used. */
  dropCode(code: number): void {
    const n = this.uniform.get(code);
    if (n !== undefined) {
      this.pool.release(n, 2);
      this.uniform.delete(code);
    }
  }

  /** Point a chunk at the shared node of `code` (freeing its own nodes if `freeOld`). */
  setUniform(chunk: number, code: number, freeOld: boolean): void {
    if (freeOld && !this.isShared(chunk)) this.freeSubtree(this.pool.i32[chunk]);
    const n = this.uniformNode(code);
    this.pool.i32[chunk] = n;
  }

  /**
   * Bring the lookup records of the chunk's control node up to date and point the chunk at them.
   * `key`/`length` name the prefix that changed below the top level (`length` 0 when only the
   * chunk's fallback changed); `fresh` rebuilds every record (after a batch).
   */
  syncChunk(chunk: number, fresh: boolean, key: ArrayLike<number> | null, offset: number, length: number): void {
    const x = this.control.topNode[chunk];
    const n = this.sync(x, this.topBits, 0, fresh, key, offset, length);
    this.pool.i32[chunk] = n;
  }

  /**
   * The short prefixes above a chunk with a node changed its inherited leaf to `code`: rewrite the
   * chunk's first node only (its children inherit through it). Cheaper than {@link
   * LookupTrie.syncChunk}: the node's current leaves are decoded and only the slots its own
   * prefixes do not cover are replaced.
   */
  refallback(chunk: number, code: number): void {
    const c32 = this.control.pool.i32;
    const x = this.control.topNode[chunk];
    if (c32[x + 4] === code) return;
    c32[x + 4] = code;
    let covered = 0;
    let own = 0;
    for (let half = 0; half < 2; half++) {
      for (let bits = c32[x + half]; bits !== 0; bits &= bits - 1) {
        const idx = 31 - Math.clz32(bits & -bits) + half * 32;
        const l = 31 - Math.clz32(idx);
        covered |= ((1 << (1 << (5 - l))) - 1) << ((idx ^ (1 << l)) << (5 - l));
        own++;
      }
    }
    if (covered === -1) return;
    const n = c32[x + 3];
    const m32 = this.pool.i32;
    const m16 = this.pool.u16;
    const row = this.rows;
    const starts = m32[n] | 1;
    let run = (n << 1) + 1;
    for (let v = 0; v < 32; v++) {
      run += (starts >>> v) & 1;
      row[v] = ((covered >>> v) & 1) === 0 ? code : m16[run];
    }
    const m = this.write(n, 0, c32[x + 2], x + OWN_BASE + own);
    c32[x + 3] = m;
    this.pool.i32[chunk] = m;
  }

  /** Release lookup records that are no longer referenced (of deleted control nodes). */
  freeRecords(list: readonly number[]): void {
    for (let i = 0; i < list.length; i++) this.releaseRecord(list[i]);
  }

  /** Free a node and all its descendants. */
  freeSubtree(n: number): void {
    const m32 = this.pool.i32;
    const h = m32[n];
    if ((h & 1) !== 0) {
      const children = popcount32(m32[n - 1]);
      for (let j = 0; j < children; j++) this.freeSubtree(this.pool.i32[n - 2 - j]);
    }
    this.releaseRecord(n);
  }

  /** Give back unused buffer capacity (after a bulk load). */
  trim(): void {
    this.pool.trim();
    this.publish();
  }

  /** Make the lookups see the current buffers. */
  publish(): void {
    this.m32 = this.pool.i32;
    this.m16 = this.pool.u16;
    const values = this.memory.values;
    this.values = values;
    const codes = this.codes;
    if (codes.version !== this.valuesVersion) {
      this.valuesVersion = codes.version;
      const n = Math.min(codes.values.length, 0x8000);
      values.set(n === codes.values.length ? codes.values : codes.values.subarray(0, n));
    }
    this.defaultId = this.defaultCode === 0 ? -1 : codes.idOf(this.defaultCode);
    values[0x8000] = this.defaultId;
  }

  /**
   * Write the lookup record of control node `x` at bit offset `k` (depth `d`) and return its
   * header offset. Children are visited only when new (or `fresh`), or when they lie on the path
   * of the changed prefix.
   */
  private sync(x: number, k: number, d: number, fresh: boolean, key: ArrayLike<number> | null, offset: number, length: number): number {
    const c32 = this.control.pool.i32;
    const row = this.rows;
    const r = d * 32;
    const fallback = d === 0 ? c32[x + 4] : 0;
    for (let v = r; v < r + 32; v++) row[v] = fallback;
    // Own prefixes in bitmap order (shorter first), so longer ones paint over them. (Plain loops:
    // spans are short, and a builtin fill call costs more than the writes.)
    let own = 0;
    for (let half = 0; half < 2; half++) {
      let bits = c32[x + half];
      while (bits !== 0) {
        const low = bits & -bits;
        const idx = 31 - Math.clz32(low) + half * 32;
        bits ^= low;
        const l = 31 - Math.clz32(idx);
        const from = r + ((idx ^ (1 << l)) << (5 - l));
        const code = this.codeOfSet(c32[x + OWN_BASE + own]);
        for (let v = from; v < from + (1 << (5 - l)); v++) row[v] = code;
        own++;
      }
    }
    const childVec = c32[x + 2];
    const first = x + OWN_BASE + own;
    const pathSlot = key !== null && length > k + 5 ? keyBits5(key, offset, this.words, k) : -1;
    let j = 0;
    for (let bits = childVec; bits !== 0; bits &= bits - 1) {
      const v = 31 - Math.clz32(bits & -bits);
      const y = c32[first + j++];
      if (fresh || c32[y + 3] < 0) {
        c32[y + 3] = this.sync(y, k + 5, d + 1, true, null, 0, 0);
      } else if (v === pathSlot) {
        c32[y + 3] = this.sync(y, k + 5, d + 1, false, key, offset, length);
      }
    }
    const n = this.write(fresh ? -1 : c32[x + 3], r, childVec, first);
    c32[x + 3] = n;
    return n;
  }

  /**
   * Write a record for the row at `rows[r..r+32)` with the children listed in the control node
   * from `first` (their lookup records already current). Reuses `old` when the size matches.
   */
  private write(old: number, r: number, childVec: number, first: number): number {
    const row = this.rows;
    let header = childVec !== 0 ? 1 : 0;
    let runs = 1;
    for (let v = 1; v < 32; v++) {
      if (row[r + v] !== row[r + v - 1]) {
        header |= 1 << v;
        runs++;
      }
    }
    const children = popcount32(childVec);
    const below = children > 0 ? children + 1 : 0;
    const words = below + 1 + ((runs + 1) >> 1);
    let n: number;
    if (old >= 0 && this.recordWords(old) === words && this.recordBelow(old) === below) {
      n = old;
    } else {
      if (old >= 0) this.releaseRecord(old);
      n = this.pool.alloc(words) + below;
    }
    const m32 = this.pool.i32;
    const m16 = this.pool.u16;
    const c32 = this.control.pool.i32;
    m32[n] = header;
    if (children > 0) {
      m32[n - 1] = childVec;
      for (let j = 0; j < children; j++) m32[n - 2 - j] = c32[c32[first + j] + 3];
    }
    let at = 2 * n + 2;
    m16[at++] = row[r];
    for (let v = 1; v < 32; v++) if (row[r + v] !== row[r + v - 1]) m16[at++] = row[r + v];
    if ((runs & 1) === 1) m16[at] = 0;
    return n;
  }

  private recordBelow(n: number): number {
    const m32 = this.pool.i32;
    return (m32[n] & 1) !== 0 ? popcount32(m32[n - 1]) + 1 : 0;
  }

  private recordWords(n: number): number {
    return this.recordBelow(n) + 1 + ((popcount32(this.pool.i32[n] | 1) + 1) >> 1);
  }

  private releaseRecord(n: number): void {
    const below = this.recordBelow(n);
    this.pool.release(n - below, this.recordWords(n));
  }
}
