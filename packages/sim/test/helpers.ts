import { PacketBuffer, PacketPool, type LinkDriver, type LinkDriverSink } from '@stack/core';

/** A frame as a test sink saw it. */
export interface ReceivedFrame {
  bytes: Uint8Array;
  timeMs: number;
}

/** A LinkDriverSink that records everything, with an optional hook to answer frames. */
export class RecordingSink implements LinkDriverSink {
  readonly pool = new PacketPool({ bufferSize: 2048 });
  readonly frames: ReceivedFrame[] = [];
  /** Size of each `receive` call. */
  readonly batches: number[] = [];
  readonly linkEvents: boolean[] = [];
  onFrame: ((bytes: Uint8Array) => void) | null = null;

  constructor(private readonly now: () => number) {}

  allocate(length: number): PacketBuffer {
    return this.pool.alloc(length, 0);
  }

  receive(frames: readonly PacketBuffer[], count: number): void {
    this.batches.push(count);
    for (let i = 0; i < count; i++) {
      const bytes = frames[i].view().slice();
      frames[i].release();
      this.frames.push({ bytes, timeMs: this.now() });
      this.onFrame?.(bytes);
    }
  }

  linkStateChanged(up: boolean): void {
    this.linkEvents.push(up);
  }
}

/** Start `driver` with a new recording sink. */
export function record(driver: LinkDriver, now: () => number): RecordingSink {
  const sink = new RecordingSink(now);
  driver.start(sink);
  return sink;
}

/** Send copies of `frames` in one batch. */
export function send(driver: LinkDriver, ...frames: Uint8Array[]): void {
  driver.send(
    frames.map((bytes) => PacketBuffer.from(bytes)),
    frames.length,
  );
}

/** Parse `aa:bb:cc:dd:ee:ff`. */
export function mac(text: string): Uint8Array {
  return Uint8Array.from(text.split(':').map((part) => parseInt(part, 16)));
}

/** An Ethernet frame `dst ← src` of `length` bytes with ethertype 0x88b5 (local experimental) and a sequence number. */
export function ethernetFrame(dst: Uint8Array, src: Uint8Array, sequence = 0, length = 64): Uint8Array {
  const frame = new Uint8Array(length);
  frame.set(dst, 0);
  frame.set(src, 6);
  frame[12] = 0x88;
  frame[13] = 0xb5;
  new DataView(frame.buffer).setUint32(14, sequence);
  for (let i = 18; i < length; i++) frame[i] = (i * 7 + sequence) & 0xff;
  return frame;
}

/** The sequence number written by {@link ethernetFrame}. */
export function sequenceOf(frame: Uint8Array): number {
  return new DataView(frame.buffer, frame.byteOffset).getUint32(14);
}

export const BROADCAST = mac('ff:ff:ff:ff:ff:ff');
