/**
 * Which way a frame crossed a simulated device: `'tx'` when the stack sent it (seen before any
 * impairment), `'rx'` when it was delivered to the stack (after impairment).
 * @public
 */
export type FrameDirection = 'tx' | 'rx';

/**
 * Watches the frames crossing a device, like a capture on that interface. `bytes` is only valid
 * during the call: copy what you keep.
 * @public
 */
export type FrameObserver = (direction: FrameDirection, bytes: Uint8Array, offset: number, length: number, timeMs: number) => void;

/**
 * Anything frames can be observed on. Simulated devices implement it; other drivers may too.
 * @public
 */
export interface FrameTap {
  /** Start calling `observer` for every frame; returns the function that stops it. */
  observe(observer: FrameObserver): () => void;
}
