import type { Timer } from '../time/index.js';

/** Fragments a slot makes room for when it is first used; it doubles up to the store's bound. */
const INITIAL_FRAGMENTS = 8;

/**
 * The family-independent state of one datagram being reassembled in a {@link ReassemblyStore}: the
 * fragments received (as sorted, non-overlapping payload ranges, each with the arena chain holding
 * its bytes), the length once the last fragment told it, and the receiving metadata of the
 * offset-zero fragment. A family keeps its key and header next to it, found by `index`.
 * @public
 */
export class ReassemblySlot {
  /** Holds a datagram (possibly a discarded one, see `dead`). */
  inUse = false;
  /** Discarded: absorbs its late fragments until its timer fires (RFC 5722 §4). */
  dead = false;
  /** Clock time its first fragment arrived; the oldest slot is evicted first. */
  createdAt = 0;
  /** Payload length once the last fragment arrived, else -1. */
  totalLength = -1;
  /** Payload bytes received. */
  received = 0;
  /** Fragments held. */
  count = 0;
  /** Blocks of the store's arena this slot holds. */
  blocks = 0;
  /** Interface, FIB and link flags of the offset-zero fragment (valid once it arrived). */
  ifindex = 0;
  fib = 0;
  linkFlags = 0;
  /** Fires `timeoutMs` after the first fragment. */
  timer: Timer | null = null;
  /** `[start, end, chain]` per fragment, sorted by start. */
  ranges: Int32Array = new Int32Array(3 * INITIAL_FRAGMENTS);

  /** @internal */
  constructor(readonly index: number) {}

  /** End of the highest fragment held, 0 when none. */
  get highestEnd(): number {
    return this.count === 0 ? 0 : this.ranges[3 * this.count - 2];
  }
}
