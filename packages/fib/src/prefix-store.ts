import { maskWord } from './bits.js';

/** Entry capacity of each block size class: about 1.25x apart, so little space is left unused. */
const CLASS_CAPACITY: readonly number[] = (() => {
  const out = [1];
  while (out.length < 90) out.push(Math.max(out[out.length - 1] + 1, Math.floor(out[out.length - 1] * 1.25)));
  return out;
})();

/**
 * Prefixes of one family kept sorted in typed arrays: the short prefixes of a FIB (those no longer
 * than the direct-pointing level of its trie; the longer ones live in the control trie).
 *
 * Entries are grouped by "chunk" (the top `chunkBits` bits of the prefix) and sorted inside a chunk
 * by (address, length), so the prefixes under any aligned region are contiguous. An entry is
 * `words` key words and one word `length | routeSet << 8`.
 */
export class PrefixStore {
  /** 32-bit words per key: 1 for IPv4, 4 for IPv6. */
  readonly words: number;
  /** Words per entry. */
  readonly entrySize: number;
  readonly chunkBits: number;
  /** Word offset of each chunk's block in `data`. */
  readonly chunkOffset: Int32Array;
  /** Entries in each chunk. */
  readonly chunkCount: Int32Array;
  /** Size class of each chunk's block (see CLASS_CAPACITY); -1 when the chunk has no block. */
  readonly chunkClass: Int8Array;
  /** Number of prefixes of each length (lets searches skip lengths that are absent). */
  readonly lengthCount: Int32Array;
  data: Int32Array;
  /** Number of prefixes. */
  size = 0;
  private used = 0;
  private readonly freeBlocks: number[][] = [];
  private readonly probe: Int32Array;

  constructor(words: number, chunkBits: number) {
    this.words = words;
    this.entrySize = words + 1;
    this.chunkBits = chunkBits;
    const chunks = 1 << chunkBits;
    this.chunkOffset = new Int32Array(chunks);
    this.chunkCount = new Int32Array(chunks);
    this.chunkClass = new Int8Array(chunks).fill(-1);
    this.lengthCount = new Int32Array(words * 32 + 1);
    this.data = new Int32Array(64);
    this.probe = new Int32Array(words);
    for (let i = 0; i < CLASS_CAPACITY.length; i++) this.freeBlocks.push([]);
  }

  chunkOf(key: ArrayLike<number>, offset: number): number {
    return this.chunkBits === 0 ? 0 : key[offset] >>> (32 - this.chunkBits);
  }

  /** Word offset of entry `index` of chunk `chunk`. */
  entryAt(chunk: number, index: number): number {
    return this.chunkOffset[chunk] + index * this.entrySize;
  }

  lengthAt(pos: number): number {
    return this.data[pos + this.words] & 0xff;
  }

  routeSetAt(pos: number): number {
    return this.data[pos + this.words] >>> 8;
  }

  setRouteSet(pos: number, set: number): void {
    const d = this.data;
    d[pos + this.words] = (d[pos + this.words] & 0xff) | (set << 8);
  }

  /** Index of the first entry of `chunk` that is not less than (key, length). */
  lowerBound(chunk: number, key: ArrayLike<number>, offset: number, length: number): number {
    let lo = 0;
    let hi = this.chunkCount[chunk];
    const base = this.chunkOffset[chunk];
    const size = this.entrySize;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(base + mid * size, key, offset, length) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Word offset of the entry for exactly (key, length), or -1. The key must already be masked. */
  find(key: ArrayLike<number>, offset: number, length: number): number {
    if (this.lengthCount[length] === 0) return -1;
    const chunk = this.chunkOf(key, offset);
    const i = this.lowerBound(chunk, key, offset, length);
    if (i >= this.chunkCount[chunk]) return -1;
    const pos = this.entryAt(chunk, i);
    return this.compare(pos, key, offset, length) === 0 ? pos : -1;
  }

  /**
   * Word offset of the longest entry of length at most `maxLength` that covers `key`, or -1.
   * `key` need not be masked.
   */
  findCovering(key: ArrayLike<number>, offset: number, maxLength: number): number {
    const probe = this.probe;
    for (let len = Math.min(maxLength, this.lengthCount.length - 1); len >= 0; len--) {
      if (this.lengthCount[len] === 0) continue;
      for (let w = 0; w < this.words; w++) probe[w] = maskWord(key[offset + w], w, len);
      const pos = this.find(probe, 0, len);
      if (pos >= 0) return pos;
    }
    return -1;
  }

  /**
   * Call `visit` with the word offset of every entry longer than `length` inside the region of
   * `key`'s first `length` bits, in order.
   */
  scanRegion(key: ArrayLike<number>, offset: number, length: number, visit: (pos: number) => void): void {
    const probe = this.probe;
    for (let w = 0; w < this.words; w++) probe[w] = maskWord(key[offset + w], w, length);
    const first = this.chunkOf(probe, 0);
    const span = length >= this.chunkBits ? 1 : 1 << (this.chunkBits - length);
    const size = this.entrySize;
    for (let c = first; c < first + span; c++) {
      const count = this.chunkCount[c];
      if (count === 0) continue;
      let i = 0;
      let end = count;
      if (span === 1) {
        i = this.lowerBound(c, probe, 0, length + 1);
        for (let w = 0; w < this.words; w++) probe[w] = key[offset + w] | ~maskWord(-1, w, length);
        end = this.lowerBound(c, probe, 0, 255);
      }
      const base = this.chunkOffset[c];
      for (; i < end; i++) if ((this.data[base + i * size + this.words] & 0xff) > length) visit(base + i * size);
    }
  }

  /** Insert a new entry (which must not exist) and return its word offset. */
  insert(key: ArrayLike<number>, offset: number, length: number, set: number): number {
    const chunk = this.chunkOf(key, offset);
    const index = this.lowerBound(chunk, key, offset, length);
    const count = this.chunkCount[chunk];
    const cls = this.chunkClass[chunk];
    const size = this.entrySize;
    if (cls < 0 || count === CLASS_CAPACITY[cls]) this.growChunk(chunk, cls + 1);
    const base = this.chunkOffset[chunk];
    const pos = base + index * size;
    const d = this.data;
    if (index < count) d.copyWithin(pos + size, pos, base + count * size);
    for (let w = 0; w < this.words; w++) d[pos + w] = key[offset + w];
    d[pos + this.words] = length | (set << 8);
    this.chunkCount[chunk] = count + 1;
    this.lengthCount[length]++;
    this.size++;
    return pos;
  }

  /** Remove the entry at word offset `pos`. */
  remove(pos: number): void {
    const chunk = this.chunkOf(this.data, pos);
    const base = this.chunkOffset[chunk];
    const size = this.entrySize;
    const count = this.chunkCount[chunk] - 1;
    this.lengthCount[this.lengthAt(pos)]--;
    this.data.copyWithin(pos, pos + size, base + (count + 1) * size);
    this.chunkCount[chunk] = count;
    this.size--;
    if (count === 0) {
      this.freeBlocks[this.chunkClass[chunk]].push(base);
      this.chunkClass[chunk] = -1;
    }
  }

  /** Give back the unused tail of the entry array (after a bulk load). */
  trim(): void {
    if (this.data.length > this.used * 1.125 + 1024) this.data = this.data.slice(0, this.used + 1024);
  }

  /** Bytes held by the typed arrays of this store. */
  byteLength(): number {
    return this.data.byteLength + this.chunkOffset.byteLength + this.chunkCount.byteLength + this.chunkClass.byteLength + this.lengthCount.byteLength;
  }

  /** Compare the entry at `pos` with (key, length): address first (unsigned), then length. */
  private compare(pos: number, key: ArrayLike<number>, offset: number, length: number): number {
    const d = this.data;
    for (let w = 0; w < this.words; w++) {
      const a = d[pos + w] >>> 0;
      const b = key[offset + w] >>> 0;
      if (a !== b) return a < b ? -1 : 1;
    }
    return (d[pos + this.words] & 0xff) - length;
  }

  private growChunk(chunk: number, cls: number): void {
    const size = this.entrySize;
    const block = this.allocBlock(cls, CLASS_CAPACITY[cls] * size);
    const oldClass = this.chunkClass[chunk];
    if (oldClass >= 0) {
      const old = this.chunkOffset[chunk];
      this.data.copyWithin(block, old, old + this.chunkCount[chunk] * size);
      this.freeBlocks[oldClass].push(old);
    }
    this.chunkOffset[chunk] = block;
    this.chunkClass[chunk] = cls;
  }

  private allocBlock(cls: number, words: number): number {
    const free = this.freeBlocks[cls];
    if (free.length > 0) return free.pop()!;
    const at = this.used;
    if (at + words > this.data.length) {
      const grown = new Int32Array(Math.max(at + words, Math.ceil(this.data.length * 1.25)));
      grown.set(this.data);
      this.data = grown;
    }
    this.used = at + words;
    return at;
  }
}
