/**
 * Length in bytes of an Ethernet (EUI-48) address.
 * @public
 */
export const MAC_LENGTH = 6;

/**
 * Whether the 6-byte address at `offset` is a group (multicast or broadcast) address: the I/G bit,
 * the least significant bit of the first byte (IEEE 802 §8.2).
 * @public
 */
export function isGroupMac(bytes: Uint8Array, offset: number): boolean {
  return (bytes[offset] & 0x01) !== 0;
}

/**
 * Whether the 6-byte address at `offset` is the broadcast address ff:ff:ff:ff:ff:ff.
 * @public
 */
export function isBroadcastMac(bytes: Uint8Array, offset: number): boolean {
  return (
    (bytes[offset] &
      bytes[offset + 1] &
      bytes[offset + 2] &
      bytes[offset + 3] &
      bytes[offset + 4] &
      bytes[offset + 5]) ===
    0xff
  );
}
