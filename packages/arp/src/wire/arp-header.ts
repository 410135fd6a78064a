import { ARP_FIXED_LENGTH } from './arp-constants.js';
import type { ArpFailure } from './arp-view.js';
import { ArpPacketView } from './arp-view.js';

/**
 * An ARP packet as a plain object; address fields are copies. The hardware (protocol) address
 * length is the length of `sha` and `tha` (`spa` and `tpa`).
 * @public
 */
export interface ArpHeader {
  /** Hardware address space (`ar$hrd`). */
  hardwareType: number;
  /** Protocol address space (`ar$pro`). */
  protocolType: number;
  /** Operation (`ar$op`). */
  operation: number;
  /** Sender hardware address. */
  sha: Uint8Array;
  /** Sender protocol address. */
  spa: Uint8Array;
  /** Target hardware address (same length as `sha`). */
  tha: Uint8Array;
  /** Target protocol address (same length as `spa`). */
  tpa: Uint8Array;
}

/**
 * A packet {@link parseArp} refused.
 * @public
 */
export interface ArpParseError {
  error: ArpFailure;
}

/**
 * Parses the ARP packet at `[offset, offset + length)`. Never throws.
 * @public
 */
export function parseArp(bytes: Uint8Array, offset: number, length: number): ArpHeader | ArpParseError {
  const view = new ArpPacketView(bytes, offset, length);
  const failure = view.check();
  if (failure !== null) return { error: failure };
  const hln = view.hardwareLength;
  const pln = view.protocolLength;
  return {
    hardwareType: view.hardwareType,
    protocolType: view.protocolType,
    operation: view.operation,
    sha: bytes.slice(view.shaOffset, view.shaOffset + hln),
    spa: bytes.slice(view.spaOffset, view.spaOffset + pln),
    tha: bytes.slice(view.thaOffset, view.thaOffset + hln),
    tpa: bytes.slice(view.tpaOffset, view.tpaOffset + pln),
  };
}

/**
 * Length in bytes of the ARP packet `header` describes (without link padding).
 * @public
 */
export function arpLength(header: ArpHeader): number {
  return ARP_FIXED_LENGTH + 2 * (header.sha.length + header.spa.length);
}

/**
 * Writes `header` at `offset` and returns the number of bytes written. Throws a `RangeError` when
 * the header is inconsistent (sender and target addresses of different lengths, or a length of 0
 * or above 255) — a programming error, not hostile input.
 * @public
 */
export function emitArp(header: ArpHeader, bytes: Uint8Array, offset: number): number {
  const hln = header.sha.length;
  const pln = header.spa.length;
  if (header.tha.length !== hln || header.tpa.length !== pln || !isAddressLength(hln) || !isAddressLength(pln)) {
    throw new RangeError('inconsistent ARP address lengths');
  }
  bytes[offset] = header.hardwareType >>> 8;
  bytes[offset + 1] = header.hardwareType;
  bytes[offset + 2] = header.protocolType >>> 8;
  bytes[offset + 3] = header.protocolType;
  bytes[offset + 4] = hln;
  bytes[offset + 5] = pln;
  bytes[offset + 6] = header.operation >>> 8;
  bytes[offset + 7] = header.operation;
  let at = offset + ARP_FIXED_LENGTH;
  bytes.set(header.sha, at);
  bytes.set(header.spa, (at += hln));
  bytes.set(header.tha, (at += pln));
  bytes.set(header.tpa, (at += hln));
  return at + pln - offset;
}

function isAddressLength(n: number): boolean {
  return n >= 1 && n <= 255;
}
