import { isValidRegion } from '@stack/core';
import { areIpv6OptionsWellFormed, ipv6OptionLength, ipv6Options, Ipv6OptionType, type Ipv6Option } from './ipv6-options.js';

/**
 * Why an extension header was refused:
 * - `'truncated'`: the header (by its length field) runs past the bytes given;
 * - `'bad-options'`: an option's length runs past the end of its header (Hop-by-Hop and
 *   Destination Options only);
 * - `'bad-length'`: a length field inconsistent with the header type.
 * @public
 */
export type Ipv6ExtensionFailure = 'truncated' | 'bad-options' | 'bad-length';

/**
 * An extension header the parsers refused.
 * @public
 */
export interface Ipv6ExtensionParseError {
  error: Ipv6ExtensionFailure;
}

/**
 * A Hop-by-Hop Options or Destination Options header (RFC 8200 §4.3, §4.6) as a plain object. The
 * options are kept verbatim, padding included, so a parsed header emits to the same bytes.
 * @public
 */
export interface Ipv6OptionsHeader {
  nextHeader: number;
  options: Ipv6Option[];
}

/**
 * Parses the options header at `[offset, offset + length)`; `length` may extend past the header
 * (the rest of the packet). Never throws.
 * @public
 */
export function parseIpv6OptionsHeader(bytes: Uint8Array, offset: number, length: number): Ipv6OptionsHeader | Ipv6ExtensionParseError {
  if (!isValidRegion(bytes, offset, length) || length < 2) return { error: 'truncated' };
  const headerLength = (bytes[offset + 1] + 1) << 3;
  if (headerLength > length) return { error: 'truncated' };
  if (!areIpv6OptionsWellFormed(bytes, offset + 2, headerLength - 2)) return { error: 'bad-options' };
  return { nextHeader: bytes[offset], options: [...ipv6Options(bytes, offset + 2, headerLength - 2)] };
}

/**
 * Length in bytes of the header `header` describes: its options, padded to a multiple of 8.
 * @public
 */
export function ipv6OptionsHeaderLength(header: Ipv6OptionsHeader): number {
  let length = 2;
  for (const o of header.options) length += ipv6OptionLength(o);
  return (length + 7) & ~7;
}

/**
 * Writes `header` at `offset`, padding the options to a multiple of 8 bytes with Pad1 or PadN,
 * and returns its length. Throws a RangeError for an option with more than 255 bytes of data or a
 * header above 2048 bytes: programming errors, not input.
 * @public
 */
export function emitIpv6OptionsHeader(header: Ipv6OptionsHeader, bytes: Uint8Array, offset: number): number {
  const length = ipv6OptionsHeaderLength(header);
  if (length > 2048) throw new RangeError('IPv6 options header longer than 2048 bytes');
  bytes[offset] = header.nextHeader;
  bytes[offset + 1] = (length >>> 3) - 1;
  let at = offset + 2;
  for (const o of header.options) {
    bytes[at++] = o.type;
    if (o.type === Ipv6OptionType.PAD1) continue;
    if (o.data.length > 255) throw new RangeError(`IPv6 option ${o.type} has ${o.data.length} bytes of data (at most 255)`);
    bytes[at++] = o.data.length;
    bytes.set(o.data, at);
    at += o.data.length;
  }
  const end = offset + length;
  const missing = end - at;
  if (missing === 1) bytes[at] = Ipv6OptionType.PAD1;
  else if (missing > 1) {
    bytes[at] = Ipv6OptionType.PADN;
    bytes[at + 1] = missing - 2;
    bytes.fill(0, at + 2, end);
  }
  return length;
}
