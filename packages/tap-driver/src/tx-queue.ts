// The transmit queue of a driver: a bounded ring of buffers waiting for the device, oldest first.
import type { PacketBuffer } from '@stack/core';

/** @internal */
export class TxQueue {
  private readonly ring: (PacketBuffer | undefined)[];
  private head = 0;
  private count = 0;

  constructor(readonly limit: number) {
    this.ring = new Array<PacketBuffer | undefined>(limit).fill(undefined);
  }

  /** Buffers waiting. */
  get size(): number {
    return this.count;
  }

  /** Append `b`; false (and nothing changes) when the queue is full. */
  push(b: PacketBuffer): boolean {
    if (this.count === this.limit) return false;
    let tail = this.head + this.count;
    if (tail >= this.limit) tail -= this.limit;
    this.ring[tail] = b;
    this.count++;
    return true;
  }

  /** The `i`-th waiting buffer, 0 being the oldest; `i` must be below `size`. */
  at(i: number): PacketBuffer {
    let idx = this.head + i;
    if (idx >= this.limit) idx -= this.limit;
    return this.ring[idx] as PacketBuffer;
  }

  /** Remove and return the oldest buffer, or undefined when empty. */
  shift(): PacketBuffer | undefined {
    if (this.count === 0) return undefined;
    const b = this.ring[this.head];
    this.ring[this.head] = undefined;
    this.head = this.head + 1 === this.limit ? 0 : this.head + 1;
    this.count--;
    return b;
  }
}
