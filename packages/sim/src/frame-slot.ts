/**
 * Where a scheduled frame goes when it falls due: one direction of a link, which counts it and
 * hands it on. The bytes are only valid during the call.
 * @internal
 */
export interface FrameDestination {
  deliverFrame(bytes: Uint8Array, length: number): void;
}

/**
 * A frame in flight: a private copy of its bytes, its delivery time and destination. Slots are
 * pooled by the scheduler and their byte arrays reused, so steady traffic allocates nothing.
 * @internal
 */
export class FrameSlot {
  bytes: Uint8Array;
  length = 0;
  /** Delivery time, ms. */
  due = 0;
  /** Scheduling order, to deliver frames due at the same time in the order they were sent. */
  seq = 0;
  /** Position in the scheduler's heap, -1 when not in it. */
  heapIndex = -1;
  destination: FrameDestination | null = null;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(capacity);
  }

  /** Make room for `length` bytes, keeping the array when it is large enough. */
  reserve(length: number): void {
    if (this.bytes.length < length) this.bytes = new Uint8Array(Math.max(length, this.bytes.length * 2));
    this.length = length;
  }
}
