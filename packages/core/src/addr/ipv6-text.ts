import { formatIpv4, ipv4ScanFailure, scanIpv4 } from './ipv4-text.js';

const CHAR_COLON = 0x3a;
const CHAR_DOT = 0x2e;
const CHAR_PERCENT = 0x25;
/** `ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255` */
const MAX_TEXT_LENGTH = 45;

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57; // a-f
  if (c >= 0x41 && c <= 0x46) return c - 0x37; // A-F
  return -1;
}

/**
 * Parses IPv6 text (RFC 4291 §2.2: eight groups of 1-4 hex digits, at most one `::` standing for
 * one or more zero groups, optionally a dotted-quad IPv4 address as the last 32 bits) into
 * `out[offset..offset+16)`. Zone indices (`%eth0`) are rejected. Returns null on success or the
 * reason it failed (then `out` holds garbage). Allocates only on failure.
 * @internal
 */
export function scanIpv6(text: string, out: Uint8Array, offset: number): string | null {
  const len = text.length;
  if (len === 0) return 'empty';
  if (len > MAX_TEXT_LENGTH) return 'too long';
  let groups = 0;
  let gapAt = -1; // number of groups written before the "::"
  let i = 0;
  if (text.charCodeAt(0) === CHAR_COLON) {
    if (text.charCodeAt(1) !== CHAR_COLON) return 'leading single ":"';
    gapAt = 0;
    i = 2;
  }
  while (i < len) {
    let end = i;
    let hasDot = false;
    while (end < len) {
      const c = text.charCodeAt(end);
      if (c === CHAR_COLON) break;
      if (c === CHAR_DOT) hasDot = true;
      else if (c === CHAR_PERCENT) return 'zone index not supported';
      end++;
    }
    if (end === i) return 'empty group (":::")';
    if (hasDot) {
      if (end !== len) return 'embedded IPv4 address must be last';
      if (groups > 6) return 'too many groups';
      const v4 = scanIpv4(text, i, end);
      if (v4 < 0) return `embedded IPv4 address: ${ipv4ScanFailure(v4)}`;
      const at = offset + groups * 2;
      out[at] = v4 >>> 24;
      out[at + 1] = v4 >>> 16;
      out[at + 2] = v4 >>> 8;
      out[at + 3] = v4;
      groups += 2;
      i = end;
      break;
    }
    if (end - i > 4) return `group "${text.slice(i, end)}" has more than 4 hex digits`;
    if (groups === 8) return 'too many groups';
    let word = 0;
    for (let k = i; k < end; k++) {
      const d = hexDigit(text.charCodeAt(k));
      if (d < 0) return `group "${text.slice(i, end)}" is not hexadecimal`;
      word = (word << 4) | d;
    }
    out[offset + groups * 2] = word >>> 8;
    out[offset + groups * 2 + 1] = word;
    groups++;
    if (end === len) {
      i = end;
      break;
    }
    // At a ':'; a second one opens the gap.
    if (text.charCodeAt(end + 1) === CHAR_COLON) {
      if (gapAt >= 0) return 'more than one "::"';
      gapAt = groups;
      i = end + 2;
    } else {
      i = end + 1;
      if (i === len) return 'trailing single ":"';
    }
  }
  if (gapAt < 0) {
    if (groups !== 8) return `expected 8 groups, got ${groups}`;
    return null;
  }
  if (groups > 7) return 'too many groups with "::"';
  // Move the groups after the gap to the end and zero the gap.
  const tailBytes = (groups - gapAt) * 2;
  const gapStart = offset + gapAt * 2;
  out.copyWithin(offset + 16 - tailBytes, gapStart, gapStart + tailBytes);
  out.fill(0, gapStart, offset + 16 - tailBytes);
  return null;
}

/**
 * Formats the 16 bytes at `bytes[offset..offset+16)` as RFC 5952 §4 text: lowercase hex, no
 * leading zeros, the longest run of two or more zero groups shortened to `::` (the first run on
 * ties, never a single group), and IPv4-mapped addresses as `::ffff:a.b.c.d` (§5).
 * @internal
 */
export function formatIpv6(bytes: ArrayLike<number>, offset: number): string {
  const word = (i: number): number => (bytes[offset + 2 * i] << 8) | bytes[offset + 2 * i + 1];
  let allZeroBeforeMapped = true;
  for (let i = 0; i < 5; i++) if (word(i) !== 0) allZeroBeforeMapped = false;
  if (allZeroBeforeMapped && word(5) === 0xffff) {
    const v4 = ((word(6) << 16) | word(7)) >>> 0;
    return `::ffff:${formatIpv4(v4)}`;
  }
  // Longest run of zero groups; strict '>' keeps the first on ties (RFC 5952 §4.2.3).
  let bestStart = -1;
  let bestLength = 1; // a run must be at least 2 groups (§4.2.2)
  let runStart = -1;
  for (let i = 0; i <= 8; i++) {
    if (i < 8 && word(i) === 0) {
      if (runStart < 0) runStart = i;
    } else if (runStart >= 0) {
      if (i - runStart > bestLength) {
        bestStart = runStart;
        bestLength = i - runStart;
      }
      runStart = -1;
    }
  }
  let text = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      text += '::';
      i += bestLength - 1;
      continue;
    }
    if (text.length > 0 && !text.endsWith(':')) text += ':';
    text += word(i).toString(16);
  }
  return text;
}
