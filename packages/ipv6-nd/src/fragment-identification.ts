import type { KeyedHash } from './keyed-hash.js';

/** Counters in the table; a power of two. */
const TABLE_SIZE = 1024;

/** Stand-in addresses for seeding the counters. */
const EMPTY = new Uint8Array(16);

/**
 * Fragment identification values after RFC 7739 §5.3 (hash-based): a table of counters indexed by
 * a keyed hash of (source, destination), each value offset by a second keyed hash of the pair. A
 * destination sees consecutive values (so reassembly works and collisions are rare), while an
 * off-path observer can neither predict them nor learn our traffic rate to other destinations
 * (the weakness of one global counter, RFC 7739 §3). The table is per stack; the keys are random.
 */
export class FragmentIdentification {
  private readonly counters = new Uint32Array(TABLE_SIZE);

  constructor(private readonly hash: KeyedHash) {
    for (let i = 0; i < TABLE_SIZE; i++) this.counters[i] = hash.hash(EMPTY, 0, EMPTY, 0, i, 1);
  }

  /** The next identification for packets from `src[srcOffset..)` to `dst[dstOffset..)`. */
  next(src: Uint8Array, srcOffset: number, dst: Uint8Array, dstOffset: number): number {
    const index = this.hash.hash(src, srcOffset, dst, dstOffset, 0, 0) & (TABLE_SIZE - 1);
    const count = (this.counters[index] = (this.counters[index] + 1) >>> 0);
    return (count + this.hash.hash(src, srcOffset, dst, dstOffset, 1, 1)) >>> 0;
  }
}
