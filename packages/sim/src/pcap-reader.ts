import { PCAP_FILE_HEADER_LENGTH, PCAP_MAGIC_MICROSECONDS, PCAP_MAGIC_NANOSECONDS, PCAP_RECORD_HEADER_LENGTH } from './pcap-format.js';

/**
 * The file header of a classic pcap.
 * @public
 */
export interface PcapHeader {
  /** Byte order the file was written in. */
  readonly littleEndian: boolean;
  /** Whether timestamps carry nanoseconds (magic 0xa1b23c4d) rather than microseconds. */
  readonly nanoseconds: boolean;
  /** Format version, 2 for every classic pcap. */
  readonly versionMajor: number;
  /** Format version, 4 for every classic pcap. */
  readonly versionMinor: number;
  /** GMT offset field; 0 in practice. */
  readonly thisZone: number;
  /** Longest frame part the capture kept. */
  readonly snaplen: number;
  /** LINKTYPE_* of every record, 1 for Ethernet. */
  readonly linkType: number;
}

/**
 * One captured frame.
 * @public
 */
export interface PcapRecord {
  /** Whole seconds of the timestamp. */
  readonly seconds: number;
  /** Sub-second part: microseconds, or nanoseconds when the header says so. */
  readonly fraction: number;
  /** The timestamp in milliseconds. */
  readonly timeMs: number;
  /** Length of the frame on the wire. */
  readonly originalLength: number;
  /** The captured bytes (a view into the input). */
  readonly data: Uint8Array;
}

/**
 * What {@link readPcap} found: every record, or the records before the first problem and what it was.
 * @public
 */
export type PcapReadResult =
  | { readonly ok: true; readonly header: PcapHeader; readonly records: PcapRecord[] }
  | { readonly ok: false; readonly error: string; readonly header: PcapHeader | null; readonly records: PcapRecord[] };

/**
 * Reads a classic pcap (either byte order, micro- or nanosecond timestamps) record by record.
 * Never throws on bad input: `error` says what was wrong and `next()` then returns null.
 * @public
 */
export class PcapReader {
  /** The file header, or null when it could not be read. */
  readonly header: PcapHeader | null;
  private failure: string | null = null;
  private readonly view: DataView;
  private offset = PCAP_FILE_HEADER_LENGTH;
  private index = 0;

  /** @param bytes - the whole file */
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.header = this.readHeader();
  }

  /** Why reading stopped early, or null while everything read was well formed. */
  get error(): string | null {
    return this.failure;
  }

  /** The next record, or null at the end of the file or after an error. */
  next(): PcapRecord | null {
    const header = this.header;
    if (header === null || this.failure !== null || this.offset === this.bytes.length) return null;
    const at = this.offset;
    if (this.bytes.length - at < PCAP_RECORD_HEADER_LENGTH) return this.fail(`record ${this.index}: truncated record header at byte ${at}`);
    const little = header.littleEndian;
    const seconds = this.view.getUint32(at, little);
    const fraction = this.view.getUint32(at + 4, little);
    const captured = this.view.getUint32(at + 8, little);
    const originalLength = this.view.getUint32(at + 12, little);
    const fractionLimit = header.nanoseconds ? 1_000_000_000 : 1_000_000;
    if (fraction >= fractionLimit) return this.fail(`record ${this.index}: sub-second field ${fraction} out of range`);
    if (captured > header.snaplen) return this.fail(`record ${this.index}: captured length ${captured} exceeds snaplen ${header.snaplen}`);
    if (captured > originalLength) return this.fail(`record ${this.index}: captured length ${captured} exceeds original length ${originalLength}`);
    const dataStart = at + PCAP_RECORD_HEADER_LENGTH;
    if (this.bytes.length - dataStart < captured) return this.fail(`record ${this.index}: truncated data at byte ${dataStart}`);
    this.offset = dataStart + captured;
    this.index++;
    const timeMs = seconds * 1000 + fraction / (header.nanoseconds ? 1_000_000 : 1000);
    return { seconds, fraction, timeMs, originalLength, data: this.bytes.subarray(dataStart, dataStart + captured) };
  }

  private readHeader(): PcapHeader | null {
    if (this.bytes.length < PCAP_FILE_HEADER_LENGTH) {
      this.failure = `file header truncated: ${this.bytes.length} of ${PCAP_FILE_HEADER_LENGTH} bytes`;
      return null;
    }
    const view = this.view;
    let littleEndian: boolean;
    const magic = view.getUint32(0, true);
    if (magic === PCAP_MAGIC_MICROSECONDS || magic === PCAP_MAGIC_NANOSECONDS) littleEndian = true;
    else if (view.getUint32(0, false) === PCAP_MAGIC_MICROSECONDS || view.getUint32(0, false) === PCAP_MAGIC_NANOSECONDS) littleEndian = false;
    else {
      this.failure = `not a classic pcap: magic 0x${magic.toString(16).padStart(8, '0')}`;
      return null;
    }
    const nanoseconds = view.getUint32(0, littleEndian) === PCAP_MAGIC_NANOSECONDS;
    return {
      littleEndian,
      nanoseconds,
      versionMajor: view.getUint16(4, littleEndian),
      versionMinor: view.getUint16(6, littleEndian),
      thisZone: view.getInt32(8, littleEndian),
      snaplen: view.getUint32(16, littleEndian),
      linkType: view.getUint32(20, littleEndian),
    };
  }

  private fail(message: string): null {
    this.failure = message;
    return null;
  }
}

/**
 * Read a whole classic pcap from memory.
 * @public
 */
export function readPcap(bytes: Uint8Array): PcapReadResult {
  const reader = new PcapReader(bytes);
  const records: PcapRecord[] = [];
  for (let record = reader.next(); record !== null; record = reader.next()) records.push(record);
  const header = reader.header;
  if (reader.error !== null || header === null) return { ok: false, error: reader.error ?? 'no header', header, records };
  return { ok: true, header, records };
}
