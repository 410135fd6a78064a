import { Ipv4Address, Ipv6Address, RouteError, RouteFlags } from '@stack/core';
import type { AddressFamily, IpAddress, RouteSpec } from '@stack/core';
import { maskWord } from './bits.js';

const KNOWN_FLAGS =
  RouteFlags.GATEWAY | RouteFlags.HOST | RouteFlags.CONNECTED | RouteFlags.STATIC | RouteFlags.BLACKHOLE | RouteFlags.REJECT | RouteFlags.LOCAL;
const MAX_INT31 = 0x7fffffff;

/** One member of a validated route's next-hop set. */
export interface ValidMember {
  readonly gateway: IpAddress | null;
  readonly ifindex: number;
  readonly weight: number;
}

/** A {@link RouteSpec} that passed validation, with its prefix as key words. */
export interface ValidRoute {
  readonly family: AddressFamily;
  /** The prefix as big-endian 32-bit words (1 for IPv4, 4 for IPv6). */
  readonly key: Int32Array;
  readonly prefixLength: number;
  /** Flags with GATEWAY and HOST derived. */
  readonly flags: number;
  readonly metric: number;
  readonly source: string;
  readonly mtu: number;
  /** First the route's own next hop, then its multipath members. */
  readonly members: readonly ValidMember[];
}

/** The key words of an address (written into `into` when it is given and long enough). */
export function addressKey(address: IpAddress, into?: Int32Array): Int32Array {
  if (address.family === 'ipv4') {
    const key = into ?? new Int32Array(1);
    key[0] = address.value | 0;
    return key;
  }
  const key = into !== undefined && into.length >= 4 ? into : new Int32Array(4);
  key[0] = address.w0 | 0;
  key[1] = address.w1 | 0;
  key[2] = address.w2 | 0;
  key[3] = address.w3 | 0;
  return key;
}

/** The address whose key words start at `key[offset]`. */
export function addressFromKey(family: AddressFamily, key: ArrayLike<number>, offset: number): IpAddress {
  return family === 'ipv4' ? new Ipv4Address(key[offset] >>> 0) : Ipv6Address.fromWords(key[offset] >>> 0, key[offset + 1] >>> 0, key[offset + 2] >>> 0, key[offset + 3] >>> 0);
}

function isAddress(a: unknown): a is IpAddress {
  return a instanceof Ipv4Address || a instanceof Ipv6Address;
}

/**
 * Check a prefix and return its key words (in `into` when given: 1 word for IPv4, 4 for IPv6).
 * @throws RouteError naming `prefix` or `prefixLength`.
 */
export function validatePrefix(prefix: IpAddress, prefixLength: number, into?: Int32Array): Int32Array {
  if (!isAddress(prefix)) throw new RouteError('prefix', `prefix must be an Ipv4Address or Ipv6Address, got ${String(prefix)}`);
  const max = prefix.family === 'ipv4' ? 32 : 128;
  if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > max) {
    throw new RouteError('prefixLength', `prefix length ${String(prefixLength)} is out of range for ${prefix.family} (0..${max})`);
  }
  const key = addressKey(prefix, into !== undefined && into.length === (prefix.family === 'ipv4' ? 1 : 4) ? into : undefined);
  for (let w = 0; w < key.length; w++) {
    if (maskWord(key[w], w, prefixLength) !== key[w]) {
      for (let i = 0; i < key.length; i++) key[i] = maskWord(key[i], i, prefixLength);
      const masked = addressFromKey(prefix.family, key, 0);
      throw new RouteError('prefix', `${prefix.toString()}/${prefixLength} has host bits set (did you mean ${masked.toString()}/${prefixLength}?)`);
    }
  }
  return key;
}

function checkGateway(gateway: unknown, family: AddressFamily, field: string): IpAddress | null {
  if (gateway === undefined || gateway === null) return null;
  if (!isAddress(gateway)) throw new RouteError(field, `${field} must be an Ipv4Address or Ipv6Address`);
  if (gateway.family !== family) throw new RouteError(field, `${field} ${gateway.toString()} is ${gateway.family} but the prefix is ${family}`);
  return gateway;
}

function checkInteger(value: unknown, field: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RouteError(field, `${field} must be an integer in ${min}..${max}, got ${String(value)}`);
  }
  return value;
}

/**
 * Validate a route and normalise it. Throws before anything is changed. The key is written into
 * `keys[0]` (IPv4) or `keys[1]` (IPv6) when given (scratch arrays of the caller), else allocated.
 * @throws RouteError naming the offending field.
 */
export function validateRoute(spec: RouteSpec, keys?: readonly [Int32Array, Int32Array]): ValidRoute {
  if (spec === null || typeof spec !== 'object') throw new RouteError('route', 'route must be an object');
  const key = validatePrefix(spec.prefix, spec.prefixLength, keys === undefined || spec.prefix === null || typeof spec.prefix !== 'object' ? undefined : spec.prefix.family === 'ipv4' ? keys[0] : keys[1]);
  const family = spec.prefix.family;
  let flags = checkInteger(spec.flags, 'flags', 0, MAX_INT31, 0);
  if ((flags & ~KNOWN_FLAGS) !== 0) throw new RouteError('flags', `unknown route flag bits 0x${(flags & ~KNOWN_FLAGS).toString(16)}`);
  const discard = (flags & (RouteFlags.BLACKHOLE | RouteFlags.REJECT)) !== 0;
  if ((flags & RouteFlags.BLACKHOLE) !== 0 && (flags & RouteFlags.REJECT) !== 0) {
    throw new RouteError('flags', 'a route cannot be both BLACKHOLE and REJECT');
  }
  const gateway = checkGateway(spec.gateway, family, 'gateway');
  if (spec.ifindex === undefined && !discard) throw new RouteError('ifindex', 'ifindex is required unless the route is a blackhole or reject route');
  const ifindex = checkInteger(spec.ifindex, 'ifindex', 0, MAX_INT31, 0);
  const metric = checkInteger(spec.metric, 'metric', 0, MAX_INT31, 0);
  const mtu = checkInteger(spec.mtu, 'mtu', 0, MAX_INT31, 0);
  const source = spec.source ?? 'static';
  if (typeof source !== 'string' || source.length === 0 || source.length > 64) throw new RouteError('source', 'source must be a non-empty string of at most 64 characters');
  const members: ValidMember[] = [{ gateway, ifindex, weight: 1 }];
  if (spec.multipath !== undefined) {
    if (!Array.isArray(spec.multipath)) throw new RouteError('multipath', 'multipath must be an array');
    if (discard && spec.multipath.length > 0) throw new RouteError('multipath', 'a blackhole or reject route has no multipath next hops');
    for (const m of spec.multipath as readonly { gateway?: IpAddress; ifindex: number; weight?: number }[]) {
      if (m === null || typeof m !== 'object') throw new RouteError('multipath', 'multipath members must be objects');
      const g = checkGateway(m.gateway, family, 'multipath');
      const i = checkInteger(m.ifindex, 'multipath', 0, MAX_INT31, -1);
      if (i < 0) throw new RouteError('multipath', 'every multipath member needs an ifindex');
      members.push({ gateway: g, ifindex: i, weight: checkInteger(m.weight, 'multipath', 1, 0xffff, 1) });
    }
  }
  if (gateway !== null) flags |= RouteFlags.GATEWAY;
  else flags &= ~RouteFlags.GATEWAY;
  if (spec.prefixLength === key.length * 32) flags |= RouteFlags.HOST;
  else flags &= ~RouteFlags.HOST;
  return { family, key, prefixLength: spec.prefixLength, flags, metric, source, mtu, members };
}
