import { ControlTrie } from './control-trie.js';
import { LeafCodes } from './leaf-codes.js';
import type { WasmModule } from './lookup-memory.js';
import { LookupTrie } from './lookup-trie.js';
import { PrefixStore } from './prefix-store.js';
import type { RouteSetTable } from './route-sets.js';

/** Chunk bits of the sorted store of short prefixes. */
const SHORT_CHUNK_BITS = 8;

/**
 * The routes of one family in one FIB. Prefixes no longer than the direct-pointing level sit in a
 * small sorted store; longer ones in the control trie. Both feed the lookup trie: a change is
 * applied to it at once, or, while `deferred` (inside a batch), the touched top-level chunks are
 * rebuilt together by {@link FamilyTable.flush}.
 */
export class FamilyTable {
  readonly words: number;
  readonly topBits: number;
  readonly shorts: PrefixStore;
  readonly control: ControlTrie;
  readonly codes: LeafCodes;
  readonly trie: LookupTrie;
  /** While set, lookup updates wait for {@link FamilyTable.flush}. */
  deferred = false;
  private readonly sets: RouteSetTable;
  private readonly dirty: Int32Array;
  private dirtyList: number[] = [];
  private pendingRelease: number[] = [];
  private readonly chunkKey: Int32Array;

  constructor(words: number, topBits: number, sets: RouteSetTable, module: WasmModule | null) {
    this.words = words;
    this.topBits = topBits;
    this.sets = sets;
    this.shorts = new PrefixStore(words, Math.min(SHORT_CHUNK_BITS, topBits));
    this.control = new ControlTrie(words, topBits);
    this.codes = new LeafCodes();
    this.trie = new LookupTrie(this.control, this.codes, sets, module);
    this.dirty = new Int32Array(Math.max(1, (1 << topBits) >>> 5));
    this.chunkKey = new Int32Array(words);
  }

  /** Number of prefixes. */
  get size(): number {
    return this.shorts.size + this.control.size;
  }

  /** Route set of exactly (key, length), or -1. The key must be masked. */
  find(key: ArrayLike<number>, length: number): number {
    if (length <= this.topBits) {
      const pos = this.shorts.find(key, 0, length);
      return pos < 0 ? -1 : this.shorts.routeSetAt(pos);
    }
    return this.control.find(key, 0, length);
  }

  /**
   * Make `set` (whose reference the table takes over) the routes of (key, length), or remove the
   * prefix when `set` is -1. Returns the previous set, whose reference passes to the caller, or -1.
   * Throws RouteError, before changing anything, when the FIB runs out of leaf codes.
   */
  replace(key: ArrayLike<number>, length: number, set: number): number {
    const old = this.find(key, length);
    if (old < 0 && set < 0) return -1;
    const newCode = set >= 0 ? this.codes.acquire(this.sets.installed[set]) : 0;
    const oldCode = old >= 0 ? this.trie.codeOfSet(old) : 0;
    if (length <= this.topBits) this.replaceShort(key, length, set, old, newCode, oldCode);
    else this.replaceLong(key, length, set, (old < 0) !== (set < 0) || newCode !== oldCode);
    if (old >= 0) this.releaseCode(oldCode);
    return old;
  }

  /** Route set of the longest prefix covering `key`, with its length in `found[0]`; -1 when none. */
  covering(key: ArrayLike<number>, found: Int32Array): number {
    const set = this.control.covering(key, 0, found);
    if (set >= 0) return set;
    const pos = this.shorts.findCovering(key, 0, this.topBits);
    if (pos < 0) return -1;
    found[0] = this.shorts.lengthAt(pos);
    return this.shorts.routeSetAt(pos);
  }

  /** Visit every prefix in (address, length) order. The key array is reused between calls. */
  forEach(visit: (key: Int32Array, length: number, set: number) => void): void {
    const S = this.topBits;
    const shorts = this.shorts;
    const key = new Int32Array(this.words);
    let sc = 0;
    let si = 0;
    const emitShorts = (limit: number): void => {
      for (; sc < shorts.chunkCount.length; sc++, si = 0) {
        for (; si < shorts.chunkCount[sc]; si++) {
          const pos = shorts.entryAt(sc, si);
          if (shorts.data[pos] >>> 0 > limit) return;
          for (let w = 0; w < this.words; w++) key[w] = shorts.data[pos + w];
          visit(key, shorts.lengthAt(pos), shorts.routeSetAt(pos));
        }
      }
    };
    const topNode = this.control.topNode;
    for (let c = 0; c < topNode.length; c++) {
      if (topNode[c] < 0) continue;
      const start = (c << (32 - S)) >>> 0;
      emitShorts(start);
      key.fill(0);
      key[0] = start | 0;
      this.control.forEachInChunk(c, key, visit);
    }
    emitShorts(0xffffffff);
  }

  /** Rebuild the lookup trie where a batch changed it, then free what the batch released. */
  flush(): void {
    const list = this.dirtyList;
    if (list.length > 0) {
      this.dirtyList = [];
      const big = list.length > (1 << this.topBits) >>> 6;
      const painted = big ? this.paintTopCodes() : null;
      const trie = this.trie;
      for (let i = 0; i < list.length; i++) {
        const c = list[i];
        this.dirty[c >>> 5] &= ~(1 << (c & 31));
        const code = painted !== null ? painted[c] : this.chunkCode(c);
        if (!trie.isShared(c)) trie.freeSubtree(trie.topOf(c));
        const x = this.control.topNode[c];
        if (x < 0) {
          trie.setUniform(c, code, false);
        } else {
          this.control.pool.i32[x + 4] = code;
          trie.syncChunk(c, true, null, 0, 0);
        }
      }
      if (big) {
        trie.trim();
        this.shorts.trim();
        this.control.pool.trim();
      }
    }
    this.control.dropped.length = 0;
    const pending = this.pendingRelease;
    this.pendingRelease = [];
    for (let i = 0; i < pending.length; i++) this.dropCode(pending[i]);
    this.trie.publish();
  }

  /** Typed-array bytes: what lookups read, and the control plane. */
  byteLength(): { lookup: number; control: number } {
    return {
      lookup: this.trie.byteLength(),
      control: this.shorts.byteLength() + this.control.byteLength() + this.codes.byteLength() + this.dirty.byteLength,
    };
  }

  private replaceShort(key: ArrayLike<number>, length: number, set: number, old: number, newCode: number, oldCode: number): void {
    const shorts = this.shorts;
    const pos = shorts.find(key, 0, length);
    if (set >= 0 && pos >= 0) shorts.setRouteSet(pos, set);
    else if (set >= 0) shorts.insert(key, 0, length, set);
    else shorts.remove(pos);
    if (length === 0) {
      // The default route is one word of the lookup trie, never pushed down into the chunks.
      this.trie.defaultCode = newCode;
      if (!this.deferred) this.trie.publish();
      return;
    }
    const S = this.topBits;
    const first = length === 0 ? 0 : key[0] >>> (32 - S);
    const span = 1 << (S - length);
    if (this.deferred) {
      if (old < 0 || set < 0 || newCode !== oldCode) for (let c = first; c < first + span; c++) this.markDirty(c);
      return;
    }
    const before = old >= 0 ? oldCode : this.coveringCode(key, length - 1);
    const after = set >= 0 ? newCode : this.coveringCode(key, length - 1);
    if (before === after) return;
    // The chunks whose longest short prefix is this one take the new leaf; deeper ones keep theirs.
    const decided = new Uint8Array(span).fill(1);
    if (span > 1) {
      shorts.scanRegion(key, 0, length, (p) => {
        const from = (shorts.data[p] >>> (32 - S)) - first;
        decided.fill(0, from, from + (1 << (S - shorts.lengthAt(p))));
      });
    }
    const trie = this.trie;
    const shared = trie.uniformNode(after);
    for (let i = 0; i < span; i++) {
      if (decided[i] === 0) continue;
      const c = first + i;
      const x = this.control.topNode[c];
      if (x < 0) {
        trie.setTop(c, shared);
      } else {
        trie.refallback(c, after);
      }
    }
    trie.publish();
  }

  private replaceLong(key: ArrayLike<number>, length: number, set: number, lookupChanged: boolean): void {
    const control = this.control;
    const c = control.chunkOf(key, 0);
    const hadNode = control.topNode[c] >= 0;
    const chunkCode = hadNode ? control.pool.i32[control.topNode[c] + 4] : this.trie.uniformCode(c);
    if (set >= 0) control.put(key, 0, length, set);
    else control.delete(key, 0, length);
    const x = control.topNode[c];
    if (x >= 0 && !hadNode) control.pool.i32[x + 4] = chunkCode;
    if (this.deferred) {
      if (control.dropped.length > 0) control.dropped.length = 0;
      if (lookupChanged) this.markDirty(c);
      return;
    }
    if (!lookupChanged) return;
    if (x < 0) this.trie.setUniform(c, chunkCode, false);
    else this.trie.syncChunk(c, false, key, 0, length);
    if (control.dropped.length > 0) {
      this.trie.freeRecords(control.dropped);
      control.dropped.length = 0;
    }
    this.trie.publish();
  }

  /** Leaf code of the longest short prefix (other than the default route) up to `maxLength` covering `key`, or 0. */
  private coveringCode(key: ArrayLike<number>, maxLength: number): number {
    const pos = this.shorts.findCovering(key, 0, maxLength);
    return pos < 0 || this.shorts.lengthAt(pos) === 0 ? 0 : this.trie.codeOfSet(this.shorts.routeSetAt(pos));
  }

  /** Leaf code a chunk inherits from the short prefixes. */
  private chunkCode(chunk: number): number {
    const key = this.chunkKey;
    key[0] = chunk << (32 - this.topBits);
    return this.coveringCode(key, this.topBits);
  }

  /** The leaf code every chunk inherits from the short prefixes but the default route, painted in order (longer ones later). */
  private paintTopCodes(): Int32Array {
    const S = this.topBits;
    const out = new Int32Array(1 << S);
    const shorts = this.shorts;
    for (let sc = 0; sc < shorts.chunkCount.length; sc++) {
      for (let i = 0; i < shorts.chunkCount[sc]; i++) {
        const pos = shorts.entryAt(sc, i);
        const len = shorts.lengthAt(pos);
        if (len === 0) continue;
        const from = shorts.data[pos] >>> (32 - S);
        out.fill(this.trie.codeOfSet(shorts.routeSetAt(pos)), from, from + (1 << (S - len)));
      }
    }
    return out;
  }

  private markDirty(chunk: number): void {
    const bit = 1 << (chunk & 31);
    if ((this.dirty[chunk >>> 5] & bit) !== 0) return;
    this.dirty[chunk >>> 5] |= bit;
    this.dirtyList.push(chunk);
  }

  private releaseCode(code: number): void {
    if (this.deferred) this.pendingRelease.push(code);
    else this.dropCode(code);
  }

  private dropCode(code: number): void {
    if (this.codes.release(code)) this.trie.dropCode(code);
  }
}
