import { Ipv6Address } from '@stack/core';

/** RFC 5952 text of the IPv6 address at `bytes[at..at+16)` (allocates: listings and events only). @internal */
export function formatIpv6Bytes(bytes: Uint8Array, at = 0): string {
  return new Ipv6Address(bytes, at).toString();
}

/** `2001:db8::/64` @internal */
export function formatIpv6Prefix(bytes: Uint8Array, length: number): string {
  return `${formatIpv6Bytes(bytes)}/${length}`;
}
