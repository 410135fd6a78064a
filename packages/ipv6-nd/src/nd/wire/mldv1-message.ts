import { NdMessageType } from './nd-constants.js';

/** An MLDv1 Report or Done (RFC 2710 §3), sent in MLDv1 compatibility mode (RFC 3810 §8.2). @public */
export interface Mldv1Message {
  readonly type: typeof NdMessageType.MLDV1_REPORT | typeof NdMessageType.MLDV1_DONE;
  readonly maxResponseDelay: number;
  readonly group: Uint8Array;
}

/** MLDv1 message length. @public */
export const MLDV1_LENGTH = 24;

/** Parses an MLDv1 Report or Done. Never throws. @public */
export function parseMldv1(bytes: Uint8Array, offset: number, length: number): Mldv1Message | { error: 'truncated' | 'wrong-type' } {
  if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < MLDV1_LENGTH || offset + length > bytes.length) return { error: 'truncated' };
  const type = bytes[offset];
  if (type !== NdMessageType.MLDV1_REPORT && type !== NdMessageType.MLDV1_DONE) return { error: 'wrong-type' };
  return { type, maxResponseDelay: (bytes[offset + 4] << 8) | bytes[offset + 5], group: bytes.slice(offset + 8, offset + 24) };
}

/** Writes an MLDv1 message with the group at `group[groupOffset..+16)`; returns 24. @public */
export function emitMldv1(type: number, group: Uint8Array, groupOffset: number, bytes: Uint8Array, offset: number, maxResponseDelay = 0): number {
  bytes.fill(0, offset, offset + MLDV1_LENGTH);
  bytes[offset] = type;
  bytes[offset + 4] = maxResponseDelay >>> 8;
  bytes[offset + 5] = maxResponseDelay;
  for (let i = 0; i < 16; i++) bytes[offset + 8 + i] = group[groupOffset + i];
  return MLDV1_LENGTH;
}
