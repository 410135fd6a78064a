import { parseIpAddress, type IpAddress, type Stack } from '@stack/core';

/** An address with its zone (RFC 4007 §11: `fe80::1%em0`), the zone as an interface index or 0. */
export interface ScopedAddress {
  readonly address: IpAddress;
  readonly ifindex: number;
}

/**
 * Parses `address` text that may carry a zone after `%` (an interface name or index, as Node and
 * RFC 4007 §11 write it) and resolves the zone on `stack`. Throws a TypeError naming `field` when
 * the text or the zone is not valid.
 */
export function parseScopedAddress(stack: Stack, text: string, field: string): ScopedAddress {
  const percent = text.indexOf('%');
  if (percent < 0) return { address: parseIpAddress(text), ifindex: 0 };
  const address = parseIpAddress(text.slice(0, percent));
  const zone = text.slice(percent + 1);
  if (address.family !== 'ipv6') throw new TypeError(`${field}: ${text} has a zone but is not an IPv6 address`);
  const ifp = /^\d+$/.test(zone) ? stack.interfaces.get(Number(zone)) : stack.interfaces.get(zone);
  if (ifp === undefined) throw new TypeError(`${field}: zone "${zone}" of ${text} is not an interface of this stack`);
  return { address, ifindex: ifp.index };
}

/** Whether the 16 bytes at `b[0..16)` are a link-local unicast address (fe80::/10), which rinfo writes with its zone. */
export function isLinkLocalBytes(b: Uint8Array): boolean {
  return b[0] === 0xfe && (b[1] & 0xc0) === 0x80;
}
