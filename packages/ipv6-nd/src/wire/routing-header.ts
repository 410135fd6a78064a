import { ByteView, isValidRegion } from '@stack/core';
import type { Ipv6ExtensionFailure, Ipv6ExtensionParseError } from './options-header.js';

/**
 * Routing types (IANA "Routing Types"). None is executed by this stack: RH0 is deprecated
 * (RFC 5095) and every type is treated as unrecognised (RFC 8200 §4.4).
 * @public
 */
export const Ipv6RoutingType = {
  /** Deprecated source route (RFC 5095). */
  SOURCE_ROUTE: 0,
  /** Mobile IPv6 type 2 (RFC 6275 §6.4). */
  MOBILE_IPV6: 2,
  /** RPL source route (RFC 6554). */
  RPL: 3,
  /** Segment routing header (RFC 8754). */
  SEGMENT_ROUTING: 4,
} as const;

const NEXT_HEADER = 0;
const LENGTH = 1;
const TYPE = 2;
const SEGMENTS_LEFT = 3;

/**
 * A re-pointable view over a Routing header (RFC 8200 §4.4). Call `check` after every `reset`.
 * @public
 */
export class Ipv6RoutingHeaderView extends ByteView {
  /** `null` when the header fits in the viewed bytes. Never throws. */
  check(): Ipv6ExtensionFailure | null {
    if (!this.hasAtLeast(4)) return 'truncated';
    return this.headerLength > this._length ? 'truncated' : null;
  }

  get nextHeader(): number {
    return this._bytes[this._offset + NEXT_HEADER];
  }

  /** Header length in bytes ((Hdr Ext Len + 1) × 8). */
  get headerLength(): number {
    return (this._bytes[this._offset + LENGTH] + 1) << 3;
  }

  get routingType(): number {
    return this._bytes[this._offset + TYPE];
  }

  get segmentsLeft(): number {
    return this._bytes[this._offset + SEGMENTS_LEFT];
  }

  set segmentsLeft(value: number) {
    this._bytes[this._offset + SEGMENTS_LEFT] = value;
  }

  /** Absolute offset of the routing-type-specific data (after the first 4 bytes). */
  get dataOffset(): number {
    return this._offset + 4;
  }
}

/**
 * A Routing header as a plain object.
 * @public
 */
export interface Ipv6RoutingHeader {
  nextHeader: number;
  routingType: number;
  segmentsLeft: number;
  /** Type-specific data (a copy); 4 + its length is a multiple of 8. */
  data: Uint8Array;
}

/**
 * Parses the Routing header at `[offset, offset + length)`. Never throws.
 * @public
 */
export function parseIpv6RoutingHeader(bytes: Uint8Array, offset: number, length: number): Ipv6RoutingHeader | Ipv6ExtensionParseError {
  if (!isValidRegion(bytes, offset, length)) return { error: 'truncated' };
  const view = new Ipv6RoutingHeaderView(bytes, offset, length);
  const failure = view.check();
  if (failure !== null) return { error: failure };
  return {
    nextHeader: view.nextHeader,
    routingType: view.routingType,
    segmentsLeft: view.segmentsLeft,
    data: bytes.slice(offset + 4, offset + view.headerLength),
  };
}

/**
 * Length in bytes of the header `header` describes.
 * @public
 */
export function ipv6RoutingHeaderLength(header: Ipv6RoutingHeader): number {
  return 4 + header.data.length;
}

/**
 * Writes `header` at `offset` and returns its length. Throws a RangeError when 4 + the data length
 * is not a multiple of 8 or exceeds 2048: programming errors, not input.
 * @public
 */
export function emitIpv6RoutingHeader(header: Ipv6RoutingHeader, bytes: Uint8Array, offset: number): number {
  const length = ipv6RoutingHeaderLength(header);
  if ((length & 7) !== 0 || length > 2048) throw new RangeError(`IPv6 routing header length ${length} is not a multiple of 8 up to 2048`);
  bytes[offset + NEXT_HEADER] = header.nextHeader;
  bytes[offset + LENGTH] = (length >>> 3) - 1;
  bytes[offset + TYPE] = header.routingType;
  bytes[offset + SEGMENTS_LEFT] = header.segmentsLeft;
  bytes.set(header.data, offset + 4);
  return length;
}
