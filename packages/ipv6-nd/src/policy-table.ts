import { commonPrefixLengthAt } from './address-bytes.js';

interface PolicyEntry {
  readonly prefix: Uint8Array;
  readonly length: number;
  readonly precedence: number;
  readonly label: number;
}

function entry(words: number[], length: number, precedence: number, label: number): PolicyEntry {
  const prefix = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    prefix[2 * i] = words[i] >>> 8;
    prefix[2 * i + 1] = words[i] & 0xff;
  }
  return { prefix, length, precedence, label };
}

/**
 * The default policy table of RFC 6724 §2.1, longest prefix first so the first match is the
 * longest.
 */
const DEFAULT_POLICY: readonly PolicyEntry[] = [
  entry([0, 0, 0, 0, 0, 0, 0, 1], 128, 50, 0),
  entry([0, 0, 0, 0, 0, 0xffff, 0, 0], 96, 35, 4),
  entry([0, 0, 0, 0, 0, 0, 0, 0], 96, 1, 3),
  entry([0x2001, 0, 0, 0, 0, 0, 0, 0], 32, 5, 5),
  entry([0x2002, 0, 0, 0, 0, 0, 0, 0], 16, 30, 2),
  entry([0x3ffe, 0, 0, 0, 0, 0, 0, 0], 16, 1, 12),
  entry([0xfec0, 0, 0, 0, 0, 0, 0, 0], 10, 1, 11),
  entry([0xfc00, 0, 0, 0, 0, 0, 0, 0], 7, 3, 13),
  entry([0, 0, 0, 0, 0, 0, 0, 0], 0, 40, 1),
];

function lookup(b: Uint8Array, o: number): PolicyEntry {
  for (let i = 0; i < DEFAULT_POLICY.length; i++) {
    const e = DEFAULT_POLICY[i];
    if (commonPrefixLengthAt(e.prefix, 0, b, o) >= e.length) return e;
  }
  return DEFAULT_POLICY[DEFAULT_POLICY.length - 1];
}

/** Label(A) of the default policy table (RFC 6724 §2.1). */
export function policyLabel(b: Uint8Array, o: number): number {
  return lookup(b, o).label;
}

/** Precedence(A) of the default policy table (RFC 6724 §2.1). */
export function policyPrecedence(b: Uint8Array, o: number): number {
  return lookup(b, o).precedence;
}
