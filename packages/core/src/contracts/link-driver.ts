import type { PacketBuffer } from '../buffer/packet-buffer.js';

/**
 * The seam between a stack and the outside world (DESIGN.md §8): an in-memory link, a Linux TAP
 * device, and later others. One contract, several back ends.
 *
 * Frames are whole link-layer frames (for Ethernet: destination MAC first, no FCS).
 * Everything is batched: a driver hands the stack many frames per call and accepts many per call.
 *
 * Capabilities beyond this contract are separate interfaces a driver may also implement, found by
 * checking for their members: {@link FrameTap} (frames can be observed, e.g. for a capture).
 * @public
 */
export interface LinkDriver {
  /** Back-end kind, e.g. `'sim'` or `'tap'`. */
  readonly kind: string;
  /** Name of the underlying device (e.g. the TAP name), for listings. */
  readonly name: string;
  /** Largest payload the link carries, excluding the link header (1500 for Ethernet). */
  readonly mtu: number;
  /** The hardware address the device was created with, or null for links without one. */
  readonly hardwareAddress: Uint8Array | null;
  /** Whether the link currently has carrier. */
  readonly linkUp: boolean;
  /**
   * Begin delivering frames and link-state changes to `sink`. Called once by the interface that
   * owns the driver.
   */
  start(sink: LinkDriverSink): void;
  /**
   * Queue `count` frames from `frames[0..count)` for transmission. The driver takes ownership of
   * every buffer and releases it once written or dropped. A driver with a full queue waits for the
   * device to become writable; beyond its bounded queue it drops and counts (`stats.txDropped`).
   */
  send(frames: readonly PacketBuffer[], count: number): void;
  /** Counters kept by the driver itself. */
  readonly stats: LinkDriverStats;
  /** Stop receiving first, flush or drop what is queued, then release the device. */
  close(): Promise<void>;
}

/**
 * Which way a frame crossed a driver: `'tx'` for a frame the stack sent through it, `'rx'` for a
 * frame it delivered to the stack. Each driver documents the exact point where it observes (a
 * simulated device before or after its impairment, a TAP driver once the device accepted the
 * frame).
 * @public
 */
export type FrameDirection = 'tx' | 'rx';

/**
 * Watches the frames crossing a driver, like a capture on that interface: `bytes[offset ..
 * offset + length)` is one whole link-layer frame, `timeMs` the time it crossed in the driver's
 * clock (milliseconds; a real device uses the Unix epoch). `bytes` belongs to the driver and is only
 * valid during the call: copy what you keep, and never modify it.
 * @public
 */
export type FrameObserver = (
  direction: FrameDirection,
  bytes: Uint8Array,
  offset: number,
  length: number,
  timeMs: number,
) => void;

/**
 * The capability to show the frames crossing a driver to observers, e.g. for a pcap capture. A
 * {@link LinkDriver} that has it implements this interface too; a consumer checks for it with
 * `typeof driver.observe === 'function'`. Observing must cost nothing measurable while no observer is
 * attached.
 * @public
 */
export interface FrameTap {
  /**
   * Start calling `observer` for every frame, in both directions, until the returned function is
   * called. Several observers may watch at once.
   */
  observe(observer: FrameObserver): () => void;
}

/** @public */
export interface LinkDriverStats {
  rxFrames: number;
  rxBytes: number;
  txFrames: number;
  txBytes: number;
  /** Frames dropped on transmit because the driver's queue was full or the link was down. */
  txDropped: number;
  /** Frames the device delivered that the driver could not pass on (too large, no buffer). */
  rxDropped: number;
}

/**
 * What a driver talks to. Implemented by the stack's interface; a driver never sees a stack.
 * @public
 */
export interface LinkDriverSink {
  /** A buffer from the stack's pool with room for `length` bytes of frame and no headroom needed. */
  allocate(length: number): PacketBuffer;
  /** Hand `count` received frames to the stack; ownership of each buffer passes to the stack. */
  receive(frames: readonly PacketBuffer[], count: number): void;
  /** Carrier changed. */
  linkStateChanged(up: boolean): void;
}
