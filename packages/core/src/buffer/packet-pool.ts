import { type PacketAllocator, type PacketBufferOwner, PacketBuffer } from './packet-buffer.js';

/**
 * Options of {@link PacketPool}.
 * @public
 */
export interface PacketPoolOptions {
  /** Capacity of each pooled buffer in bytes. Default 2048 (an Ethernet frame plus headroom). */
  readonly bufferSize?: number;
  /** Default headroom of allocated buffers. Default 128 (link + IP + options headers). */
  readonly headroom?: number;
  /** Most buffers kept on the free list; releases beyond it are left to the garbage collector. Default 1024. */
  readonly maxFree?: number;
}

/**
 * Counters of a {@link PacketPool}.
 * @public
 */
export interface PacketPoolStats {
  /** alloc() calls served, oversize included. */
  readonly allocated: number;
  /** Of those, served from the free list. */
  readonly reused: number;
  /** Pooled buffers given back by release() (double releases not counted). */
  readonly released: number;
  /** alloc() calls larger than bufferSize, served with an unpooled buffer. */
  readonly oversize: number;
  /** Pooled buffers handed out and not yet released. */
  readonly inUse: number;
  /** release() calls on a buffer already released, ignored. */
  readonly doubleRelease: number;
}

function checkCount(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min)
    throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
}

/**
 * A free list of equally sized {@link PacketBuffer}s, one per stack (no shared state). Buffers
 * come back through `buf.release()`; a second release of the same buffer is detected by a flag on
 * the buffer, counted in `stats.doubleRelease`, and cannot put a buffer on the free list twice.
 * @public
 */
export class PacketPool implements PacketAllocator, PacketBufferOwner {
  /** Capacity of each pooled buffer. */
  readonly bufferSize: number;
  /** Default headroom of allocated buffers. */
  readonly headroom: number;
  /** Most buffers kept on the free list. */
  readonly maxFree: number;
  private readonly free: PacketBuffer[] = [];
  private readonly counters = { allocated: 0, reused: 0, released: 0, oversize: 0, inUse: 0, doubleRelease: 0 };

  constructor(options: PacketPoolOptions = {}) {
    this.bufferSize = options.bufferSize ?? 2048;
    this.headroom = options.headroom ?? 128;
    this.maxFree = options.maxFree ?? 1024;
    checkCount('bufferSize', this.bufferSize, 1);
    checkCount('headroom', this.headroom, 0);
    checkCount('maxFree', this.maxFree, 0);
    if (this.headroom > this.bufferSize)
      throw new RangeError(`headroom ${this.headroom} exceeds bufferSize ${this.bufferSize}`);
  }

  /** Live counters (read-only view). */
  get stats(): PacketPoolStats {
    return this.counters;
  }

  /** Buffers currently on the free list. */
  get freeCount(): number {
    return this.free.length;
  }

  /**
   * An empty buffer (start = end = `headroom`, metadata cleared) with room for at least `length`
   * bytes after the headroom. Pooled when `headroom + length` fits `bufferSize`; otherwise an
   * unpooled buffer sized to fit, counted in `stats.oversize`.
   * @param length - bytes needed after the headroom; default: the rest of a pooled buffer.
   * @param headroom - default: the pool's headroom.
   * @throws RangeError on negative or non-integer arguments.
   */
  alloc(length?: number, headroom: number = this.headroom): PacketBuffer {
    if (length === undefined) length = Math.max(0, this.bufferSize - headroom);
    if (!(Number.isInteger(length) && length >= 0 && Number.isInteger(headroom) && headroom >= 0)) {
      throw new RangeError(`alloc(${length}, ${headroom}): expected non-negative integers`);
    }
    const stats = this.counters;
    stats.allocated++;
    if (headroom + length > this.bufferSize) {
      stats.oversize++;
      return new PacketBuffer(new Uint8Array(headroom + length), headroom, null);
    }
    stats.inUse++;
    const buf = this.free.pop();
    if (buf === undefined) return new PacketBuffer(new Uint8Array(this.bufferSize), headroom, this);
    stats.reused++;
    buf.markAllocated();
    buf.reset(headroom);
    return buf;
  }

  /**
   * Takes a buffer back; called by `PacketBuffer.release()`.
   * @internal
   */
  recycle(buf: PacketBuffer): void {
    const stats = this.counters;
    if (buf.markReleased()) {
      stats.doubleRelease++;
      return;
    }
    stats.released++;
    stats.inUse--;
    if (this.free.length < this.maxFree) this.free.push(buf);
  }
}
