/**
 * A 48-bit MAC as one exact JavaScript number (it fits in a double's 53-bit mantissa), read
 * straight from frame bytes, so the switch can key its table without allocating a string.
 * @internal
 */
export function macKey(bytes: Uint8Array, offset: number): number {
  const high = (bytes[offset] << 8) | bytes[offset + 1];
  const low = ((bytes[offset + 2] << 24) | (bytes[offset + 3] << 16) | (bytes[offset + 4] << 8) | bytes[offset + 5]) >>> 0;
  return high * 0x1_0000_0000 + low;
}

/** `aa:bb:cc:dd:ee:ff` for a key made by {@link macKey}. @internal */
export function formatMacKey(key: number): string {
  const parts: string[] = [];
  for (let shift = 40; shift >= 0; shift -= 8) {
    parts.push((Math.floor(key / 2 ** shift) & 0xff).toString(16).padStart(2, '0'));
  }
  return parts.join(':');
}

/**
 * The `n`th deterministic simulator MAC: locally administered, unicast, 02:00:nn:nn:nn:nn.
 * @internal
 */
export function simulatorMac(n: number): Uint8Array {
  return Uint8Array.of(0x02, 0x00, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

/** Whether the group bit (I/G) of the MAC at `offset` is set: broadcast or multicast. @internal */
export function isGroupMac(bytes: Uint8Array, offset: number): boolean {
  return (bytes[offset] & 0x01) !== 0;
}
