import { ByteView, isValidRegion } from '@stack/core';
import { mldMaxResponseDelay } from './mld-codes.js';
import { NdMessageType } from './nd-constants.js';

/** MLDv1 Query length (RFC 2710 §3; RFC 3810 §8.1 tells versions apart by length). @public */
export const MLDV1_QUERY_LENGTH = 24;
/** Smallest MLDv2 Query (RFC 3810 §5.1). @public */
export const MLDV2_QUERY_MIN_LENGTH = 28;

/**
 * Why a Multicast Listener Query was not read: `'truncated'` (shorter than 24 bytes or than its
 * sources), `'wrong-type'`, `'bad-length'` (25–27 bytes: neither version, RFC 3810 §8.1).
 * @public
 */
export type MldQueryFailure = 'truncated' | 'wrong-type' | 'bad-length';

/**
 * A Multicast Listener Query of either version (RFC 3810 §5.1, RFC 2710 §3.6): `version` is 1 for
 * a 24-byte message, 2 for 28 bytes or more. Check after every reset.
 * @public
 */
export class MldQueryView extends ByteView {
  check(): MldQueryFailure | null {
    if (!isValidRegion(this._bytes, this._offset, this._length) || this._length < MLDV1_QUERY_LENGTH) return 'truncated';
    if (this._bytes[this._offset] !== NdMessageType.MLD_QUERY) return 'wrong-type';
    if (this._length === MLDV1_QUERY_LENGTH) return null;
    if (this._length < MLDV2_QUERY_MIN_LENGTH) return 'bad-length';
    if (this._length < MLDV2_QUERY_MIN_LENGTH + 16 * this.sourceCount) return 'truncated';
    return null;
  }

  get version(): 1 | 2 {
    return this._length === MLDV1_QUERY_LENGTH ? 1 : 2;
  }
  get code(): number {
    return this._bytes[this._offset + 1];
  }
  /** Maximum Response Code (v2) / Maximum Response Delay (v1). */
  get maxResponseCode(): number {
    return this.read16(4);
  }
  /** Maximum Response Delay in ms (RFC 3810 §5.1.3; v1 carries ms directly). */
  get maxResponseDelay(): number {
    return this.version === 1 ? this.maxResponseCode : mldMaxResponseDelay(this.maxResponseCode);
  }
  /** Absolute offset of the multicast address (:: for a general query). */
  get groupOffset(): number {
    return this._offset + 8;
  }
  /** Whether the multicast address is :: (a general query). */
  get isGeneral(): boolean {
    const b = this._bytes;
    for (let i = this._offset + 8; i < this._offset + 24; i++) if (b[i] !== 0) return false;
    return true;
  }
  /** S flag (v2): suppress router-side processing. */
  get suppress(): boolean {
    return this.version === 2 && (this._bytes[this._offset + 24] & 0x08) !== 0;
  }
  /** Querier's Robustness Variable (v2), 0 when absent. */
  get qrv(): number {
    return this.version === 2 ? this._bytes[this._offset + 24] & 0x07 : 0;
  }
  /** Querier's Query Interval Code (v2). */
  get qqic(): number {
    return this.version === 2 ? this._bytes[this._offset + 25] : 0;
  }
  /** Number of sources (v2). */
  get sourceCount(): number {
    return this._length >= MLDV2_QUERY_MIN_LENGTH ? this.read16(26) : 0;
  }
  /** Absolute offset of the first source address (v2). */
  get sourcesOffset(): number {
    return this._offset + 28;
  }
}

/** A Multicast Listener Query as a plain object. @public */
export interface MldQuery {
  readonly version: 1 | 2;
  readonly code: number;
  readonly maxResponseCode: number;
  readonly group: Uint8Array;
  readonly suppress: boolean;
  readonly qrv: number;
  readonly qqic: number;
  readonly sources: readonly Uint8Array[];
}

/** Parses a query of either version. Never throws. @public */
export function parseMldQuery(bytes: Uint8Array, offset: number, length: number): MldQuery | { error: MldQueryFailure } {
  const view = new MldQueryView(bytes, offset, length);
  const failure = view.check();
  if (failure !== null) return { error: failure };
  const sources: Uint8Array[] = [];
  for (let i = 0; i < view.sourceCount; i++) sources.push(bytes.slice(view.sourcesOffset + 16 * i, view.sourcesOffset + 16 * i + 16));
  return {
    version: view.version,
    code: view.code,
    maxResponseCode: view.maxResponseCode,
    group: bytes.slice(view.groupOffset, view.groupOffset + 16),
    suppress: view.suppress,
    qrv: view.qrv,
    qqic: view.qqic,
    sources,
  };
}

/** Bytes of `query` on the wire. @public */
export function mldQueryLength(query: MldQuery): number {
  return query.version === 1 ? MLDV1_QUERY_LENGTH : MLDV2_QUERY_MIN_LENGTH + 16 * query.sources.length;
}

/** Writes `query` (zero checksum) and returns its length. @public */
export function emitMldQuery(query: MldQuery, bytes: Uint8Array, offset: number): number {
  const length = mldQueryLength(query);
  bytes.fill(0, offset, offset + length);
  bytes[offset] = NdMessageType.MLD_QUERY;
  bytes[offset + 1] = query.code;
  bytes[offset + 4] = query.maxResponseCode >>> 8;
  bytes[offset + 5] = query.maxResponseCode;
  bytes.set(query.group, offset + 8);
  if (query.version === 2) {
    bytes[offset + 24] = (query.suppress ? 0x08 : 0) | (query.qrv & 7);
    bytes[offset + 25] = query.qqic;
    bytes[offset + 26] = query.sources.length >>> 8;
    bytes[offset + 27] = query.sources.length;
    query.sources.forEach((s, i) => bytes.set(s, offset + 28 + 16 * i));
  }
  return length;
}
