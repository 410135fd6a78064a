import { AddressError } from './address-error.js';
import { type AddressFamily, type IpAddress, tryParseIpAddress } from './ip-address.js';
import { Ipv4Address } from './ipv4-address.js';
import { commonPrefixLength4, netmask4, prefixLengthFromNetmask4 } from './ipv4-int.js';
import { Ipv6Address } from './ipv6-address.js';

/**
 * An address with a prefix length, as in `10.0.0.0/8` or `2001:db8::1/64`. The address may have
 * host bits set (an interface address); use {@link maskPrefix} for the network itself.
 * @public
 */
export interface IpPrefix<A extends IpAddress = IpAddress> {
  readonly address: A;
  readonly prefixLength: number;
}

/**
 * Options of {@link parsePrefix}.
 * @public
 */
export interface ParsePrefixOptions {
  /** Reject addresses with bits set beyond the prefix length (`10.0.0.1/8`). Default false. */
  readonly strict?: boolean;
}

function maxLength(family: AddressFamily): number {
  return family === 'ipv4' ? 32 : 128;
}

function checkLength(family: AddressFamily, prefixLength: number): void {
  const max = maxLength(family);
  if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > max) {
    throw new RangeError(`${family === 'ipv4' ? 'IPv4' : 'IPv6'} prefix length ${prefixLength} out of range 0..${max}`);
  }
}

/** Mask of the `prefixLength` leading bits of 32-bit word `index` of an IPv6 address. */
function wordMask(prefixLength: number, index: number): number {
  const bits = prefixLength - 32 * index;
  if (bits <= 0) return 0;
  if (bits >= 32) return 0xffffffff;
  return (0xffffffff << (32 - bits)) >>> 0;
}

function scanPrefix(text: string, strict: boolean): IpPrefix | string {
  const slash = text.indexOf('/');
  if (slash < 0) return 'missing "/length"';
  const addressText = text.slice(0, slash);
  const lengthText = text.slice(slash + 1);
  const address = tryParseIpAddress(addressText);
  if (address === null) return `"${addressText}" is not an IP address`;
  if (!/^[0-9]{1,3}$/.test(lengthText)) return `prefix length "${lengthText}" is not a number`;
  const prefixLength = Number(lengthText);
  const max = maxLength(address.family);
  if (prefixLength > max) return `prefix length ${prefixLength} out of range 0..${max}`;
  if (strict) {
    const network = maskAddress(address, prefixLength);
    if (!network.equals(address)) return `host bits set (did you mean ${network.toString()}/${prefixLength}?)`;
  }
  return { address, prefixLength };
}

/**
 * Parses `address/length` of either family. With `strict`, host bits must be zero.
 * @throws AddressError on a missing or malformed length, a length out of range, an invalid
 * address, or (strict) host bits set.
 * @public
 */
export function parsePrefix(text: string, options: ParsePrefixOptions = {}): IpPrefix {
  const result = scanPrefix(text, options.strict === true);
  if (typeof result === 'string') throw new AddressError('prefix', text, result);
  return result;
}

/**
 * Like {@link parsePrefix} but returns null on invalid text.
 * @public
 */
export function tryParsePrefix(text: string, options: ParsePrefixOptions = {}): IpPrefix | null {
  const result = scanPrefix(text, options.strict === true);
  return typeof result === 'string' ? null : result;
}

/**
 * `address/length` text.
 * @public
 */
export function formatPrefix(prefix: IpPrefix): string {
  return `${prefix.address.toString()}/${prefix.prefixLength}`;
}

/**
 * The netmask of a prefix length as an address of `family` (`ipv4`, 24 → 255.255.255.0).
 * @throws RangeError when the length is out of range.
 * @public
 */
export function netmask(family: AddressFamily, prefixLength: number): IpAddress {
  checkLength(family, prefixLength);
  if (family === 'ipv4') return new Ipv4Address(netmask4(prefixLength));
  return netmask6(prefixLength);
}

/**
 * The IPv6 netmask of a prefix length (64 → ffff:ffff:ffff:ffff::).
 * @throws RangeError when the length is not in 0..128.
 * @public
 */
export function netmask6(prefixLength: number): Ipv6Address {
  checkLength('ipv6', prefixLength);
  return Ipv6Address.fromWords(
    wordMask(prefixLength, 0),
    wordMask(prefixLength, 1),
    wordMask(prefixLength, 2),
    wordMask(prefixLength, 3),
  );
}

/**
 * `addr` with every bit beyond `prefixLength` cleared (same family, same type).
 * @throws RangeError when the length is out of range for the family.
 * @public
 */
export function maskAddress<A extends IpAddress>(addr: A, prefixLength: number): A {
  checkLength(addr.family, prefixLength);
  if (addr.family === 'ipv4') {
    return new Ipv4Address(addr.value & netmask4(prefixLength)) as A;
  }
  return Ipv6Address.fromWords(
    addr.w0 & wordMask(prefixLength, 0),
    addr.w1 & wordMask(prefixLength, 1),
    addr.w2 & wordMask(prefixLength, 2),
    addr.w3 & wordMask(prefixLength, 3),
  ) as A;
}

/**
 * The prefix with its host bits cleared (`10.1.2.3/8` → `10.0.0.0/8`).
 * @public
 */
export function maskPrefix<A extends IpAddress>(prefix: IpPrefix<A>): IpPrefix<A> {
  return { address: maskAddress(prefix.address, prefix.prefixLength), prefixLength: prefix.prefixLength };
}

/**
 * Whether `addr` lies in `prefix/prefixLength`. False when the families differ.
 * @throws RangeError when the length is out of range for the prefix's family.
 * @public
 */
export function prefixContains(prefix: IpAddress, prefixLength: number, addr: IpAddress): boolean {
  checkLength(prefix.family, prefixLength);
  if (prefix.family === 'ipv4') {
    return addr.family === 'ipv4' && ((prefix.value ^ addr.value) & netmask4(prefixLength)) === 0;
  }
  if (addr.family !== 'ipv6') return false;
  return (
    ((prefix.w0 ^ addr.w0) & wordMask(prefixLength, 0)) === 0 &&
    ((prefix.w1 ^ addr.w1) & wordMask(prefixLength, 1)) === 0 &&
    ((prefix.w2 ^ addr.w2) & wordMask(prefixLength, 2)) === 0 &&
    ((prefix.w3 ^ addr.w3) & wordMask(prefixLength, 3)) === 0
  );
}

/**
 * Number of leading bits `a` and `b` share (32 or 128 when equal).
 * @throws TypeError when the families differ.
 * @public
 */
export function commonPrefixLength(a: IpAddress, b: IpAddress): number {
  if (a.family === 'ipv4' && b.family === 'ipv4') return commonPrefixLength4(a.value, b.value);
  if (a.family === 'ipv6' && b.family === 'ipv6') {
    if (a.w0 !== b.w0) return Math.clz32(a.w0 ^ b.w0);
    if (a.w1 !== b.w1) return 32 + Math.clz32(a.w1 ^ b.w1);
    if (a.w2 !== b.w2) return 64 + Math.clz32(a.w2 ^ b.w2);
    return 96 + Math.clz32(a.w3 ^ b.w3); // clz32(0) is 32, giving 128 when equal
  }
  throw new TypeError(`commonPrefixLength of different families (${a.family}, ${b.family})`);
}

/**
 * The prefix length of a contiguous netmask of either family (255.255.255.0 → 24).
 * @throws AddressError when the mask is not contiguous (255.0.255.0).
 * @public
 */
export function prefixLengthFromNetmask(mask: IpAddress): number {
  let length: number;
  if (mask.family === 'ipv4') {
    length = prefixLengthFromNetmask4(mask.value);
  } else {
    // Count the leading ones, then require the mask to be exactly the netmask of that length.
    const words = [mask.w0, mask.w1, mask.w2, mask.w3];
    length = 0;
    for (let i = 0; i < 4 && length === 32 * i; i++) length += Math.clz32(~words[i]);
    for (let i = 0; i < 4; i++) if (words[i] !== wordMask(length, i)) length = -1;
  }
  if (length < 0) throw new AddressError('netmask', mask.toString(), 'not contiguous');
  return length;
}
