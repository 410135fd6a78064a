// The receive ring: buffers from the sink's pool posted to the addon, which reads frames straight
// into them (a NIC's receive descriptors, in software). Slots are used in ring order: the addon
// fills them from RX_HEAD on, and the driver takes the frames, then posts fresh buffers behind the
// ones still posted.
import type { LinkDriverSink, PacketBuffer } from '@stack/core';
import { Status, type NativeTapHandle } from './native.js';

/** @internal */
export class RxRing {
  private readonly slots: (PacketBuffer | null)[];
  /** Scratch list of the buffers of one post() call, passed to the addon as arguments. */
  private readonly fresh: Uint8Array[];

  constructor(
    private readonly batch: number,
    private readonly starts: Uint32Array,
    private readonly rooms: Uint32Array,
    private readonly status: Int32Array,
  ) {
    this.slots = new Array<PacketBuffer | null>(batch).fill(null);
    const none = new Uint8Array(0);
    this.fresh = new Array<Uint8Array>(batch).fill(none);
  }

  /** Buffers posted now. */
  get posted(): number {
    return this.status[Status.RX_POSTED];
  }

  /** Slot of the `k`-th frame of the current wake-up. */
  slotOf(k: number): number {
    const slot = this.status[Status.RX_HEAD] + k;
    return slot >= this.batch ? slot - this.batch : slot;
  }

  /** The buffer posted in `slot`. */
  bufferAt(slot: number): PacketBuffer {
    return this.slots[slot] as PacketBuffer;
  }

  /** The room of the buffer posted in `slot`. */
  roomAt(slot: number): number {
    return this.rooms[slot];
  }

  /** The first `count` posted buffers now belong to someone else: forget them. */
  consume(count: number): void {
    const status = this.status;
    let slot = status[Status.RX_HEAD];
    for (let k = 0; k < count; k++) {
      this.slots[slot] = null;
      if (++slot === this.batch) slot = 0;
    }
    status[Status.RX_HEAD] = slot;
    status[Status.RX_POSTED] -= count;
  }

  /**
   * Post fresh buffers from `sink` into every free slot, each with room for at least `length`
   * bytes (frames longer than a buffer's room are still read whole, see the addon). Stops early,
   * without error, when the sink cannot give a buffer; the next wake-up tries again.
   */
  refill(sink: LinkDriverSink, length: number, handle: NativeTapHandle): void {
    const status = this.status;
    const batch = this.batch;
    const posted = status[Status.RX_POSTED];
    if (posted === batch) return;
    let slot = status[Status.RX_HEAD] + posted;
    if (slot >= batch) slot -= batch;
    const first = slot;
    const fresh = this.fresh;
    let n = 0;
    while (posted + n < batch) {
      let b: PacketBuffer;
      try {
        b = sink.allocate(length);
      } catch {
        break;
      }
      const room = b.data.length - b.start;
      if (room < length) {
        b.release();
        break;
      }
      this.slots[slot] = b;
      this.starts[slot] = b.start;
      this.rooms[slot] = room;
      fresh[n++] = b.data;
      if (++slot === batch) slot = 0;
    }
    if (n === 0) return;
    try {
      if (n === 1) handle.post(first, 1, fresh[0]);
      else handle.post(first, n, ...fresh);
    } catch (e) {
      this.drop(first, n);
      throw e;
    }
    status[Status.RX_POSTED] = posted + n;
  }

  /** Release every posted buffer (the driver is closing; the addon no longer reads). */
  releaseAll(): void {
    const posted = this.status[Status.RX_POSTED];
    this.drop(this.status[Status.RX_HEAD], posted);
    this.status[Status.RX_POSTED] = 0;
  }

  private drop(first: number, count: number): void {
    let slot = first;
    for (let k = 0; k < count; k++) {
      this.slots[slot]?.release();
      this.slots[slot] = null;
      if (++slot === this.batch) slot = 0;
    }
  }
}
