import { fillUdpChecksum } from './udp-checksum.js';
import type { UdpFailure } from './udp-view.js';
import { UDP_HEADER_LENGTH, UdpDatagramView } from './udp-view.js';

/**
 * A UDP header as a plain object. The length field is derived from `payloadLength`; the checksum
 * is computed by {@link emitUdpHeader}.
 * @public
 */
export interface UdpHeader {
  srcPort: number;
  dstPort: number;
  /** Length of the payload after the 8-byte header. */
  payloadLength: number;
}

/**
 * A datagram {@link parseUdpHeader} refused.
 * @public
 */
export interface UdpParseError {
  error: UdpFailure;
}

/**
 * Parses and validates the UDP datagram at `[offset, offset + length)` (`length` is the IP payload
 * length). Never throws. Arguments `pseudoSum` and `zeroChecksumMeansNone` are as for
 * `UdpDatagramView.check`.
 * @public
 */
export function parseUdpHeader(
  bytes: Uint8Array,
  offset: number,
  length: number,
  pseudoSum?: number,
  zeroChecksumMeansNone = true,
): UdpHeader | UdpParseError {
  const view = new UdpDatagramView(bytes, offset, length);
  const failure = view.check(pseudoSum, zeroChecksumMeansNone);
  if (failure !== null) return { error: failure };
  return { srcPort: view.srcPort, dstPort: view.dstPort, payloadLength: view.payloadLength };
}

/**
 * Length in bytes of the whole datagram `header` describes (header plus payload): the value of its
 * length field, and the upper-layer length of the pseudo-header. {@link emitUdpHeader} itself
 * writes the {@link UDP_HEADER_LENGTH} header bytes only.
 * @public
 */
export function udpDatagramLength(header: UdpHeader): number {
  return UDP_HEADER_LENGTH + header.payloadLength;
}

/**
 * Writes `header` at `offset` and returns 8. With `pseudoSum` (the pseudo-header partial sum,
 * UDP length included) the checksum is computed over the header and the `payloadLength` payload
 * bytes that must already follow it; without, 0 is written ("no checksum", or offload). Throws a
 * `RangeError` when the datagram would exceed 65535 bytes — a programming error.
 * @public
 */
export function emitUdpHeader(header: UdpHeader, bytes: Uint8Array, offset: number, pseudoSum?: number): number {
  const datagramLength = udpDatagramLength(header);
  if (datagramLength > 0xffff) throw new RangeError('UDP datagram too long');
  const b = bytes;
  b[offset] = header.srcPort >>> 8;
  b[offset + 1] = header.srcPort;
  b[offset + 2] = header.dstPort >>> 8;
  b[offset + 3] = header.dstPort;
  b[offset + 4] = datagramLength >>> 8;
  b[offset + 5] = datagramLength;
  b[offset + 6] = 0;
  b[offset + 7] = 0;
  if (pseudoSum !== undefined) fillUdpChecksum(b, offset, datagramLength, pseudoSum);
  return UDP_HEADER_LENGTH;
}
