import { ND_FIXED_LENGTH, NdMessageType } from './nd-constants.js';
import type { NdMessageFailure } from './nd-message-view.js';
import { emitNdOption, type NdOption, ndOptionLength, parseNdOptions } from './nd-option.js';
import type { NdOptionFailure } from './nd-option-scan.js';

/** Router Solicitation (RFC 4861 §4.1). @public */
export interface RouterSolicitation {
  readonly kind: 'router-solicitation';
  readonly code: number;
  readonly options: readonly NdOption[];
}

/** Router Advertisement (RFC 4861 §4.2); times as on the wire (lifetime s, others ms). @public */
export interface RouterAdvertisement {
  readonly kind: 'router-advertisement';
  readonly code: number;
  readonly curHopLimit: number;
  /** The flags byte: M 0x80, O 0x40, RFC 4191 preference in bits 0x18. */
  readonly flags: number;
  readonly routerLifetime: number;
  readonly reachableTime: number;
  readonly retransTimer: number;
  readonly options: readonly NdOption[];
}

/** Neighbor Solicitation (RFC 4861 §4.3). @public */
export interface NeighborSolicitation {
  readonly kind: 'neighbor-solicitation';
  readonly code: number;
  readonly target: Uint8Array;
  readonly options: readonly NdOption[];
}

/** Neighbor Advertisement (RFC 4861 §4.4). @public */
export interface NeighborAdvertisement {
  readonly kind: 'neighbor-advertisement';
  readonly code: number;
  readonly router: boolean;
  readonly solicited: boolean;
  readonly override: boolean;
  readonly target: Uint8Array;
  readonly options: readonly NdOption[];
}

/** Redirect (RFC 4861 §4.5). @public */
export interface Redirect {
  readonly kind: 'redirect';
  readonly code: number;
  readonly target: Uint8Array;
  readonly destination: Uint8Array;
  readonly options: readonly NdOption[];
}

/** An ND message as a plain object (the checksum is the IPv6 layer's). @public */
export type NdMessage = RouterSolicitation | RouterAdvertisement | NeighborSolicitation | NeighborAdvertisement | Redirect;

/** Why {@link parseNdMessage} refused a message. @public */
export type NdParseFailure = NdMessageFailure | NdOptionFailure;

const KIND_TYPE = {
  'router-solicitation': NdMessageType.ROUTER_SOLICITATION,
  'router-advertisement': NdMessageType.ROUTER_ADVERTISEMENT,
  'neighbor-solicitation': NdMessageType.NEIGHBOR_SOLICITATION,
  'neighbor-advertisement': NdMessageType.NEIGHBOR_ADVERTISEMENT,
  redirect: NdMessageType.REDIRECT,
} as const;

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
 * Parses the ND message (ICMPv6 types 133–137) at `bytes[offset..offset+length)`. Never throws.
 * Reserved fields are ignored (RFC 4861 §4: "ignored by the receiver").
 * @public
 */
export function parseNdMessage(bytes: Uint8Array, offset: number, length: number): NdMessage | { error: NdParseFailure } {
  if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 1 || offset + length > bytes.length) return { error: 'truncated' };
  const type = bytes[offset];
  const fixed = (ND_FIXED_LENGTH as Record<number, number>)[type];
  if (fixed === undefined) return { error: 'wrong-type' };
  if (length < fixed) return { error: 'truncated' };
  const options = parseNdOptions(bytes, offset + fixed, offset + length);
  if (!Array.isArray(options)) return options;
  const code = bytes[offset + 1];
  const at = (n: number) => bytes.slice(offset + n, offset + n + 16);
  switch (type) {
    case NdMessageType.ROUTER_SOLICITATION:
      return { kind: 'router-solicitation', code, options };
    case NdMessageType.ROUTER_ADVERTISEMENT:
      return {
        kind: 'router-advertisement',
        code,
        curHopLimit: bytes[offset + 4],
        flags: bytes[offset + 5],
        routerLifetime: (bytes[offset + 6] << 8) | bytes[offset + 7],
        reachableTime: read32(bytes, offset + 8),
        retransTimer: read32(bytes, offset + 12),
        options,
      };
    case NdMessageType.NEIGHBOR_SOLICITATION:
      return { kind: 'neighbor-solicitation', code, target: at(8), options };
    case NdMessageType.NEIGHBOR_ADVERTISEMENT: {
      const f = bytes[offset + 4];
      return { kind: 'neighbor-advertisement', code, router: (f & 0x80) !== 0, solicited: (f & 0x40) !== 0, override: (f & 0x20) !== 0, target: at(8), options };
    }
    default:
      return { kind: 'redirect', code, target: at(8), destination: at(24), options };
  }
}

/** Bytes the message takes, ICMPv6 header included. @public */
export function ndMessageLength(message: NdMessage): number {
  let n: number = ND_FIXED_LENGTH[KIND_TYPE[message.kind]];
  for (const o of message.options) n += ndOptionLength(o);
  return n;
}

/**
 * Writes `message` at `offset` with a zero checksum (the IPv6 layer fills it) and returns the
 * bytes written. Throws RangeError for addresses that are not 16 bytes (a programming error).
 * @public
 */
export function emitNdMessage(message: NdMessage, bytes: Uint8Array, offset: number): number {
  const type = KIND_TYPE[message.kind];
  const fixed: number = ND_FIXED_LENGTH[type];
  bytes.fill(0, offset, offset + fixed);
  bytes[offset] = type;
  bytes[offset + 1] = message.code;
  const put16 = (n: number, a: Uint8Array) => {
    if (a.length !== 16) throw new RangeError(`${message.kind}: addresses must be 16 bytes`);
    bytes.set(a, offset + n);
  };
  switch (message.kind) {
    case 'router-solicitation':
      break;
    case 'router-advertisement':
      bytes[offset + 4] = message.curHopLimit;
      bytes[offset + 5] = message.flags;
      bytes[offset + 6] = message.routerLifetime >>> 8;
      bytes[offset + 7] = message.routerLifetime;
      write32(bytes, offset + 8, message.reachableTime);
      write32(bytes, offset + 12, message.retransTimer);
      break;
    case 'neighbor-solicitation':
      put16(8, message.target);
      break;
    case 'neighbor-advertisement':
      bytes[offset + 4] = (message.router ? 0x80 : 0) | (message.solicited ? 0x40 : 0) | (message.override ? 0x20 : 0);
      put16(8, message.target);
      break;
    case 'redirect':
      put16(8, message.target);
      put16(24, message.destination);
      break;
  }
  let at = offset + fixed;
  for (const o of message.options) at += emitNdOption(o, bytes, at);
  return at - offset;
}
