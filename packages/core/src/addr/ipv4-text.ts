import { AddressError } from './address-error.js';

const CHAR_0 = 0x30;
const CHAR_9 = 0x39;
const CHAR_DOT = 0x2e;

// Failure codes of scanIpv4 (negative, so any result >= 0 is an address).
const WRONG_PART_COUNT = -1;
const EMPTY_PART = -2;
const NOT_A_DIGIT = -3;
const PART_TOO_LARGE = -4;
const LEADING_ZERO = -5;

/**
 * Scans strict dotted-quad text in `text[start..end)`: exactly four decimal parts 0..255, no
 * leading zeros (inet_pton's rule: `010` would be octal to inet_aton, so it is ambiguous).
 * Returns the address as an unsigned 32-bit integer, or a negative failure code for
 * {@link ipv4ScanFailure}. Does not allocate.
 * @internal
 */
export function scanIpv4(text: string, start: number, end: number): number {
  let value = 0;
  let parts = 0;
  let i = start;
  for (;;) {
    const partStart = i;
    let part = 0;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c === CHAR_DOT) break;
      if (c < CHAR_0 || c > CHAR_9) return NOT_A_DIGIT;
      part = part * 10 + (c - CHAR_0);
      if (part > 255) return PART_TOO_LARGE;
      i++;
    }
    if (i === partStart) return EMPTY_PART;
    if (i - partStart > 1 && text.charCodeAt(partStart) === CHAR_0) return LEADING_ZERO;
    if (parts === 4) return WRONG_PART_COUNT;
    value = value * 256 + part;
    parts++;
    if (i === end) break;
    i++; // skip the dot
  }
  return parts === 4 ? value : WRONG_PART_COUNT;
}

/**
 * Human-readable reason for a negative result of {@link scanIpv4}.
 * @internal
 */
export function ipv4ScanFailure(code: number): string {
  switch (code) {
    case WRONG_PART_COUNT:
      return 'expected 4 parts';
    case EMPTY_PART:
      return 'empty part';
    case NOT_A_DIGIT:
      return 'parts must be decimal numbers';
    case PART_TOO_LARGE:
      return 'part greater than 255';
    case LEADING_ZERO:
      return 'leading zero in a part (ambiguous octal)';
    default:
      return 'malformed';
  }
}

/**
 * Parses dotted-quad text (`192.0.2.1`) to an unsigned 32-bit integer.
 * Strict: exactly four decimal parts 0..255, no leading zeros, no surrounding spaces.
 * @throws {@link AddressError} naming the reason.
 * @public
 */
export function parseIpv4(text: string): number {
  const value = scanIpv4(text, 0, text.length);
  if (value < 0) throw new AddressError('IPv4 address', text, ipv4ScanFailure(value));
  return value;
}

/**
 * Like {@link parseIpv4} but returns -1 instead of throwing (an unsigned address is never -1).
 * @public
 */
export function tryParseIpv4(text: string): number {
  const value = scanIpv4(text, 0, text.length);
  return value < 0 ? -1 : value;
}

/**
 * Formats an unsigned (or signed) 32-bit integer as dotted-quad text.
 * @public
 */
export function formatIpv4(value: number): string {
  return `${(value >>> 24) & 0xff}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
}
