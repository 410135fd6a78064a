import { NdMessageType } from './nd-constants.js';

/** One multicast address record of an MLDv2 report (RFC 3810 §5.2.4). @public */
export interface MldAddressRecord {
  /** {@link MldRecordType}. */
  readonly type: number;
  readonly group: Uint8Array;
  readonly sources: readonly Uint8Array[];
  /** Auxiliary data (a multiple of 4 bytes; hosts send none, RFC 3810 §5.2.10). */
  readonly auxData: Uint8Array;
}

/** An MLDv2 Multicast Listener Report (RFC 3810 §5.2). @public */
export interface MldReport {
  readonly records: readonly MldAddressRecord[];
}

/** Why an MLDv2 report was refused: shorter than its header or than its records announce, or not type 143. @public */
export type MldReportFailure = 'truncated' | 'wrong-type';

/** Fixed part of a report and of one record. @public */
export const MLDV2_REPORT_HEADER_LENGTH = 8;
/** @public */
export const MLDV2_RECORD_HEADER_LENGTH = 20;

/** Parses an MLDv2 report. Never throws. @public */
export function parseMldReport(bytes: Uint8Array, offset: number, length: number): MldReport | { error: MldReportFailure } {
  if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < MLDV2_REPORT_HEADER_LENGTH || offset + length > bytes.length) return { error: 'truncated' };
  if (bytes[offset] !== NdMessageType.MLDV2_REPORT) return { error: 'wrong-type' };
  const count = (bytes[offset + 6] << 8) | bytes[offset + 7];
  const end = offset + length;
  let at = offset + MLDV2_REPORT_HEADER_LENGTH;
  const records: MldAddressRecord[] = [];
  for (let r = 0; r < count; r++) {
    if (at + MLDV2_RECORD_HEADER_LENGTH > end) return { error: 'truncated' };
    const aux = bytes[at + 1] * 4;
    const n = (bytes[at + 2] << 8) | bytes[at + 3];
    const size = MLDV2_RECORD_HEADER_LENGTH + 16 * n + aux;
    if (at + size > end) return { error: 'truncated' };
    const sources: Uint8Array[] = [];
    for (let i = 0; i < n; i++) sources.push(bytes.slice(at + 20 + 16 * i, at + 36 + 16 * i));
    records.push({ type: bytes[at], group: bytes.slice(at + 4, at + 20), sources, auxData: bytes.slice(at + 20 + 16 * n, at + size) });
    at += size;
  }
  return { records };
}

/** Bytes of one record. @public */
export function mldRecordLength(record: MldAddressRecord): number {
  return MLDV2_RECORD_HEADER_LENGTH + 16 * record.sources.length + record.auxData.length;
}

/** Bytes of `report` on the wire. @public */
export function mldReportLength(report: MldReport): number {
  let n = MLDV2_REPORT_HEADER_LENGTH;
  for (const r of report.records) n += mldRecordLength(r);
  return n;
}

/**
 * Writes `report` (zero checksum) and returns its length. Throws RangeError for auxiliary data
 * that is not a multiple of 4 bytes or addresses that are not 16 bytes (programming errors).
 * @public
 */
export function emitMldReport(report: MldReport, bytes: Uint8Array, offset: number): number {
  bytes.fill(0, offset, offset + MLDV2_REPORT_HEADER_LENGTH);
  bytes[offset] = NdMessageType.MLDV2_REPORT;
  bytes[offset + 6] = report.records.length >>> 8;
  bytes[offset + 7] = report.records.length;
  let at = offset + MLDV2_REPORT_HEADER_LENGTH;
  for (const r of report.records) at += writeMldRecord(bytes, at, r.type, r.group, 0, r.sources, r.auxData);
  return at - offset;
}

/**
 * Writes one record with the group at `group[groupOffset..+16)`; returns its length. The host's
 * report builder calls it directly with no sources and no auxiliary data.
 * @public
 */
export function writeMldRecord(
  bytes: Uint8Array,
  at: number,
  type: number,
  group: Uint8Array,
  groupOffset: number,
  sources: readonly Uint8Array[] = [],
  auxData: Uint8Array = EMPTY,
): number {
  if (auxData.length % 4 !== 0 || auxData.length > 255 * 4) throw new RangeError('MLD record: auxiliary data must be a multiple of 4 bytes, at most 1020');
  bytes[at] = type;
  bytes[at + 1] = auxData.length / 4;
  bytes[at + 2] = sources.length >>> 8;
  bytes[at + 3] = sources.length;
  for (let i = 0; i < 16; i++) bytes[at + 4 + i] = group[groupOffset + i];
  let p = at + 20;
  for (const s of sources) {
    if (s.length !== 16) throw new RangeError('MLD record: sources must be 16 bytes');
    bytes.set(s, p);
    p += 16;
  }
  bytes.set(auxData, p);
  return p + auxData.length - at;
}

const EMPTY = new Uint8Array(0);
