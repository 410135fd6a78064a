// A driver whose far end the test drives by hand: inject IPv6 packets (wrapped in the ptp header)
// and read what the stack sent.
import type { LinkDriver, LinkDriverSink, LinkDriverStats, PacketBuffer } from '@stack/core';

export class RawDriver implements LinkDriver {
  readonly kind = 'raw';
  readonly hardwareAddress = null;
  readonly linkUp = true;
  readonly stats: LinkDriverStats = { rxFrames: 0, rxBytes: 0, txFrames: 0, txBytes: 0, txDropped: 0, rxDropped: 0 };
  /** IPv6 packets sent by the stack (ptp header removed). */
  readonly sent: Uint8Array[] = [];
  /** The ptp flags byte of each sent packet. */
  readonly sentFlags: number[] = [];
  private sink: LinkDriverSink | null = null;
  constructor(
    readonly name: string,
    readonly mtu = 1500,
  ) {}
  start(sink: LinkDriverSink): void {
    this.sink = sink;
  }
  send(frames: readonly PacketBuffer[], count: number): void {
    for (let i = 0; i < count; i++) {
      const f = frames[i];
      this.sentFlags.push(f.data[f.start]);
      this.sent.push(f.data.slice(f.start + 3, f.end));
      f.release();
    }
  }
  /** Deliver IPv6 packets to the stack in one batch; `linkFlags` as the ptp flags byte. */
  inject(packets: Uint8Array[], linkFlags = 0): void {
    const sink = this.sink!;
    const bufs = packets.map((p) => {
      const b = sink.allocate(p.length + 3);
      b.data[b.start] = linkFlags;
      b.data[b.start + 1] = 0x86;
      b.data[b.start + 2] = 0xdd;
      b.data.set(p, b.start + 3);
      b.end = b.start + 3 + p.length;
      return b;
    });
    sink.receive(bufs, bufs.length);
  }
  /** Take and forget what was sent. */
  take(): Uint8Array[] {
    this.sentFlags.length = 0;
    return this.sent.splice(0);
  }
  async close(): Promise<void> {}
}
