/**
 * The rate limiter of one direction: a line of fixed bit rate fed by a bounded FIFO. It only
 * computes when each frame finishes serialization; the frames themselves wait in the scheduler.
 * @internal
 */
export class LineSerializer {
  /** Finish times of frames on the line or waiting, oldest first (ring buffer). */
  private readonly finishTimes: Float64Array;
  private head = 0;
  private count = 0;
  /** When the line becomes free, ms. */
  private busyUntil = Number.NEGATIVE_INFINITY;
  private readonly msPerByte: number;

  constructor(bitsPerSecond: number, queueLimit: number) {
    this.msPerByte = 8000 / bitsPerSecond;
    // One frame on the line plus `queueLimit` waiting behind it.
    this.finishTimes = new Float64Array(queueLimit + 1);
  }

  /**
   * Enqueue a frame of `length` bytes arriving at `now`. Returns when it has been fully sent, or
   * NaN when the queue is full and the frame is tail-dropped.
   */
  enqueue(now: number, length: number): number {
    const capacity = this.finishTimes.length;
    while (this.count > 0 && this.finishTimes[this.head] <= now) {
      this.head = (this.head + 1) % capacity;
      this.count--;
    }
    if (this.count === capacity) return Number.NaN;
    const start = this.busyUntil > now ? this.busyUntil : now;
    const finish = start + length * this.msPerByte;
    this.busyUntil = finish;
    this.finishTimes[(this.head + this.count) % capacity] = finish;
    this.count++;
    return finish;
  }
}
