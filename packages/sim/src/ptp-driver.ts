import type { LinkDriver, LinkDriverSink, LinkDriverStats, PacketBuffer } from '@stack/core';
import { PTP_HEADER_LENGTH } from './ptp-link.js';
import { RawDriver } from './raw-driver.js';

/**
 * Options of a {@link PtpDriver}.
 * @public
 */
export interface PtpDriverOptions {
  /** Link protocol (ethertype) of the packets `inject` delivers, e.g. 0x0800 or 0x86dd. */
  readonly protocol: number;
  /** Default `'raw0'`. */
  readonly name?: string;
  /** Default 1500. */
  readonly mtu?: number;
}

/**
 * A hand-driven driver for an interface of type `'ptp'` ({@link ptpLinkModule}) that speaks in
 * network packets: `inject` wraps packets in the ptp header for `protocol`, `sent` holds the
 * packets the stack sent with the header removed and `sentFlags` their link flags byte.
 * @public
 */
export class PtpDriver implements LinkDriver {
  readonly kind = 'raw';
  readonly hardwareAddress = null;
  readonly linkUp = true;
  /** Packets sent by the stack (ptp header removed), oldest first. */
  readonly sent: Uint8Array[] = [];
  /** The ptp flags byte of each sent packet. */
  readonly sentFlags: number[] = [];
  private readonly frames: RawDriver;
  private readonly protocol: number;

  constructor(options: PtpDriverOptions) {
    this.frames = new RawDriver({ name: options.name, mtu: options.mtu });
    this.protocol = options.protocol;
  }

  get name(): string {
    return this.frames.name;
  }

  get mtu(): number {
    return this.frames.mtu;
  }

  get stats(): LinkDriverStats {
    return this.frames.stats;
  }

  start(sink: LinkDriverSink): void {
    this.frames.start(sink);
  }

  send(frames: readonly PacketBuffer[], count: number): void {
    for (let i = 0; i < count; i++) {
      const f = frames[i];
      this.sentFlags.push(f.data[f.start]);
      this.sent.push(f.data.slice(f.start + PTP_HEADER_LENGTH, f.end));
      f.release();
    }
  }

  /** Deliver network packets to the stack in one batch; `linkFlags` as the ptp flags byte. */
  inject(packets: readonly Uint8Array[], linkFlags = 0): void {
    const frames = packets.map((p) => {
      const frame = new Uint8Array(PTP_HEADER_LENGTH + p.length);
      frame[0] = linkFlags;
      frame[1] = this.protocol >> 8;
      frame[2] = this.protocol & 0xff;
      frame.set(p, PTP_HEADER_LENGTH);
      return frame;
    });
    this.frames.inject(...frames);
  }

  /** Take and forget what was sent. */
  take(): Uint8Array[] {
    this.sentFlags.length = 0;
    return this.sent.splice(0);
  }

  async close(): Promise<void> {}
}
