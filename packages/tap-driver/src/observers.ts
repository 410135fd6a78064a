// The observers of a driver's frames (the core FrameTap capability). The list is replaced, never
// changed in place, so the I/O paths read it once per batch and an observer that stops another (or
// itself) mid-batch cannot disturb the loop; with nobody observing, the cost is one length check
// per batch.
import type { FrameDirection, FrameObserver, PacketBuffer } from '@stack/core';

const NONE: readonly FrameObserver[] = Object.freeze([]);

/** Wall-clock milliseconds since the Unix epoch, with sub-millisecond resolution (for pcap). */
function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** @internal */
export class ObserverList {
  /** The current observers; empty (length 0) when nobody observes. */
  list: readonly FrameObserver[] = NONE;

  /** Add `observer`; returns the function that removes it (once; later calls do nothing). */
  add(observer: FrameObserver): () => void {
    if (typeof observer !== 'function') throw new TypeError('observe: the observer must be a function');
    this.list = [...this.list, observer];
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      const i = this.list.indexOf(observer);
      if (i >= 0) this.list = this.list.length === 1 ? NONE : [...this.list.slice(0, i), ...this.list.slice(i + 1)];
    };
  }

  /**
   * Show frames[0..count) to every observer, with one time stamp for the batch. `lengths`, when
   * given, overrides each frame's length, and frames whose length there is 0 are skipped (they
   * never crossed the device). An observer that throws is reported as an uncaught exception after
   * the batch, and the batch's frames are not shown again.
   */
  notify(
    observers: readonly FrameObserver[],
    direction: FrameDirection,
    frames: readonly PacketBuffer[],
    count: number,
    lengths: Uint32Array | null,
  ): void {
    const now = epochMs();
    try {
      for (let i = 0; i < count; i++) {
        const b = frames[i];
        const length = lengths === null ? b.end - b.start : lengths[i];
        if (length === 0) continue;
        for (let o = 0; o < observers.length; o++) observers[o](direction, b.data, b.start, length, now);
      }
    } catch (e) {
      queueMicrotask(() => {
        throw e;
      });
    }
  }
}
