/**
 * Writes the Ethernet multicast address of an IPv4 group (an unsigned 32-bit integer) at
 * `out[offset..offset+6)`: 01:00:5e followed by the low 23 bits of the group (RFC 1112 §6.4).
 * @public
 */
export function ipv4MulticastMac(group: number, out: Uint8Array, offset: number): void {
  out[offset] = 0x01;
  out[offset + 1] = 0x00;
  out[offset + 2] = 0x5e;
  out[offset + 3] = (group >>> 16) & 0x7f;
  out[offset + 4] = group >>> 8;
  out[offset + 5] = group;
}

/**
 * Writes the Ethernet multicast address of the IPv6 group at `bytes[offset..offset+16)` at
 * `out[outOffset..outOffset+6)`: 33:33 followed by the group's last four octets (RFC 2464 §7).
 * @public
 */
export function ipv6MulticastMac(bytes: Uint8Array, offset: number, out: Uint8Array, outOffset: number): void {
  const b12 = bytes[offset + 12];
  const b13 = bytes[offset + 13];
  const b14 = bytes[offset + 14];
  const b15 = bytes[offset + 15];
  out[outOffset] = 0x33;
  out[outOffset + 1] = 0x33;
  out[outOffset + 2] = b12;
  out[outOffset + 3] = b13;
  out[outOffset + 4] = b14;
  out[outOffset + 5] = b15;
}
