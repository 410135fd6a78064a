import type { FrameDirection, FrameTap } from './frame-observer.js';
import { LINKTYPE_ETHERNET, PCAP_FILE_HEADER_LENGTH, PCAP_MAGIC_MICROSECONDS, PCAP_RECORD_HEADER_LENGTH } from './pcap-format.js';

/**
 * Where a {@link PcapWriter} puts its bytes, in order. Each chunk is a fresh array the sink may
 * keep. Apps append to a file; tests use a {@link MemorySink}.
 * @public
 */
export type PcapSink = (chunk: Uint8Array) => void;

/**
 * Options for {@link PcapWriter}.
 * @public
 */
export interface PcapWriterOptions {
  /** Longest part of a frame kept. Default 65535. */
  snaplen?: number;
  /** Link type of the file. Default {@link LINKTYPE_ETHERNET}. */
  linkType?: number;
}

/**
 * Options for {@link PcapWriter.tap}.
 * @public
 */
export interface PcapTapOptions {
  /** Which frames to capture. Default both directions. */
  direction?: FrameDirection | 'both';
}

/**
 * Writes a classic libpcap capture (version 2.4, microsecond timestamps, little-endian), the format
 * every tool reads. The file header is written at construction, so an empty capture is valid.
 * @public
 */
export class PcapWriter {
  /** Longest part of a frame kept. */
  readonly snaplen: number;
  private written = 0;

  /**
   * @param sink - receives the file, chunk by chunk
   * @param options - see {@link PcapWriterOptions}
   */
  constructor(
    private readonly sink: PcapSink,
    options: PcapWriterOptions = {},
  ) {
    const snaplen = options.snaplen ?? 65535;
    if (!Number.isInteger(snaplen) || snaplen < 1) throw new RangeError(`PcapWriter: snaplen must be a positive integer, got ${snaplen}`);
    this.snaplen = snaplen;
    const header = new Uint8Array(PCAP_FILE_HEADER_LENGTH);
    const view = new DataView(header.buffer);
    view.setUint32(0, PCAP_MAGIC_MICROSECONDS, true);
    view.setUint16(4, 2, true);
    view.setUint16(6, 4, true);
    // thiszone and sigfigs (bytes 8..15) stay 0, as every modern writer leaves them.
    view.setUint32(16, snaplen, true);
    view.setUint32(20, options.linkType ?? LINKTYPE_ETHERNET, true);
    sink(header);
  }

  /** Frames written so far. */
  get framesWritten(): number {
    return this.written;
  }

  /**
   * Append one frame captured at `timeMs` (clock milliseconds, at least 0), truncated to the
   * snaplen if longer.
   */
  writeFrame(timeMs: number, bytes: Uint8Array, offset = 0, length = bytes.length - offset): void {
    const captured = Math.min(length, this.snaplen);
    const record = new Uint8Array(PCAP_RECORD_HEADER_LENGTH + captured);
    const view = new DataView(record.buffer);
    const totalMicroseconds = Math.max(0, Math.round(timeMs * 1000));
    const seconds = Math.floor(totalMicroseconds / 1_000_000);
    view.setUint32(0, seconds >>> 0, true);
    view.setUint32(4, totalMicroseconds - seconds * 1_000_000, true);
    view.setUint32(8, captured, true);
    view.setUint32(12, length, true);
    record.set(bytes.subarray(offset, offset + captured), PCAP_RECORD_HEADER_LENGTH);
    this.sink(record);
    this.written++;
  }

  /**
   * Capture every frame crossing `device` (a {@link SimEndpoint} or any {@link FrameTap}), with the
   * time it crossed. Returns the function that stops the capture. Tapping both ends of a cable
   * records each frame twice, once per end, as two captures would.
   */
  tap(device: FrameTap, options: PcapTapOptions = {}): () => void {
    const wanted = options.direction ?? 'both';
    return device.observe((direction, bytes, offset, length, timeMs) => {
      if (wanted === 'both' || wanted === direction) this.writeFrame(timeMs, bytes, offset, length);
    });
  }
}
