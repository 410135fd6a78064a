/** Growth never goes below this many blocks at once. */
const MIN_GROWTH = 32;

/**
 * Fixed-size blocks of one byte array, handed out as chains: a store of byte runs whose memory is
 * counted exactly (in blocks) and reused without allocating once it has grown. A chain is named by
 * its first block; `links` gives each block's successor (-1 ends a chain, and the free list).
 *
 * The array grows by doubling, on demand, up to `maxBlocks`, and never shrinks until
 * {@link BlockArena.clear}: the memory held is bounded by the bound, not by the traffic.
 * @internal
 */
export class BlockArena {
  private bytes = new Uint8Array(0);
  private links = new Int32Array(0);
  private created = 0;
  private freeHead = -1;
  private freeCount = 0;

  constructor(
    readonly blockSize: number,
    readonly maxBlocks: number,
  ) {}

  /** Blocks now part of a chain. */
  get blocksInUse(): number {
    return this.created - this.freeCount;
  }

  /** Blocks a run of `length` bytes takes. */
  blocksFor(length: number): number {
    return Math.ceil(length / this.blockSize);
  }

  /**
   * Copies `source[offset..offset+length)` into a new chain and returns its first block; -1 for an
   * empty run. The caller has checked that `blocksFor(length)` more blocks fit in the bound.
   */
  store(source: Uint8Array, offset: number, length: number): number {
    const n = this.blocksFor(length);
    if (n === 0) return -1;
    if (this.freeCount < n) this.grow(n - this.freeCount);
    const size = this.blockSize;
    const bytes = this.bytes;
    const links = this.links;
    const head = this.freeHead;
    let block = head;
    let from = offset;
    const end = offset + length;
    for (let i = 0; i < n; i++) {
      const at = block * size;
      const take = end - from < size ? end - from : size;
      for (let j = 0; j < take; j++) bytes[at + j] = source[from + j];
      from += take;
      if (i < n - 1) block = links[block];
    }
    this.freeHead = links[block];
    links[block] = -1;
    this.freeCount -= n;
    return head;
  }

  /** Copies the first `length` bytes of the chain at `head` to `out[at..)`. */
  load(head: number, length: number, out: Uint8Array, at: number): void {
    const size = this.blockSize;
    const bytes = this.bytes;
    let block = head;
    let to = at;
    let left = length;
    while (left > 0 && block >= 0) {
      const from = block * size;
      const take = left < size ? left : size;
      for (let j = 0; j < take; j++) out[to + j] = bytes[from + j];
      to += take;
      left -= take;
      block = this.links[block];
    }
  }

  /** Returns the chain at `head` to the free list. */
  release(head: number): void {
    if (head < 0) return;
    const links = this.links;
    let tail = head;
    let n = 1;
    while (links[tail] >= 0) {
      tail = links[tail];
      n++;
    }
    links[tail] = this.freeHead;
    this.freeHead = head;
    this.freeCount += n;
  }

  /** Forget every chain and give the memory back. */
  clear(): void {
    this.bytes = new Uint8Array(0);
    this.links = new Int32Array(0);
    this.created = 0;
    this.freeHead = -1;
    this.freeCount = 0;
  }

  /** Adds at least `more` free blocks (within the bound), keeping existing chains in place. */
  private grow(more: number): void {
    const capacity = Math.min(this.maxBlocks, Math.max(this.created * 2, this.created + more, MIN_GROWTH));
    if (capacity - this.created < more) throw new RangeError(`block arena: ${more} more blocks exceed the bound of ${this.maxBlocks}`);
    const bytes = new Uint8Array(capacity * this.blockSize);
    bytes.set(this.bytes);
    const links = new Int32Array(capacity);
    links.set(this.links);
    // New blocks go on the free list in ascending order, ahead of the existing free ones.
    for (let b = this.created; b < capacity - 1; b++) links[b] = b + 1;
    links[capacity - 1] = this.freeHead;
    this.freeHead = this.created;
    this.freeCount += capacity - this.created;
    this.bytes = bytes;
    this.links = links;
    this.created = capacity;
  }
}
