import { Ipv4Address } from './ipv4-address.js';
import { Ipv6Address } from './ipv6-address.js';

/**
 * A network-layer address family.
 * @public
 */
export type AddressFamily = 'ipv4' | 'ipv6';

/**
 * An address of either family; narrow on `.family`.
 * @public
 */
export type IpAddress = Ipv4Address | Ipv6Address;

/**
 * Parses an address of either family: text containing a `:` is IPv6, anything else IPv4.
 * @throws AddressError naming the reason.
 * @public
 */
export function parseIpAddress(text: string): IpAddress {
  const address = tryParseIpAddress(text);
  if (address !== null) return address;
  // Re-parse with the family the text looks like, for a precise reason.
  return text.includes(':') ? Ipv6Address.parse(text) : Ipv4Address.parse(text);
}

/**
 * Like {@link parseIpAddress} but returns null on invalid text.
 * @public
 */
export function tryParseIpAddress(text: string): IpAddress | null {
  return text.includes(':') ? Ipv6Address.tryParse(text) : Ipv4Address.tryParse(text);
}

/**
 * Reads an address of `family` at `bytes[offset..)` (4 or 16 bytes).
 * @throws RangeError if out of bounds.
 * @public
 */
export function ipAddressFromBytes(family: AddressFamily, bytes: Uint8Array, offset = 0): IpAddress {
  return family === 'ipv4' ? Ipv4Address.fromBytes(bytes, offset) : Ipv6Address.fromBytes(bytes, offset);
}

/**
 * Total order for sorting mixed lists: IPv4 before IPv6, then numeric. Usable as
 * `array.sort(compareIpAddress)`.
 * @public
 */
export function compareIpAddress(a: IpAddress, b: IpAddress): number {
  return a.compare(b);
}
