import type { LinkDriver, LinkDriverSink, LinkDriverStats, PacketBuffer } from '@stack/core';

/**
 * Options of a {@link RawDriver}.
 * @public
 */
export interface RawDriverOptions {
  /** Default `'raw0'`. */
  readonly name?: string;
  /** Default 1500. */
  readonly mtu?: number;
  /** Default none (null). */
  readonly hardwareAddress?: Uint8Array | null;
}

/**
 * A driver whose far end a test drives by hand: `inject` hands frames to the stack in one batch,
 * `sent` records (copies of) the frames the stack sent, `take` empties it. Kind `'raw'`, link
 * always up. For tests of a link layer and hostile input.
 * @public
 */
export class RawDriver implements LinkDriver {
  readonly kind = 'raw';
  readonly name: string;
  readonly mtu: number;
  readonly hardwareAddress: Uint8Array | null;
  readonly linkUp = true;
  readonly stats: LinkDriverStats = { rxFrames: 0, rxBytes: 0, txFrames: 0, txBytes: 0, txDropped: 0, rxDropped: 0 };
  /** Frames sent by the stack, oldest first. */
  readonly sent: Uint8Array[] = [];
  private sink: LinkDriverSink | null = null;

  constructor(options: RawDriverOptions = {}) {
    this.name = options.name ?? 'raw0';
    this.mtu = options.mtu ?? 1500;
    this.hardwareAddress = options.hardwareAddress ?? null;
  }

  start(sink: LinkDriverSink): void {
    this.sink = sink;
  }

  send(frames: readonly PacketBuffer[], count: number): void {
    for (let i = 0; i < count; i++) {
      this.sent.push(frames[i].data.slice(frames[i].start, frames[i].end));
      frames[i].release();
    }
  }

  /** Deliver `frames` to the stack in one batch. */
  inject(...frames: Uint8Array[]): void {
    const sink = this.sink;
    if (sink === null) throw new Error(`${this.name}: not started (add it to an interface first)`);
    const bufs = frames.map((f) => {
      const b = sink.allocate(f.length);
      b.copyFrom(f);
      return b;
    });
    sink.receive(bufs, bufs.length);
  }

  /** Take and forget what was sent. */
  take(): Uint8Array[] {
    return this.sent.splice(0);
  }

  async close(): Promise<void> {}
}
