/**
 * Throws a RangeError naming `protocol` unless it is an upper-layer protocol number (IPv4 Protocol,
 * IPv6 Next Header: an integer in 0..255), for `NetworkProtocol.registerUpper`.
 * @public
 */
export function checkUpperProtocolNumber(protocol: number): void {
  if (!Number.isInteger(protocol) || protocol < 0 || protocol > 255) throw new RangeError(`protocol: ${protocol} is not an integer in 0..255`);
}
