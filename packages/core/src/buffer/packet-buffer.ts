import type { AddressFamily } from '../addr/index.js';
import { WordView } from '../checksum/word-view.js';

/**
 * Where a buffer goes back on release; implemented by `PacketPool`. Kept as an interface so a
 * buffer needs no import of the pool.
 * @public
 */
export interface PacketBufferOwner {
  /** Takes back a buffer whose `release()` was called. */
  recycle(buf: PacketBuffer): void;
}

/**
 * Anything that hands out buffers (a `PacketPool`); used by {@link PacketBuffer.clone}.
 * @public
 */
export interface PacketAllocator {
  /** A buffer whose capacity is at least `headroom + length`, empty, starting at `headroom`. */
  alloc(length?: number, headroom?: number): PacketBuffer;
}

/** Sub-range copies up to this length use a loop instead of allocating a subarray view. */
const SHORT_COPY = 128;

/** Bytes of each address slot in the metadata (an IPv6 address; IPv4 uses the first 4). */
const ADDRESS_SLOT = 16;

/**
 * One packet: a backing byte array of fixed capacity with the valid bytes at
 * `data[start..end)`, headroom before them for lower layers to prepend headers, tailroom after
 * them, and per-packet metadata the layers fill in on the way (DESIGN.md §4).
 *
 * Bounds failures on `prepend`/`append` are programming errors (the allocating layer reserves the
 * room) and throw; `pull` on hostile short input returns -1 for the caller to drop and count.
 * Growing never zeroes: a layer that pads (Ethernet minimum frame) writes its own zeros.
 * @public
 */
export class PacketBuffer {
  /** Backing store, the whole capacity. */
  data: Uint8Array;
  /** Offset of the first valid byte. */
  start: number;
  /** Offset past the last valid byte. */
  end: number;

  /** Receiving interface index; 0 = none. */
  ifindex = 0;
  /** Chosen output interface index; 0 = none. */
  outIfindex = 0;
  /** FIB id; default 0. */
  fib = 0;
  /** Network family once known. */
  family: AddressFamily | null = null;
  /** Protocol number of the link payload (e.g. an ethertype); -1 when unknown. */
  linkProtocol = -1;
  /** {@link LinkRxFlags} bits set by the link layer on input. */
  linkFlags = 0;
  /** Offset into `data` of the network header; -1 when unknown. */
  networkOffset = -1;
  /** Offset into `data` of the transport header; -1 when unknown. */
  transportOffset = -1;
  /** {@link PacketFlags} bits. */
  flags = 0;
  /** Network source address, 16 bytes (IPv4 uses the first 4). */
  readonly src: Uint8Array;
  /** Network destination address, 16 bytes (IPv4 uses the first 4). */
  readonly dst: Uint8Array;
  /** Next-hop address chosen by routing, 16 bytes (IPv4 uses the first 4). */
  readonly nextHop: Uint8Array;

  /** Backing store of src, dst and nextHop, so reset clears all three with one fill. */
  private readonly addresses: Uint8Array;
  /** The pool it returns to, or null for an unpooled buffer. */
  private readonly owner: PacketBufferOwner | null;
  /** True while the buffer sits released (in or dropped by its pool); catches double release. */
  private released = false;
  /** The word view of `data` behind {@link PacketBuffer.words}; null until first asked for. */
  private wordView: WordView | null = null;

  /**
   * A buffer over `data` (used as is, not copied), empty at `headroom`. Normally obtained from a
   * `PacketPool` or {@link PacketBuffer.from}.
   * @param owner - the pool that recycles it, or null.
   */
  constructor(data: Uint8Array, headroom = 0, owner: PacketBufferOwner | null = null) {
    if (!Number.isInteger(headroom) || headroom < 0 || headroom > data.length) {
      throw new RangeError(`headroom ${headroom} outside capacity ${data.length}`);
    }
    this.data = data;
    this.start = headroom;
    this.end = headroom;
    this.addresses = new Uint8Array(3 * ADDRESS_SLOT);
    this.src = this.addresses.subarray(0, ADDRESS_SLOT);
    this.dst = this.addresses.subarray(ADDRESS_SLOT, 2 * ADDRESS_SLOT);
    this.nextHop = this.addresses.subarray(2 * ADDRESS_SLOT, 3 * ADDRESS_SLOT);
    this.owner = owner;
  }

  /** An unpooled buffer holding a copy of `bytes`, with `headroom` bytes of room in front. */
  static from(bytes: Uint8Array, headroom = 0): PacketBuffer {
    const buf = new PacketBuffer(new Uint8Array(headroom + bytes.length), headroom);
    buf.data.set(bytes, headroom);
    buf.end = headroom + bytes.length;
    return buf;
  }

  /** Number of valid bytes. */
  get length(): number {
    return this.end - this.start;
  }

  /** Room before the valid bytes. */
  get headroom(): number {
    return this.start;
  }

  /** Room after the valid bytes. */
  get tailroom(): number {
    return this.data.length - this.end;
  }

  /** Total size of the backing store. */
  get capacity(): number {
    return this.data.length;
  }

  /**
   * A {@link WordView} of `data` for the checksum functions: pass it with `data` (e.g.
   * `internetChecksum(buf.data, at, n, 0, buf.words)`) so long regions are summed a word at a time
   * without allocating. Made on first use and kept for the life of the buffer, so a pooled buffer
   * creates it once, not once per packet; made again if `data` is replaced by another array.
   */
  get words(): WordView {
    const view = this.wordView;
    if (view !== null && view.bytes === this.data) return view;
    return (this.wordView = new WordView(this.data));
  }

  /** Whether this buffer returns to a pool on release. */
  get pooled(): boolean {
    return this.owner !== null;
  }

  /**
   * Grows the front by `n` bytes (for a header) and returns the new `start`.
   * @throws RangeError when the headroom is smaller than `n` (the allocator reserved too little).
   */
  prepend(n: number): number {
    if (!(n >= 0 && n <= this.start)) throw new RangeError(`prepend ${n} with headroom ${this.start}`);
    this.start -= n;
    return this.start;
  }

  /**
   * Grows the back by `n` bytes and returns the old `end`, where the caller writes them.
   * @throws RangeError when the tailroom is smaller than `n`.
   */
  append(n: number): number {
    if (!(n >= 0 && n <= this.data.length - this.end)) {
      throw new RangeError(`append ${n} with tailroom ${this.data.length - this.end}`);
    }
    const at = this.end;
    this.end += n;
    return at;
  }

  /**
   * Consumes `n` bytes from the front (a parsed header) and returns the old `start`, or -1,
   * changing nothing, when fewer than `n` bytes are valid (a truncated packet).
   */
  pull(n: number): number {
    if (!(n >= 0 && n <= this.end - this.start)) return -1;
    const at = this.start;
    this.start += n;
    return at;
  }

  /** Shortens the valid bytes to `length` (drops link padding, trailers); no-op if already shorter. */
  trim(length: number): void {
    if (!(length >= 0)) throw new RangeError(`trim to ${length}`);
    if (length < this.end - this.start) this.end = this.start + length;
  }

  /**
   * Empties the buffer with `headroom` bytes in front (start = end = headroom) and clears every
   * metadata field to its default.
   * @throws RangeError when `headroom` exceeds the capacity.
   */
  reset(headroom: number): void {
    if (!(headroom >= 0 && headroom <= this.data.length)) {
      throw new RangeError(`headroom ${headroom} outside capacity ${this.data.length}`);
    }
    this.start = headroom;
    this.end = headroom;
    this.ifindex = 0;
    this.outIfindex = 0;
    this.fib = 0;
    this.family = null;
    this.linkProtocol = -1;
    this.linkFlags = 0;
    this.networkOffset = -1;
    this.transportOffset = -1;
    this.flags = 0;
    this.addresses.fill(0);
  }

  /** A new array view of the valid bytes. Allocates: for tests and slow paths only. */
  view(): Uint8Array {
    return this.data.subarray(this.start, this.end);
  }

  /**
   * Replaces the valid bytes with `bytes[offset..offset+length)`, copied at the current `start`
   * (normally right after `reset` or `alloc`). Metadata is untouched.
   * @throws RangeError when the source range is invalid or does not fit before the end of `data`.
   */
  copyFrom(bytes: Uint8Array, offset = 0, length = bytes.length - offset): void {
    if (!(offset >= 0 && length >= 0 && offset + length <= bytes.length)) {
      throw new RangeError(`copyFrom range ${offset}+${length} outside ${bytes.length} bytes`);
    }
    if (length > this.data.length - this.start) {
      throw new RangeError(`copyFrom ${length} bytes with room for ${this.data.length - this.start}`);
    }
    const data = this.data;
    const start = this.start;
    if (offset === 0 && length === bytes.length) {
      data.set(bytes, start);
    } else if (length <= SHORT_COPY) {
      // A sub-range needs a subarray view for set(); for short copies a loop avoids allocating it.
      for (let i = 0; i < length; i++) data[start + i] = bytes[offset + i];
    } else {
      data.set(bytes.subarray(offset, offset + length), start);
    }
    this.end = start + length;
  }

  /**
   * A deep copy, metadata included. The backing bytes before `start` are copied too, so
   * `networkOffset` and `transportOffset` stay valid after headers were pulled. From `pool` when
   * given (an oversize buffer comes back unpooled), otherwise unpooled with the same capacity.
   */
  clone(pool?: PacketAllocator): PacketBuffer {
    const copy = pool
      ? pool.alloc(this.data.length - this.start, this.start)
      : new PacketBuffer(new Uint8Array(this.data.length), this.start);
    copy.data.set(this.data.subarray(0, this.end), 0);
    copy.start = this.start;
    copy.end = this.end;
    copy.copyMetadataFrom(this);
    copy.networkOffset = this.networkOffset;
    copy.transportOffset = this.transportOffset;
    return copy;
  }

  /**
   * Copies the metadata of `other` (interfaces, FIB, family, link protocol and flags, packet
   * flags, src/dst/nextHop) but not its header offsets, which depend on where the bytes sit.
   */
  copyMetadataFrom(other: PacketBuffer): void {
    this.ifindex = other.ifindex;
    this.outIfindex = other.outIfindex;
    this.fib = other.fib;
    this.family = other.family;
    this.linkProtocol = other.linkProtocol;
    this.linkFlags = other.linkFlags;
    this.flags = other.flags;
    this.addresses.set(other.addresses);
  }

  /**
   * Returns the buffer to its pool; no-op for an unpooled buffer. The caller must not touch it
   * afterwards. A second release is detected, counted by the pool, and otherwise ignored.
   */
  release(): void {
    if (this.owner === null) return;
    this.owner.recycle(this);
  }

  /**
   * Pool bookkeeping: marks the buffer released and reports whether it already was.
   * @internal
   */
  markReleased(): boolean {
    const already = this.released;
    this.released = true;
    return already;
  }

  /**
   * Pool bookkeeping: marks the buffer handed out again.
   * @internal
   */
  markAllocated(): void {
    this.released = false;
  }
}
