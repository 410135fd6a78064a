/**
 * Length in bytes of an Ethernet II header without VLAN tags (destination, source, ethertype).
 * @public
 */
export const ETHERNET_HEADER_LENGTH = 14;

/**
 * Smallest Ethernet frame, without the 4-byte FCS (IEEE 802.3 §3.2.8: 64 bytes with FCS).
 * @public
 */
export const ETHERNET_MIN_FRAME_LENGTH = 60;

/**
 * The length a frame of `length` bytes (without FCS) has once padded to the minimum frame size.
 * @public
 */
export function ethernetPaddedLength(length: number): number {
  return length < ETHERNET_MIN_FRAME_LENGTH ? ETHERNET_MIN_FRAME_LENGTH : length;
}

/**
 * Zero-fills a short frame at `offset` up to the minimum frame size and returns its new length.
 * The buffer must have room for the padding; a buffer that is too small is a programming error
 * and throws a `RangeError`.
 * @public
 */
export function padEthernetFrame(bytes: Uint8Array, offset: number, length: number): number {
  const padded = ethernetPaddedLength(length);
  if (padded === length) return length;
  if (offset + padded > bytes.length) {
    throw new RangeError(`no room to pad an Ethernet frame to ${padded} bytes`);
  }
  bytes.fill(0, offset + length, offset + padded);
  return padded;
}
