import { fillIpv4HeaderChecksum } from './ipv4-checksum.js';
import { IPV4_MAX_OPTIONS_LENGTH } from './ipv4-options.js';
import type { Ipv4Failure } from './ipv4-view.js';
import { IPV4_MIN_HEADER_LENGTH, Ipv4PacketView } from './ipv4-view.js';

/**
 * An IPv4 header as a plain object. Version, IHL, total length and checksum are derived: IHL
 * from `options`, total length from `payloadLength`, the checksum by {@link emitIpv4Header}.
 * @public
 */
export interface Ipv4Header {
  /** Differentiated services code point, 0..63. */
  dscp: number;
  /** Explicit congestion notification, 0..3. */
  ecn: number;
  /** Identification, 0..65535. */
  identification: number;
  /** Don't fragment. */
  dontFragment: boolean;
  /** More fragments. */
  moreFragments: boolean;
  /** Fragment offset in bytes, a multiple of 8 up to 65528. */
  fragmentOffset: number;
  /** Time to live. */
  ttl: number;
  /** Protocol of the payload. */
  protocol: number;
  /** Source address, unsigned 32-bit. */
  src: number;
  /** Destination address, unsigned 32-bit. */
  dst: number;
  /**
   * Raw options area (a copy), padding included; empty for none. {@link emitIpv4Header} pads it
   * with zeros (END) to a multiple of 4, so a parsed header always has a length multiple of 4.
   */
  options: Uint8Array;
  /** Length of the payload after the header. */
  payloadLength: number;
}

/**
 * A packet {@link parseIpv4Header} refused.
 * @public
 */
export interface Ipv4ParseError {
  error: Ipv4Failure;
}

/**
 * Parses and validates the header of the IPv4 packet at `[offset, offset + length)`; `length` may
 * include link padding after the packet. Never throws.
 * @public
 */
export function parseIpv4Header(
  bytes: Uint8Array,
  offset: number,
  length: number,
  verifyChecksum = true,
): Ipv4Header | Ipv4ParseError {
  const view = new Ipv4PacketView(bytes, offset, length);
  const failure = view.check(verifyChecksum);
  if (failure !== null) return { error: failure };
  return {
    dscp: view.dscp,
    ecn: view.ecn,
    identification: view.identification,
    dontFragment: view.dontFragment,
    moreFragments: view.moreFragments,
    fragmentOffset: view.fragmentOffset,
    ttl: view.ttl,
    protocol: view.protocol,
    src: view.src,
    dst: view.dst,
    options: bytes.slice(view.optionsOffset, view.optionsOffset + view.optionsLength),
    payloadLength: view.payloadLength,
  };
}

/**
 * Length in bytes of the header `header` describes (20 plus its options padded to 4 bytes).
 * @public
 */
export function ipv4HeaderLength(header: Ipv4Header): number {
  return IPV4_MIN_HEADER_LENGTH + ((header.options.length + 3) & ~3);
}

/**
 * Writes `header` at `offset` and returns the header length. The checksum is computed unless
 * `fillChecksum` is false (then 0 is written, for checksum offload). Throws a `RangeError` when the
 * options exceed 40 bytes or the total length exceeds 65535 — programming errors, not input.
 * @public
 */
export function emitIpv4Header(header: Ipv4Header, bytes: Uint8Array, offset: number, fillChecksum = true): number {
  const headerLength = ipv4HeaderLength(header);
  const totalLength = headerLength + header.payloadLength;
  if (headerLength - IPV4_MIN_HEADER_LENGTH > IPV4_MAX_OPTIONS_LENGTH) throw new RangeError('IPv4 options too long');
  if (totalLength > 0xffff) throw new RangeError('IPv4 packet too long');
  const b = bytes;
  const o = offset;
  const flagsFrag =
    (header.dontFragment ? 0x4000 : 0) | (header.moreFragments ? 0x2000 : 0) | ((header.fragmentOffset >>> 3) & 0x1fff);
  b[o] = 0x40 | (headerLength >>> 2);
  b[o + 1] = ((header.dscp & 0x3f) << 2) | (header.ecn & 0x03);
  b[o + 2] = totalLength >>> 8;
  b[o + 3] = totalLength;
  b[o + 4] = header.identification >>> 8;
  b[o + 5] = header.identification;
  b[o + 6] = flagsFrag >>> 8;
  b[o + 7] = flagsFrag;
  b[o + 8] = header.ttl;
  b[o + 9] = header.protocol;
  b[o + 10] = 0;
  b[o + 11] = 0;
  write32(b, o + 12, header.src);
  write32(b, o + 16, header.dst);
  b.set(header.options, o + IPV4_MIN_HEADER_LENGTH);
  b.fill(0, o + IPV4_MIN_HEADER_LENGTH + header.options.length, o + headerLength);
  if (fillChecksum) fillIpv4HeaderChecksum(b, o);
  return headerLength;
}

function write32(b: Uint8Array, at: number, value: number): void {
  b[at] = value >>> 24;
  b[at + 1] = value >>> 16;
  b[at + 2] = value >>> 8;
  b[at + 3] = value;
}
