import { keyBits5, maskWord, popcount32 } from './bits.js';
import type { PrefixStore } from './prefix-store.js';

/** Bits of a trie node's stride: 32 children, so a bitmap is one 32-bit word. */
const STRIDE = 5;
/** Words per node: child bitmap, leaf-run bitmap, leaf base, child base. */
const NODE_WORDS = 4;

/**
 * The lookup structure of one FIB and one family: a Poptrie-style compressed multibit trie.
 *
 * - `top` is direct-pointing on the first `topBits` bits. An entry `>= 0` is a leaf value
 *   (next-hop id + 1, 0 = no route); an entry `< 0` is `~node`.
 * - A node covers 5 bits. Word 0 (`vector`) marks the slots that have a child node; children are
 *   stored contiguously from word 3 (`childBase`) and found by popcount. Word 1 (`leafvec`) marks
 *   the slots where a run of equal leaves starts; runs are stored contiguously from word 2.
 *
 * The trie is a pure function of the {@link PrefixStore} it reads. A change rebuilds only the
 * smallest subtree that covers it: new blocks are written, then the node is re-pointed (published),
 * then the old blocks are freed into per-size free lists for reuse.
 */
export class LpmTrie {
  readonly words: number;
  readonly topBits: number;
  readonly store: PrefixStore;
  top: Int32Array;
  nodes: Int32Array;
  leaves: Int32Array;
  private nodesUsed = 0;
  private leavesUsed = 0;
  private readonly nodeFree: number[][] = [];
  private readonly leafFree: number[][] = [];
  /** Slot values of the node being built, one row of 32 per depth. */
  private readonly slots: Int32Array;
  private readonly path: Int32Array;
  private readonly regionLow: Int32Array;
  private readonly regionHigh: Int32Array;
  private readonly dirty: Uint8Array;
  private dirtyList: number[] = [];

  constructor(store: PrefixStore) {
    this.store = store;
    this.words = store.words;
    this.topBits = store.chunkBits;
    const depth = Math.ceil((this.words * 32 - this.topBits) / STRIDE) + 1;
    this.top = new Int32Array(1 << this.topBits);
    this.nodes = new Int32Array(NODE_WORDS * 256);
    this.leaves = new Int32Array(1024);
    this.slots = new Int32Array(32 * depth);
    this.path = new Int32Array(depth);
    this.regionLow = new Int32Array(this.words);
    this.regionHigh = new Int32Array(this.words);
    this.dirty = new Uint8Array(1 << this.topBits);
    for (let i = 0; i <= 32; i++) {
      this.nodeFree.push([]);
      this.leafFree.push([]);
    }
  }

  /** Bytes of the typed arrays that lookups read. */
  byteLength(): number {
    return this.top.byteLength + this.nodes.byteLength + this.leaves.byteLength;
  }

  /** Nodes and leaves in use (for statistics). */
  usage(): { nodes: number; leaves: number } {
    let freeNodes = 0;
    let freeLeaves = 0;
    for (let s = 1; s <= 32; s++) {
      freeNodes += s * this.nodeFree[s].length;
      freeLeaves += s * this.leafFree[s].length;
    }
    return { nodes: this.nodesUsed - freeNodes, leaves: this.leavesUsed - freeLeaves };
  }

  /** Remember that the prefix changed; {@link LpmTrie.flush} rebuilds every touched chunk once. */
  markDirty(key: ArrayLike<number>, offset: number, length: number): void {
    const first = key[offset] >>> (32 - this.topBits);
    const span = length >= this.topBits ? 1 : 1 << (this.topBits - length);
    for (let c = first; c < first + span; c++) {
      if (this.dirty[c] === 0) {
        this.dirty[c] = 1;
        this.dirtyList.push(c);
      }
    }
  }

  /** Rebuild every chunk marked dirty; after a large batch, give back unused capacity. */
  flush(): void {
    const list = this.dirtyList;
    this.dirtyList = [];
    for (let i = 0; i < list.length; i++) {
      this.dirty[list[i]] = 0;
      this.rebuildChunk(list[i]);
    }
    if (list.length > 64) {
      this.trim();
      this.store.trim();
    }
  }

  /** Shrink the node and leaf arrays to what is allocated (free lists only hold lower offsets). */
  trim(): void {
    const nodeWords = this.nodesUsed * NODE_WORDS;
    if (this.nodes.length > nodeWords * 1.125 + 1024) this.nodes = this.nodes.slice(0, Math.ceil(nodeWords * 1.0625) + 64);
    if (this.leaves.length > this.leavesUsed * 1.125 + 1024) this.leaves = this.leaves.slice(0, Math.ceil(this.leavesUsed * 1.0625) + 64);
  }

  /** Bring the trie up to date after one prefix changed, rebuilding the smallest covering subtree. */
  update(key: ArrayLike<number>, offset: number, length: number): void {
    const S = this.topBits;
    const chunk = key[offset] >>> (32 - S);
    if (length <= S) {
      const span = 1 << (S - length);
      for (let c = chunk; c < chunk + span; c++) this.rebuildChunk(c);
      return;
    }
    const t = this.top[chunk];
    if (t >= 0) {
      this.rebuildChunk(chunk);
      return;
    }
    const path = this.path;
    let n = ~t;
    let k = S;
    let depth = 0;
    path[0] = n;
    while (length > k + STRIDE) {
      const v = keyBits5(key as Int32Array, offset, this.words, k);
      const vector = this.nodes[n * NODE_WORDS];
      if (((vector >>> v) & 1) === 0) break;
      n = this.nodes[n * NODE_WORDS + 3] + popcount32(vector & ((1 << v) - 1));
      k += STRIDE;
      path[++depth] = n;
    }
    // Rebuild the deepest node on the path whose region still holds longer prefixes; a node
    // whose region has none left must become a leaf of its parent, so rebuild the parent.
    for (; depth > 0; depth--) {
      const kk = S + depth * STRIDE;
      this.setRegion(key, offset, kk);
      const lo = this.store.lowerBound(chunk, this.regionLow, 0, kk + 1);
      const hi = this.store.lowerBound(chunk, this.regionHigh, 0, 255);
      if (lo === hi) continue;
      const node = path[depth];
      const base = node * NODE_WORDS;
      const oldVector = this.nodes[base];
      const oldLeafvec = this.nodes[base + 1];
      const oldLeafBase = this.nodes[base + 2];
      const oldChildBase = this.nodes[base + 3];
      const fallback = this.regionDefault(chunk, kk);
      this.buildNode(node, kk, this.store.chunkOffset[chunk], lo, hi, fallback, 0);
      this.freeChildren(oldVector, oldLeafvec, oldLeafBase, oldChildBase);
      return;
    }
    this.rebuildChunk(chunk);
  }

  /** Rebuild everything (after a bulk load). */
  rebuildAll(): void {
    for (let c = 0; c < this.top.length; c++) this.rebuildChunk(c);
  }

  /** Rebuild the subtree of one top-level slot from the store, then publish it. */
  rebuildChunk(chunk: number): void {
    const S = this.topBits;
    const store = this.store;
    const old = this.top[chunk];
    const fallback = this.chunkDefault(chunk);
    const count = store.chunkCount[chunk];
    const base = store.chunkOffset[chunk];
    let lo = 0;
    while (lo < count && store.lengthAt(base + lo * store.entrySize) <= S) lo++;
    if (lo === count) {
      this.top[chunk] = fallback;
    } else {
      const root = this.allocNodes(1);
      this.buildNode(root, S, base, lo, count, fallback, 0);
      this.top[chunk] = ~root;
    }
    if (old < 0) {
      const n = ~old;
      const b = n * NODE_WORDS;
      const nodes = this.nodes;
      this.freeChildren(nodes[b], nodes[b + 1], nodes[b + 2], nodes[b + 3]);
      this.freeNodes(n, 1);
    }
  }

  /**
   * Build node `node` for the region at bit offset `k` from the store entries [lo, hi) of the
   * chunk whose block starts at `base` (all of them longer than `k`, all inside the region).
   * `fallback` is the leaf value for addresses no entry covers.
   */
  private buildNode(node: number, k: number, base: number, lo: number, hi: number, fallback: number, depth: number): void {
    const store = this.store;
    const data = store.data;
    const words = this.words;
    const size = store.entrySize;
    const slots = this.slots;
    const row = depth * 32;
    slots.fill(fallback, row, row + 32);
    let vector = 0;
    // Entries are sorted by (address, length), so painting in order lets longer prefixes win.
    for (let i = lo; i < hi; i++) {
      const p = base + i * size;
      const len = data[p + words] & 0xff;
      const v = keyBits5(data, p, words, k);
      if (len <= k + STRIDE) {
        const from = row + v;
        slots.fill(data[p + words + 1] + 1, from, from + (1 << (k + STRIDE - len)));
      } else {
        vector |= 1 << v;
      }
    }
    let leafvec = 0;
    let leafCount = 0;
    let previous = 0;
    for (let v = 0; v < 32; v++) {
      if ((vector >>> v) & 1) continue;
      const value = slots[row + v];
      if (leafCount === 0 || value !== previous) {
        leafvec |= 1 << v;
        leafCount++;
        previous = value;
      }
    }
    const leafBase = leafCount > 0 ? this.allocLeaves(leafCount) : 0;
    if (leafCount > 0) {
      const leaves = this.leaves;
      let j = leafBase;
      for (let v = 0; v < 32; v++) if ((leafvec >>> v) & 1) leaves[j++] = slots[row + v];
    }
    const childCount = popcount32(vector);
    const childBase = childCount > 0 ? this.allocNodes(childCount) : 0;
    const nb = node * NODE_WORDS;
    this.nodes[nb] = vector;
    this.nodes[nb + 1] = leafvec;
    this.nodes[nb + 2] = leafBase;
    this.nodes[nb + 3] = childBase;
    if (childCount === 0) return;
    const deeper = k + STRIDE;
    let i = lo;
    let child = childBase;
    for (let v = 0; v < 32; v++) {
      if (((vector >>> v) & 1) === 0) continue;
      // Skip entries of earlier slots and the short entries that start this slot.
      while (i < hi) {
        const p = base + i * size;
        if (keyBits5(data, p, words, k) === v && (data[p + words] & 0xff) > deeper) break;
        i++;
      }
      let j = i;
      while (j < hi && keyBits5(data, base + j * size, words, k) === v) j++;
      this.buildNode(child++, deeper, base, i, j, slots[row + v], depth + 1);
      i = j;
    }
  }

  /** Leaf value of the longest prefix of length at most `topBits` covering the chunk (0 = none). */
  private chunkDefault(chunk: number): number {
    const S = this.topBits;
    const store = this.store;
    for (let len = S; len >= 0; len--) {
      if (store.lengthCount[len] === 0) continue;
      const c = len === 0 ? 0 : chunk & ~((1 << (S - len)) - 1);
      const count = store.chunkCount[c];
      for (let i = 0; i < count; i++) {
        const p = store.entryAt(c, i);
        const l = store.lengthAt(p);
        if (l > S || l > len) break;
        if (l === len) return store.nextHopAt(p) + 1;
      }
    }
    return 0;
  }

  /** Leaf value of the longest prefix of length at most `k` covering the current region. */
  private regionDefault(chunk: number, k: number): number {
    const store = this.store;
    const probe = this.regionHigh;
    for (let len = k; len > this.topBits; len--) {
      if (store.lengthCount[len] === 0) continue;
      for (let w = 0; w < this.words; w++) probe[w] = maskWord(this.regionLow[w], w, len);
      const i = store.lowerBound(chunk, probe, 0, len);
      if (i < store.chunkCount[chunk]) {
        const p = store.entryAt(chunk, i);
        if (store.lengthAt(p) === len && this.sameKey(p, probe)) return store.nextHopAt(p) + 1;
      }
    }
    return this.chunkDefault(chunk);
  }

  private sameKey(pos: number, key: Int32Array): boolean {
    const data = this.store.data;
    for (let w = 0; w < this.words; w++) if (data[pos + w] !== key[w]) return false;
    return true;
  }

  /** regionLow = key with bits from `k` cleared; regionHigh = key with bits from `k` set. */
  private setRegion(key: ArrayLike<number>, offset: number, k: number): void {
    for (let w = 0; w < this.words; w++) {
      const low = maskWord(key[offset + w], w, k);
      this.regionLow[w] = low;
      this.regionHigh[w] = low | ~maskWord(-1, w, k);
    }
  }

  private freeChildren(vector: number, leafvec: number, leafBase: number, childBase: number): void {
    const childCount = popcount32(vector);
    for (let i = 0; i < childCount; i++) {
      const b = (childBase + i) * NODE_WORDS;
      const nodes = this.nodes;
      this.freeChildren(nodes[b], nodes[b + 1], nodes[b + 2], nodes[b + 3]);
    }
    if (childCount > 0) this.freeNodes(childBase, childCount);
    const leafCount = popcount32(leafvec);
    if (leafCount > 0) this.freeLeaves(leafBase, leafCount);
  }

  private allocNodes(count: number): number {
    const free = this.nodeFree[count];
    if (free.length > 0) return free.pop()!;
    const at = this.nodesUsed;
    if ((at + count) * NODE_WORDS > this.nodes.length) {
      const grown = new Int32Array(Math.max((at + count) * NODE_WORDS, Math.ceil(this.nodes.length * 1.5)));
      grown.set(this.nodes);
      this.nodes = grown;
    }
    this.nodesUsed = at + count;
    return at;
  }

  private allocLeaves(count: number): number {
    const free = this.leafFree[count];
    if (free.length > 0) return free.pop()!;
    const at = this.leavesUsed;
    if (at + count > this.leaves.length) {
      const grown = new Int32Array(Math.max(at + count, Math.ceil(this.leaves.length * 1.5)));
      grown.set(this.leaves);
      this.leaves = grown;
    }
    this.leavesUsed = at + count;
    return at;
  }

  private freeNodes(at: number, count: number): void {
    this.nodeFree[count].push(at);
  }

  private freeLeaves(at: number, count: number): void {
    this.leafFree[count].push(at);
  }
}
