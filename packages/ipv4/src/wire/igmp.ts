import {
  IGMP_MIN_LENGTH,
  IGMPV3_QUERY_MIN_LENGTH,
  IGMPV3_RECORD_HEADER_LENGTH,
  IGMPV3_REPORT_HEADER_LENGTH,
  IgmpType,
} from './igmp-constants.js';
import { type IgmpFailure, IgmpPacketView } from './igmp-view.js';

/**
 * A Membership Query of any version (RFC 1112, RFC 2236 §2, RFC 3376 §4.1). The version follows
 * from the wire (RFC 3376 §7.1): version 1 has Max Resp Code 0 and 8 bytes, version 2 a non-zero
 * Max Resp Code and 8 bytes, version 3 twelve bytes or more. The IGMPv3 fields (`suppress`, `qrv`,
 * `qqic`, `sources`) are false, 0 and empty for the older versions.
 * @public
 */
export interface IgmpQuery {
  /** Discriminator. */
  kind: 'query';
  /** IGMP version of the query (RFC 3376 §7.1). */
  version: 1 | 2 | 3;
  /** Max Resp Code: 0 for version 1, 1..255 tenths of a second for version 2, a code for version 3. */
  maxRespCode: number;
  /** Group Address, unsigned 32-bit: 0 in a general query. */
  group: number;
  /** S flag: routers suppress their timer updates (RFC 3376 §4.1.5). */
  suppress: boolean;
  /** Querier's Robustness Variable, 0..7. */
  qrv: number;
  /** Querier's Query Interval Code, 0..255. */
  qqic: number;
  /** Source addresses of a group-and-source-specific query, unsigned 32-bit. */
  sources: number[];
}

/**
 * One group record of an IGMPv3 report (RFC 3376 §4.2.4).
 * @public
 */
export interface IgmpGroupRecord {
  /** Record type ({@link IgmpRecordType}). */
  type: number;
  /** Multicast address, unsigned 32-bit. */
  group: number;
  /** Source addresses, unsigned 32-bit. */
  sources: number[];
  /** Auxiliary data (a copy; a multiple of 4 bytes, at most 1020; hosts send none, RFC 3376 §4.2.10). */
  auxData: Uint8Array;
}

/**
 * An IGMPv3 Membership Report (RFC 3376 §4.2).
 * @public
 */
export interface IgmpV3Report {
  /** Discriminator. */
  kind: 'v3-report';
  /** The group records, in order. */
  records: IgmpGroupRecord[];
}

/**
 * An IGMPv1 report (RFC 1112), IGMPv2 report or IGMPv2 Leave Group (RFC 2236 §2): eight bytes naming
 * a group. The second byte is sent as 0 and ignored on receipt, as are bytes after the eighth.
 * @public
 */
export interface IgmpGroupMessage {
  /** Version 1 Membership Report (0x12), Version 2 Membership Report (0x16) or Leave Group (0x17). */
  kind: 'v1-report' | 'v2-report' | 'v2-leave';
  /** Group Address, unsigned 32-bit. */
  group: number;
}

/**
 * Any other IGMP type (DVMRP, mtrace, ...), kept raw.
 * @public
 */
export interface IgmpOtherMessage {
  /** Discriminator. */
  kind: 'other';
  /** Message type. */
  type: number;
  /** Second byte. */
  code: number;
  /** Bytes after the checksum (a copy; at least 4). */
  data: Uint8Array;
}

/**
 * An IGMP message as a plain object, discriminated by `kind`.
 * @public
 */
export type IgmpMessage = IgmpQuery | IgmpV3Report | IgmpGroupMessage | IgmpOtherMessage;

/**
 * A message {@link parseIgmp} refused.
 * @public
 */
export interface IgmpParseError {
  /** Why it was refused. */
  error: IgmpFailure;
}

const GROUP_KINDS: Record<number, IgmpGroupMessage['kind']> = {
  [IgmpType.V1_MEMBERSHIP_REPORT]: 'v1-report',
  [IgmpType.V2_MEMBERSHIP_REPORT]: 'v2-report',
  [IgmpType.V2_LEAVE_GROUP]: 'v2-leave',
};

const GROUP_TYPES: Record<IgmpGroupMessage['kind'], number> = {
  'v1-report': IgmpType.V1_MEMBERSHIP_REPORT,
  'v2-report': IgmpType.V2_MEMBERSHIP_REPORT,
  'v2-leave': IgmpType.V2_LEAVE_GROUP,
};

/**
 * Parses the IGMP message filling `[offset, offset + length)` (the whole IP payload). Never throws.
 * Pass `verifyChecksum = false` when the checksum was already verified.
 * @public
 */
export function parseIgmp(bytes: Uint8Array, offset: number, length: number, verifyChecksum = true): IgmpMessage | IgmpParseError {
  const view = new IgmpPacketView(bytes, offset, length);
  const failure = view.check(verifyChecksum);
  if (failure !== null) return { error: failure };
  const type = view.type;
  if (type === IgmpType.MEMBERSHIP_QUERY) {
    const version = view.queryVersion;
    const sources: number[] = [];
    for (let i = 0; i < view.sourceCount; i++) sources.push(view.source(i));
    return {
      kind: 'query',
      version,
      maxRespCode: view.code,
      group: view.group,
      suppress: view.suppress,
      qrv: view.qrv,
      qqic: view.qqic,
      sources,
    };
  }
  if (type === IgmpType.V3_MEMBERSHIP_REPORT) return { kind: 'v3-report', records: records(bytes, view) };
  const kind = GROUP_KINDS[type];
  if (kind !== undefined) return { kind, group: view.group };
  return { kind: 'other', type, code: view.code, data: bytes.slice(offset + 4, offset + length) };
}

function records(bytes: Uint8Array, view: IgmpPacketView): IgmpGroupRecord[] {
  const out: IgmpGroupRecord[] = [];
  let at = view.recordsOffset;
  for (let r = 0; r < view.recordCount; r++) {
    const aux = 4 * bytes[at + 1];
    const n = (bytes[at + 2] << 8) | bytes[at + 3];
    const sources: number[] = [];
    for (let i = 0; i < n; i++) sources.push(read32(bytes, at + IGMPV3_RECORD_HEADER_LENGTH + 4 * i));
    const auxAt = at + IGMPV3_RECORD_HEADER_LENGTH + 4 * n;
    out.push({ type: bytes[at], group: read32(bytes, at + 4), sources, auxData: bytes.slice(auxAt, auxAt + aux) });
    at = auxAt + aux;
  }
  return out;
}

/**
 * Length in bytes of one IGMPv3 group record.
 * @public
 */
export function igmpRecordLength(record: IgmpGroupRecord): number {
  return IGMPV3_RECORD_HEADER_LENGTH + 4 * record.sources.length + record.auxData.length;
}

/**
 * Length in bytes of the message `message` describes.
 * @public
 */
export function igmpLength(message: IgmpMessage): number {
  switch (message.kind) {
    case 'query':
      return message.version === 3 ? IGMPV3_QUERY_MIN_LENGTH + 4 * message.sources.length : IGMP_MIN_LENGTH;
    case 'v3-report': {
      let n = IGMPV3_REPORT_HEADER_LENGTH;
      for (const r of message.records) n += igmpRecordLength(r);
      return n;
    }
    case 'other':
      return 4 + message.data.length;
    default:
      return IGMP_MIN_LENGTH;
  }
}

/**
 * Writes `message` at `offset` and returns its length. The checksum is computed unless
 * `fillChecksum` is false (then 0 is written). Throws a `RangeError` for what cannot be encoded —
 * a version 2 query with Max Resp Code 0 (it would read as version 1), more than 65 535 sources or
 * records, auxiliary data that is not a multiple of 4 bytes or exceeds 1020, an `other` message
 * with fewer than 4 data bytes: programming errors, not input.
 * @public
 */
export function emitIgmp(message: IgmpMessage, bytes: Uint8Array, offset: number, fillChecksum = true): number {
  const length = igmpLength(message);
  const b = bytes;
  const o = offset;
  b.fill(0, o, o + length);
  switch (message.kind) {
    case 'query': {
      b[o] = IgmpType.MEMBERSHIP_QUERY;
      write32(b, o + 4, message.group);
      if (message.version === 1) break;
      if (message.version === 2) {
        if ((message.maxRespCode & 0xff) === 0) throw new RangeError('IGMPv2 query: maxRespCode must be 1..255 (0 is an IGMPv1 query)');
        b[o + 1] = message.maxRespCode;
        break;
      }
      if (message.sources.length > 0xffff) throw new RangeError('IGMPv3 query: at most 65535 sources');
      b[o + 1] = message.maxRespCode;
      b[o + 8] = (message.suppress ? 0x08 : 0) | (message.qrv & 0x07);
      b[o + 9] = message.qqic;
      b[o + 10] = message.sources.length >>> 8;
      b[o + 11] = message.sources.length;
      message.sources.forEach((s, i) => write32(b, o + IGMPV3_QUERY_MIN_LENGTH + 4 * i, s));
      break;
    }
    case 'v3-report': {
      if (message.records.length > 0xffff) throw new RangeError('IGMPv3 report: at most 65535 records');
      b[o] = IgmpType.V3_MEMBERSHIP_REPORT;
      b[o + 6] = message.records.length >>> 8;
      b[o + 7] = message.records.length;
      let at = o + IGMPV3_REPORT_HEADER_LENGTH;
      for (const r of message.records) at += writeIgmpRecord(b, at, r.type, r.group, r.sources, r.auxData);
      break;
    }
    case 'other':
      if (message.data.length < 4) throw new RangeError('IGMP message: at least 4 data bytes (8 in all)');
      b[o] = message.type;
      b[o + 1] = message.code;
      b.set(message.data, o + 4);
      break;
    default:
      b[o] = GROUP_TYPES[message.kind];
      write32(b, o + 4, message.group);
  }
  if (fillChecksum) new IgmpPacketView(b, o, length).fillChecksum();
  return length;
}

/**
 * Writes one IGMPv3 group record at `at` and returns its length. The host's report builder calls it
 * directly with no sources and no auxiliary data. Throws a `RangeError` for more than 65 535 sources
 * or auxiliary data that is not a multiple of 4 bytes or exceeds 1020.
 * @public
 */
export function writeIgmpRecord(bytes: Uint8Array, at: number, type: number, group: number, sources: readonly number[] = [], auxData: Uint8Array = EMPTY): number {
  if (auxData.length % 4 !== 0 || auxData.length > 255 * 4) throw new RangeError('IGMPv3 record: auxiliary data must be a multiple of 4 bytes, at most 1020');
  if (sources.length > 0xffff) throw new RangeError('IGMPv3 record: at most 65535 sources');
  bytes[at] = type;
  bytes[at + 1] = auxData.length / 4;
  bytes[at + 2] = sources.length >>> 8;
  bytes[at + 3] = sources.length;
  write32(bytes, at + 4, group);
  let p = at + IGMPV3_RECORD_HEADER_LENGTH;
  for (const s of sources) {
    write32(bytes, p, s);
    p += 4;
  }
  bytes.set(auxData, p);
  return p + auxData.length - at;
}

const EMPTY = new Uint8Array(0);

function read32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

function write32(b: Uint8Array, at: number, value: number): void {
  b[at] = value >>> 24;
  b[at + 1] = value >>> 16;
  b[at + 2] = value >>> 8;
  b[at + 3] = value;
}
