import { NdOptionType, PrefixFlags } from './nd-constants.js';
import type { NdOptionFailure } from './nd-option-scan.js';

/** A link-layer address option (RFC 4861 §4.6.1); `address` fills the body (padding included when it is not a multiple of 8 minus 2). @public */
export interface LinkAddressOption {
  readonly type: 'source-link-address' | 'target-link-address';
  readonly address: Uint8Array;
}

/** Prefix Information (RFC 4861 §4.6.2); lifetimes in seconds, 0xffffffff is infinity. @public */
export interface PrefixInformationOption {
  readonly type: 'prefix-information';
  readonly prefixLength: number;
  readonly onLink: boolean;
  readonly autonomous: boolean;
  /** The remaining flag bits (reserved1), kept for a faithful round trip. */
  readonly otherFlags: number;
  readonly validLifetime: number;
  readonly preferredLifetime: number;
  readonly prefix: Uint8Array;
}

/** Redirected Header (RFC 4861 §4.6.3): as much of the redirected packet as fits, padded to 8 bytes. @public */
export interface RedirectedHeaderOption {
  readonly type: 'redirected-header';
  readonly data: Uint8Array;
}

/** MTU (RFC 4861 §4.6.4). @public */
export interface MtuOption {
  readonly type: 'mtu';
  readonly mtu: number;
}

/** Nonce (RFC 3971 §5.3.2), sent in DAD solicitations to recognise looped-back probes (RFC 7527). @public */
export interface NonceOption {
  readonly type: 'nonce';
  readonly nonce: Uint8Array;
}

/** Recursive DNS Server (RFC 8106 §5.1): parsed for listings, otherwise ignored. @public */
export interface RdnssOption {
  readonly type: 'rdnss';
  /** Seconds. */
  readonly lifetime: number;
  readonly servers: readonly Uint8Array[];
}

/** Any other option: its type code and body (after type and length). @public */
export interface UnknownNdOption {
  readonly type: 'unknown';
  readonly code: number;
  readonly body: Uint8Array;
}

/** An ND option as a plain object. @public */
export type NdOption =
  | LinkAddressOption
  | PrefixInformationOption
  | RedirectedHeaderOption
  | MtuOption
  | NonceOption
  | RdnssOption
  | UnknownNdOption;

function read32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

function write32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = v >>> 16;
  b[at + 2] = v >>> 8;
  b[at + 3] = v;
}

/**
 * Parses the options at `bytes[from..end)`. Never throws: returns a failure for a zero length, an
 * option running past `end`, or a known option of the wrong size.
 * @public
 */
export function parseNdOptions(bytes: Uint8Array, from: number, end: number): NdOption[] | { error: NdOptionFailure } {
  const out: NdOption[] = [];
  let at = from;
  while (at < end) {
    if (at + 2 > end) return { error: 'option-overrun' };
    const code = bytes[at];
    const units = bytes[at + 1];
    if (units === 0) return { error: 'zero-option-length' };
    const length = units * 8;
    if (at + length > end) return { error: 'option-overrun' };
    const body = at + 2;
    const option = parseOne(bytes, code, units, body, at + length);
    if (option === null) return { error: 'bad-option' };
    out.push(option);
    at += length;
  }
  return out;
}

function parseOne(bytes: Uint8Array, code: number, units: number, body: number, end: number): NdOption | null {
  switch (code) {
    case NdOptionType.SOURCE_LINK_ADDRESS:
      return { type: 'source-link-address', address: bytes.slice(body, end) };
    case NdOptionType.TARGET_LINK_ADDRESS:
      return { type: 'target-link-address', address: bytes.slice(body, end) };
    case NdOptionType.PREFIX_INFORMATION: {
      if (units !== 4) return null;
      const flags = bytes[body + 1];
      return {
        type: 'prefix-information',
        prefixLength: bytes[body],
        onLink: (flags & PrefixFlags.ON_LINK) !== 0,
        autonomous: (flags & PrefixFlags.AUTONOMOUS) !== 0,
        otherFlags: flags & ~(PrefixFlags.ON_LINK | PrefixFlags.AUTONOMOUS) & 0xff,
        validLifetime: read32(bytes, body + 2),
        preferredLifetime: read32(bytes, body + 6),
        prefix: bytes.slice(body + 14, body + 30),
      };
    }
    case NdOptionType.REDIRECTED_HEADER:
      return { type: 'redirected-header', data: bytes.slice(body + 6, end) };
    case NdOptionType.MTU:
      if (units !== 1) return null;
      return { type: 'mtu', mtu: read32(bytes, body + 2) };
    case NdOptionType.NONCE:
      return { type: 'nonce', nonce: bytes.slice(body, end) };
    case NdOptionType.RDNSS: {
      // RFC 8106 §5.1: length 3 + 2 per server, at least one server.
      if (units < 3 || (units - 1) % 2 !== 0) return null;
      const servers: Uint8Array[] = [];
      for (let s = body + 6; s + 16 <= end; s += 16) servers.push(bytes.slice(s, s + 16));
      return { type: 'rdnss', lifetime: read32(bytes, body + 2), servers };
    }
    default:
      return { type: 'unknown', code, body: bytes.slice(body, end) };
  }
}

/** Bytes `option` takes on the wire (a multiple of 8). @public */
export function ndOptionLength(option: NdOption): number {
  switch (option.type) {
    case 'source-link-address':
    case 'target-link-address':
      return roundUp8(2 + option.address.length);
    case 'prefix-information':
      return 32;
    case 'redirected-header':
      return 8 + roundUp8(option.data.length);
    case 'mtu':
      return 8;
    case 'nonce':
      return roundUp8(2 + option.nonce.length);
    case 'rdnss':
      return 8 + 16 * option.servers.length;
    case 'unknown':
      return roundUp8(2 + option.body.length);
  }
}

function roundUp8(n: number): number {
  return (n + 7) & ~7;
}

/**
 * Writes `option` at `offset` (padding with zeros) and returns the bytes written. Throws a
 * RangeError for an option that cannot be encoded (longer than 2040 bytes, a prefix that is not 16
 * bytes, an RDNSS without servers) — a programming error.
 * @public
 */
export function emitNdOption(option: NdOption, bytes: Uint8Array, offset: number): number {
  const length = ndOptionLength(option);
  if (length > 255 * 8) throw new RangeError(`ND option ${option.type} is ${length} bytes, more than 2040`);
  bytes.fill(0, offset, offset + length);
  const body = offset + 2;
  bytes[offset + 1] = length / 8;
  switch (option.type) {
    case 'source-link-address':
    case 'target-link-address':
      bytes[offset] = option.type === 'source-link-address' ? NdOptionType.SOURCE_LINK_ADDRESS : NdOptionType.TARGET_LINK_ADDRESS;
      bytes.set(option.address, body);
      break;
    case 'prefix-information':
      if (option.prefix.length !== 16) throw new RangeError('prefix-information: prefix must be 16 bytes');
      bytes[offset] = NdOptionType.PREFIX_INFORMATION;
      bytes[body] = option.prefixLength;
      bytes[body + 1] = (option.onLink ? PrefixFlags.ON_LINK : 0) | (option.autonomous ? PrefixFlags.AUTONOMOUS : 0) | (option.otherFlags & 0x3f);
      write32(bytes, body + 2, option.validLifetime);
      write32(bytes, body + 6, option.preferredLifetime);
      bytes.set(option.prefix, body + 14);
      break;
    case 'redirected-header':
      bytes[offset] = NdOptionType.REDIRECTED_HEADER;
      bytes.set(option.data, body + 6);
      break;
    case 'mtu':
      bytes[offset] = NdOptionType.MTU;
      write32(bytes, body + 2, option.mtu);
      break;
    case 'nonce':
      bytes[offset] = NdOptionType.NONCE;
      bytes.set(option.nonce, body);
      break;
    case 'rdnss':
      if (option.servers.length === 0) throw new RangeError('rdnss: at least one server');
      bytes[offset] = NdOptionType.RDNSS;
      write32(bytes, body + 2, option.lifetime);
      option.servers.forEach((s, i) => bytes.set(s, body + 6 + 16 * i));
      break;
    case 'unknown':
      bytes[offset] = option.code;
      bytes.set(option.body, body);
      break;
  }
  return length;
}

