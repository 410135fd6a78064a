import type { PacketBuffer } from '../buffer/index.js';
import type { Counter } from '../counters/index.js';
import type { Timer } from '../time/index.js';
import { BlockArena } from './block-arena.js';
import { ReassemblySlot } from './reassembly-slot.js';

/**
 * Granularity of the byte accounting: fragment payloads are kept in blocks of this many bytes, so
 * a fragment costs its own size rounded up to a block, wherever it sits in its datagram.
 */
const BLOCK_SIZE = 64;

/**
 * What {@link ReassemblyStore.insert} did with a fragment.
 * @public
 */
export const FragmentResult = {
  /** Not kept: a duplicate, late, or the datagram was discarded (the reason is counted). */
  DROPPED: 0,
  /** Kept; the datagram still misses fragments. */
  HELD: 1,
  /** Kept, and the datagram is whole: build it, then call {@link ReassemblyStore.complete}. */
  COMPLETE: 2,
} as const;

/** @public */
export type FragmentResult = (typeof FragmentResult)[keyof typeof FragmentResult];

/**
 * Bounds of a {@link ReassemblyStore}.
 * @public
 */
export interface ReassemblyLimits {
  /** Datagrams held at once; a new one beyond this evicts the oldest. */
  readonly maxDatagrams: number;
  /** Bytes of fragment payload held at once, counted in 64-byte blocks. */
  readonly maxBytes: number;
  /** Fragments held per datagram. */
  readonly maxFragments: number;
  /** A datagram is abandoned this long after its first fragment arrived. */
  readonly timeoutMs: number;
}

/**
 * The counters a {@link ReassemblyStore} keeps (a family may keep more beside them).
 * @public
 */
export interface ReassemblyCounters {
  /** Datagrams completed. */
  readonly ok: Counter;
  /** Datagrams abandoned when their timer fired. */
  readonly timeout: Counter;
  /** Datagrams discarded to make room for a new one (`maxDatagrams`). */
  readonly evicted: Counter;
  /** Datagrams discarded because two fragments overlapped. */
  readonly overlap: Counter;
  /** Fragments ignored as exact repeats of one held. */
  readonly duplicate: Counter;
  /** Datagrams discarded because fragments disagree on the end, or a non-last one was empty. */
  readonly inconsistent: Counter;
  /** Datagrams discarded for having more than `maxFragments` fragments. */
  readonly 'too-many-fragments': Counter;
  /** Datagrams discarded because the byte bound was reached. */
  readonly memory: Counter;
  /** Fragments of an already discarded datagram, dropped. */
  readonly 'late-fragment': Counter;
}

/**
 * Reassembly usage, for listings and tests.
 * @public
 */
export interface ReassemblyUsage {
  /** Datagrams being reassembled (discarded ones still absorbing late fragments included). */
  readonly datagrams: number;
  /** Bytes of fragment payload held (in whole 64-byte blocks). */
  readonly bytes: number;
}

/**
 * The family-independent half of IP reassembly (RFC 791 §3.2, RFC 815, RFC 8200 §4.5): the
 * datagrams being reassembled, each a {@link ReassemblySlot} with the family's entry `E` beside it
 * (its key and first-fragment header, made once per slot by `newEntry`), within hard bounds. The
 * family finds a datagram by its key among `entries`, checks its header rules, then hands each
 * fragment's payload range here; on completion it writes its header and asks for the payload.
 *
 * - At most `maxDatagrams` datagrams: a new one evicts the oldest.
 * - At most `maxBytes` of payload, counted by what is held: each fragment's bytes in 64-byte
 *   blocks, so a fragment far into its datagram costs its own size, not the offset it sits at.
 *   Beyond the bound the oldest other datagrams holding data are discarded first (as Linux's
 *   evictor does), so stale fragments cannot starve datagrams still arriving; a datagram that
 *   alone exceeds the bound is discarded itself.
 * - At most `maxFragments` fragments per datagram.
 * - Overlaps (RFC 5722 §4, also the IPv4 policy here): an exact repeat is ignored (first copy
 *   wins), any other overlap discards the whole datagram; no received byte is ever overwritten.
 * - A discarded datagram keeps its key ("dead") until its timer fires, absorbing late fragments.
 *
 * Allocation-free once grown: payload blocks, slots and their range tables are reused.
 * @public
 */
export class ReassemblyStore<E> {
  /** Every slot made so far, by index (in use or free). */
  readonly slots: ReassemblySlot[] = [];
  /** The family's entry of each slot, by the same index. */
  readonly entries: E[] = [];
  private readonly arena: BlockArena;

  constructor(
    private readonly limits: ReassemblyLimits,
    private readonly counters: ReassemblyCounters,
    private readonly now: () => number,
    private readonly createTimer: (callback: () => void) => Timer,
    /** Makes the family's entry for a new slot (once per slot; entries are reused). */
    private readonly newEntry: (slot: ReassemblySlot) => E,
    /** A datagram not discarded before timed out (called before its slot is freed). */
    private readonly onTimeout: (entry: E, slot: ReassemblySlot) => void,
  ) {
    this.arena = new BlockArena(BLOCK_SIZE, Math.floor(limits.maxBytes / BLOCK_SIZE));
  }

  /** Datagrams held (discarded ones still absorbing late fragments included). */
  get datagrams(): number {
    let n = 0;
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) if (slots[i].inUse) n++;
    return n;
  }

  /** Bytes of payload storage held (whole blocks). */
  get bytesInUse(): number {
    return this.arena.blocksInUse * BLOCK_SIZE;
  }

  /** Datagrams and bytes held. */
  usage(): ReassemblyUsage {
    return { datagrams: this.datagrams, bytes: this.bytesInUse };
  }

  /**
   * The entry of a slot for a new datagram, its timer started: a free one, a new one within
   * `maxDatagrams`, or the oldest one, evicted. The family then records its key in the entry.
   */
  open(): E {
    const slots = this.slots;
    let slot: ReassemblySlot | null = null;
    let oldest: ReassemblySlot | null = null;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i];
      if (!s.inUse) {
        slot = s;
        break;
      }
      if (oldest === null || s.createdAt < oldest.createdAt) oldest = s;
    }
    if (slot === null && slots.length < this.limits.maxDatagrams) {
      const fresh = new ReassemblySlot(slots.length);
      fresh.timer = this.createTimer(() => this.expire(fresh));
      slots.push(fresh);
      this.entries.push(this.newEntry(fresh));
      slot = fresh;
    }
    if (slot === null) {
      this.counters.evicted.inc();
      this.free(oldest!);
      slot = oldest!;
    }
    slot.inUse = true;
    slot.dead = false;
    slot.createdAt = this.now();
    slot.totalLength = -1;
    slot.timer!.start(this.limits.timeoutMs);
    return this.entries[slot.index];
  }

  /**
   * Adds the fragment whose payload is `buf.data[dataAt..dataAt+size)`, at `start` in its
   * datagram, `more` when fragments follow it. Copies what it keeps; `buf` stays the caller's.
   * An offset-zero fragment also records `buf`'s interface, FIB and link flags in the slot.
   */
  insert(slot: ReassemblySlot, buf: PacketBuffer, dataAt: number, start: number, size: number, more: boolean): FragmentResult {
    const c = this.counters;
    if (slot.dead) {
      c['late-fragment'].inc();
      return FragmentResult.DROPPED;
    }
    const end = start + size;
    if (more && size === 0) return this.drop(slot, c.inconsistent);
    if (!more) {
      if (slot.totalLength >= 0 && slot.totalLength !== end) return this.drop(slot, c.inconsistent);
      if (slot.highestEnd > end) return this.drop(slot, c.inconsistent);
      slot.totalLength = end;
    } else if (slot.totalLength >= 0 && end > slot.totalLength) {
      return this.drop(slot, c.inconsistent);
    }
    const n = slot.count;
    let r = slot.ranges;
    let insertAt = n;
    for (let i = 0; i < n; i++) {
      const s = r[3 * i];
      const t = r[3 * i + 1];
      if (start === s && end === t) {
        c.duplicate.inc();
        return FragmentResult.DROPPED;
      }
      if (start < t && end > s) return this.drop(slot, c.overlap);
      if (insertAt === n && start < s) insertAt = i;
    }
    if (n >= this.limits.maxFragments) return this.drop(slot, c['too-many-fragments']);
    const blocks = this.arena.blocksFor(size);
    if (!this.makeRoom(slot, blocks)) return this.drop(slot, c.memory);
    if (3 * (n + 1) > r.length) r = this.growRanges(slot);
    if (insertAt < n) r.copyWithin(3 * insertAt + 3, 3 * insertAt, 3 * n);
    r[3 * insertAt] = start;
    r[3 * insertAt + 1] = end;
    r[3 * insertAt + 2] = this.arena.store(buf.data, dataAt, size);
    slot.count = n + 1;
    slot.blocks += blocks;
    slot.received += size;
    if (start === 0) {
      slot.ifindex = buf.ifindex;
      slot.fib = buf.fib;
      slot.linkFlags = buf.linkFlags;
    }
    return slot.totalLength >= 0 && slot.received === slot.totalLength ? FragmentResult.COMPLETE : FragmentResult.HELD;
  }

  /** Writes the whole payload of a complete datagram to `out[at..at+totalLength)`. */
  copyPayload(slot: ReassemblySlot, out: Uint8Array, at: number): void {
    const r = slot.ranges;
    for (let i = 0; i < slot.count; i++) {
      const start = r[3 * i];
      this.arena.load(r[3 * i + 2], r[3 * i + 1] - start, out, at + start);
    }
  }

  /** Writes at most `max` leading bytes of the offset-zero fragment to `out[at..)`; returns how many. */
  copyFirst(slot: ReassemblySlot, out: Uint8Array, at: number, max: number): number {
    const r = slot.ranges;
    if (slot.count === 0 || r[0] !== 0) return 0;
    const length = Math.min(max, r[1]);
    this.arena.load(r[2], length, out, at);
    return length;
  }

  /** The datagram of `slot` was built: count it and free the slot. */
  complete(slot: ReassemblySlot): void {
    this.counters.ok.inc();
    this.free(slot);
  }

  /**
   * Discards a datagram's fragments, counted in `reason`, and keeps its key until its timer to
   * absorb its late fragments. Returns null, for callers returning "no datagram".
   */
  discard(slot: ReassemblySlot, reason: Counter): null {
    reason.inc();
    this.releaseData(slot);
    slot.dead = true;
    return null;
  }

  private drop(slot: ReassemblySlot, reason: Counter): FragmentResult {
    this.discard(slot, reason);
    return FragmentResult.DROPPED;
  }

  /** Drops everything (module unload) and gives the payload memory back. */
  clear(): void {
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) if (slots[i].inUse) this.free(slots[i]);
    this.arena.clear();
  }

  /** Fits `blocks` more blocks for `slot` by discarding the oldest others; false when impossible. */
  private makeRoom(slot: ReassemblySlot, blocks: number): boolean {
    const max = this.arena.maxBlocks;
    if (slot.blocks + blocks > max) return false;
    while (this.arena.blocksInUse + blocks > max) {
      const victim = this.oldestHoldingData(slot);
      if (victim === null) return false;
      this.discard(victim, this.counters.memory);
    }
    return true;
  }

  /** The oldest slot other than `except` that holds payload, or null. */
  private oldestHoldingData(except: ReassemblySlot): ReassemblySlot | null {
    const slots = this.slots;
    let oldest: ReassemblySlot | null = null;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i];
      if (s === except || !s.inUse || s.blocks === 0) continue;
      if (oldest === null || s.createdAt < oldest.createdAt) oldest = s;
    }
    return oldest;
  }

  private growRanges(slot: ReassemblySlot): Int32Array {
    const grown = new Int32Array(Math.min(3 * this.limits.maxFragments, 2 * slot.ranges.length));
    grown.set(slot.ranges);
    slot.ranges = grown;
    return grown;
  }

  private releaseData(slot: ReassemblySlot): void {
    const r = slot.ranges;
    for (let i = 0; i < slot.count; i++) this.arena.release(r[3 * i + 2]);
    slot.count = 0;
    slot.blocks = 0;
    slot.received = 0;
  }

  private expire(slot: ReassemblySlot): void {
    if (!slot.inUse) return;
    if (!slot.dead) {
      this.counters.timeout.inc();
      this.onTimeout(this.entries[slot.index], slot);
    }
    this.free(slot);
  }

  private free(slot: ReassemblySlot): void {
    this.releaseData(slot);
    slot.inUse = false;
    slot.dead = false;
    slot.totalLength = -1;
    slot.timer?.stop();
  }
}
