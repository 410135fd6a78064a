import { maskWord } from './bits.js';

/** Entry capacity of each block size class: about 1.25x apart, so little space is left unused. */
const CLASS_CAPACITY: readonly number[] = (() => {
  const out = [1];
  while (out.length < 90) out.push(Math.max(out[out.length - 1] + 1, Math.floor(out[out.length - 1] * 1.25)));
  return out;
})();

/**
 * The routes of one FIB and one address family, kept as sorted entries in typed arrays.
 *
 * Entries are grouped by "chunk" (the top `chunkBits` bits of the prefix) and sorted inside a chunk
 * by (address, length), so the prefixes under any aligned region are contiguous. That order serves
 * three jobs at once: exact prefix lookup for the control plane, ordered listing for `netstat -r`,
 * and the input of a partial trie rebuild after a change.
 *
 * An entry is `words` key words followed by four words: length | source id << 8, next-hop id,
 * metric, and the index of further routes to the same prefix (-1 when there are none). The inline
 * route is always the installed (best) one; the others wait in the `extras` list.
 */
export class PrefixStore {
  /** 32-bit words per key: 1 for IPv4, 4 for IPv6. */
  readonly words: number;
  /** Words per entry. */
  readonly entrySize: number;
  readonly chunkBits: number;
  /** Longest prefix length of the family (32 or 128). */
  readonly maxLength: number;
  /** Word offset of each chunk's block in `data`. */
  readonly chunkOffset: Int32Array;
  /** Entries in each chunk. */
  readonly chunkCount: Int32Array;
  /** Size class of each chunk's block (see CLASS_CAPACITY); -1 when the chunk has no block. */
  readonly chunkClass: Int8Array;
  /** Number of prefixes of each length (lets searches skip lengths that are absent). */
  readonly lengthCount: Int32Array;
  data: Int32Array;
  /** Further routes to a prefix: [source id, next hop, metric, next index] per record. */
  extras: Int32Array;
  /** Number of prefixes. */
  size = 0;
  private used = 0;
  private readonly freeBlocks: number[][] = [];
  private extrasUsed = 0;
  private extrasFree = -1;
  private readonly probe: Int32Array;

  constructor(words: number, chunkBits: number) {
    this.words = words;
    this.entrySize = words + 4;
    this.chunkBits = chunkBits;
    this.maxLength = words * 32;
    const chunks = 1 << chunkBits;
    this.chunkOffset = new Int32Array(chunks);
    this.chunkCount = new Int32Array(chunks);
    this.chunkClass = new Int8Array(chunks).fill(-1);
    this.lengthCount = new Int32Array(this.maxLength + 1);
    this.data = new Int32Array(1024);
    this.extras = new Int32Array(64);
    this.probe = new Int32Array(words);
    for (let i = 0; i < CLASS_CAPACITY.length; i++) this.freeBlocks.push([]);
  }

  chunkOf(key: ArrayLike<number>, offset: number): number {
    return key[offset] >>> (32 - this.chunkBits);
  }

  /** Word offset of entry `index` of chunk `chunk`. */
  entryAt(chunk: number, index: number): number {
    return this.chunkOffset[chunk] + index * this.entrySize;
  }

  lengthAt(pos: number): number {
    return this.data[pos + this.words] & 0xff;
  }

  sourceAt(pos: number): number {
    return this.data[pos + this.words] >>> 8;
  }

  nextHopAt(pos: number): number {
    return this.data[pos + this.words + 1];
  }

  metricAt(pos: number): number {
    return this.data[pos + this.words + 2];
  }

  moreAt(pos: number): number {
    return this.data[pos + this.words + 3];
  }

  setRoute(pos: number, source: number, nextHop: number, metric: number, more: number): void {
    const d = this.data;
    const w = this.words;
    d[pos + w] = (d[pos + w] & 0xff) | (source << 8);
    d[pos + w + 1] = nextHop;
    d[pos + w + 2] = metric;
    d[pos + w + 3] = more;
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
    for (let len = maxLength; len >= 0; len--) {
      if (this.lengthCount[len] === 0) continue;
      for (let w = 0; w < this.words; w++) probe[w] = maskWord(key[offset + w], w, len);
      const pos = this.find(probe, 0, len);
      if (pos >= 0) return pos;
    }
    return -1;
  }

  /** Insert a new entry (which must not exist) and return its word offset; route fields are unset. */
  insert(key: ArrayLike<number>, offset: number, length: number): number {
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
    d[pos + this.words] = length;
    d[pos + this.words + 3] = -1;
    this.chunkCount[chunk] = count + 1;
    this.lengthCount[length]++;
    this.size++;
    return pos;
  }

  /** Remove the entry at word offset `pos` (its extras must have been released). */
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

  /** Allocate an extra-route record. */
  allocExtra(source: number, nextHop: number, metric: number, next: number): number {
    let i = this.extrasFree;
    if (i >= 0) {
      this.extrasFree = this.extras[i * 4 + 3];
    } else {
      i = this.extrasUsed++;
      if (i * 4 + 4 > this.extras.length) {
        const grown = new Int32Array(this.extras.length * 2);
        grown.set(this.extras);
        this.extras = grown;
      }
    }
    const e = this.extras;
    e[i * 4] = source;
    e[i * 4 + 1] = nextHop;
    e[i * 4 + 2] = metric;
    e[i * 4 + 3] = next;
    return i;
  }

  freeExtra(i: number): void {
    this.extras[i * 4 + 3] = this.extrasFree;
    this.extrasFree = i;
  }

  /** Give back the unused tail of the entry array (after a bulk load). */
  trim(): void {
    if (this.data.length > this.used * 1.125 + 1024) this.data = this.data.slice(0, this.used + 1024);
  }

  /** Bytes held by the typed arrays of this store. */
  byteLength(): number {
    return (
      this.data.byteLength +
      this.extras.byteLength +
      this.chunkOffset.byteLength +
      this.chunkCount.byteLength +
      this.chunkClass.byteLength +
      this.lengthCount.byteLength
    );
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
