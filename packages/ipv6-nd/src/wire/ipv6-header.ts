import { type Ipv6Address } from '@stack/core';
import { IPV6_HEADER_LENGTH, Ipv6PacketView, type Ipv6Failure } from './ipv6-view.js';

/**
 * The fixed IPv6 header (RFC 8200 §3) as a plain object. The version is implied.
 * @public
 */
export interface Ipv6Header {
  /** Traffic class, 0..255. */
  trafficClass: number;
  /** Flow label, 0..0xfffff. */
  flowLabel: number;
  /** Bytes after the fixed header. */
  payloadLength: number;
  nextHeader: number;
  hopLimit: number;
  src: Ipv6Address;
  dst: Ipv6Address;
}

/**
 * A packet {@link parseIpv6Header} refused.
 * @public
 */
export interface Ipv6ParseError {
  error: Ipv6Failure;
}

/**
 * Parses and validates the fixed header of the IPv6 packet at `[offset, offset + length)`; `length`
 * may include link padding after the packet. Never throws.
 * @public
 */
export function parseIpv6Header(bytes: Uint8Array, offset: number, length: number): Ipv6Header | Ipv6ParseError {
  const view = new Ipv6PacketView(bytes, offset, length);
  const failure = view.check();
  if (failure !== null) return { error: failure };
  return {
    trafficClass: view.trafficClass,
    flowLabel: view.flowLabel,
    payloadLength: view.payloadLength,
    nextHeader: view.nextHeader,
    hopLimit: view.hopLimit,
    src: view.src,
    dst: view.dst,
  };
}

/**
 * Length in bytes of the fixed header (always 40).
 * @public
 */
export function ipv6HeaderLength(_header?: Ipv6Header): number {
  return IPV6_HEADER_LENGTH;
}

/**
 * Writes `header` at `offset` and returns 40. Field values are masked to their widths.
 * @public
 */
export function emitIpv6Header(header: Ipv6Header, bytes: Uint8Array, offset: number): number {
  const o = offset;
  const word = ((6 << 28) | ((header.trafficClass & 0xff) << 20) | (header.flowLabel & 0xfffff)) >>> 0;
  bytes[o] = word >>> 24;
  bytes[o + 1] = word >>> 16;
  bytes[o + 2] = word >>> 8;
  bytes[o + 3] = word;
  bytes[o + 4] = header.payloadLength >>> 8;
  bytes[o + 5] = header.payloadLength;
  bytes[o + 6] = header.nextHeader;
  bytes[o + 7] = header.hopLimit;
  header.src.copyTo(bytes, o + 8);
  header.dst.copyTo(bytes, o + 24);
  return IPV6_HEADER_LENGTH;
}
