// The host's configuration file: JSON, validated field by field with messages that name the field.
import { AddressError, Ipv4Address, Ipv6Address, MacAddress, parseIpAddress, parsePrefix, type AddressFamily, type IpAddress } from '@stack/core';

/** Network families the host can load. */
export const FAMILIES: readonly AddressFamily[] = ['ipv4', 'ipv6'];

/** An address configured on an interface. */
export interface AddressConfig {
  readonly address: IpAddress;
  readonly prefixLength: number;
}

/** Per-interface IPv6 autoconfiguration (RFC 4861 router discovery, RFC 4862 SLAAC and DAD). */
export interface Ipv6InterfaceConfig {
  /** Process router advertisements (default router, on-link prefixes, hop limit, MTU). */
  readonly acceptRa: boolean;
  /** Form addresses from advertised prefixes with the A flag. */
  readonly slaac: boolean;
  /** Form a link-local address (fe80::/64) when the interface comes up. */
  readonly linkLocal: boolean;
  /** How interface identifiers are formed: RFC 7217 stable and opaque, or modified EUI-64 from the MAC. */
  readonly interfaceIdentifier: 'stable' | 'eui64';
  /** Neighbour solicitations sent by duplicate address detection; 0 turns DAD off. */
  readonly dadTransmits: number;
}

/** The defaults of {@link Ipv6InterfaceConfig}: a host that autoconfigures, as RFC 4862 intends. */
export const IPV6_INTERFACE_DEFAULTS: Ipv6InterfaceConfig = { acceptRa: true, slaac: true, linkLocal: true, interfaceIdentifier: 'stable', dadTransmits: 1 };

/** One interface: a TAP device or a port on a simulated network. */
export interface InterfaceConfig {
  readonly name: string;
  readonly tap?: string;
  readonly sim?: string;
  readonly mac?: string;
  readonly mtu?: number;
  readonly fib: number;
  readonly addresses: readonly AddressConfig[];
  /** IPv6 autoconfiguration of this interface; present exactly when IPv6 is loaded. */
  readonly ipv6?: Ipv6InterfaceConfig;
  /** Multicast groups joined at start-up (IGMP reports the IPv4 ones, MLD the IPv6 ones). */
  readonly multicastGroups: readonly IpAddress[];
}

export interface RouteConfig {
  readonly prefix: IpAddress;
  readonly prefixLength: number;
  /** Gateway of the prefix's family; a link-local IPv6 gateway always comes with `interface`. */
  readonly via?: IpAddress;
  readonly interface?: string;
  readonly fib: number;
}

/** A UDP echo service: one socket bound to `address` (a wildcard, 0.0.0.0 or ::, binds every address of its family). */
export interface UdpEchoConfig {
  readonly port: number;
  readonly address: IpAddress;
}

/** Stack-wide IPv6 settings. */
export interface Ipv6Config {
  /** RFC 7217 secret key for stable interface identifiers (text, at least 16 bytes); random per run when absent. */
  readonly secret?: string;
}

export interface HostConfig {
  /** Network families to load, in order; IPv6 alone is a complete host. */
  readonly families: readonly AddressFamily[];
  readonly interfaces: readonly InterfaceConfig[];
  readonly routes: readonly RouteConfig[];
  readonly forwarding: boolean;
  readonly services: { readonly udpEcho: readonly UdpEchoConfig[] };
  /** Present exactly when IPv6 is loaded. */
  readonly ipv6?: Ipv6Config;
  readonly pcap?: string;
}

/** A configuration mistake; `field` is the path of the offending value, e.g. `interfaces[0].mtu`. */
export class ConfigError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'ConfigError';
    this.field = field;
  }
}

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function allowOnly(obj: Record<string, Json>, field: string, keys: readonly string[]): void {
  for (const k of Object.keys(obj)) {
    if (!keys.includes(k)) throw new ConfigError(field ? `${field}.${k}` : k, `unknown setting (expected one of ${keys.join(', ')})`);
  }
}

function str(v: Json, field: string): string {
  if (typeof v !== 'string' || v.length === 0) throw new ConfigError(field, `expected a non-empty string, got ${JSON.stringify(v)}`);
  return v;
}

function int(v: Json, field: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ConfigError(field, `expected an integer in ${min}..${max}, got ${JSON.stringify(v)}`);
  }
  return v;
}

function bool(v: Json, field: string, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new ConfigError(field, `expected true or false, got ${JSON.stringify(v)}`);
  return v;
}

function familyName(f: AddressFamily): string {
  return f === 'ipv4' ? 'IPv4' : 'IPv6';
}

/** Split a zone index off IPv6 text: `fe80::1%em0` → [`fe80::1`, `em0`]. */
function splitZone(text: string): [string, string | undefined] {
  const pct = text.indexOf('%');
  if (pct < 0 || !text.includes(':')) return [text, undefined];
  return [text.slice(0, pct), text.slice(pct + 1)];
}

function parseOrFail<T>(field: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new ConfigError(field, e instanceof AddressError ? e.message : e instanceof Error ? e.message : String(e));
  }
}

/** Why an IPv6 address cannot be configured on an interface, or null. */
function badInterfaceAddress6(a: Ipv6Address): string | null {
  if (a.isUnspecified()) return 'the unspecified address :: cannot be configured on an interface';
  if (a.isLoopback()) return '::1 belongs to the loopback interface';
  if (a.isMulticast()) return `${a.toString()} is a multicast address, not an interface address`;
  if (a.isIpv4Mapped()) return `${a.toString()} is an IPv4-mapped address, not an interface address`;
  return null;
}

/**
 * An interface address: `192.0.2.1/24`, `2001:db8::1/64`, or a link-local `fe80::1%em0/64` whose
 * zone (optional) must be the interface itself.
 */
function interfaceAddress(v: Json, field: string, ifname: string): AddressConfig {
  const text = str(v, field);
  const slash = text.indexOf('/');
  const [addrText, zone] = splitZone(slash < 0 ? text : text.slice(0, slash));
  const p = parseOrFail(field, () => parsePrefix(slash < 0 ? addrText : `${addrText}${text.slice(slash)}`, { strict: false }));
  if (p.address.family === 'ipv6') {
    const why = badInterfaceAddress6(p.address);
    if (why) throw new ConfigError(field, why);
    if (zone !== undefined) {
      if (!p.address.isLinkLocal()) throw new ConfigError(field, `a zone ("%${zone}") only goes with a link-local address (fe80::/10), not ${p.address.toString()}`);
      if (zone !== ifname) throw new ConfigError(field, `zone "%${zone}" is not this interface ("${ifname}")`);
    }
    if (p.address.isLinkLocal() && p.prefixLength < 10) throw new ConfigError(field, `a link-local address needs a prefix length of at least 10 (usually 64), got ${p.prefixLength}`);
  } else if (zone !== undefined) {
    throw new ConfigError(field, 'a zone index ("%...") is only valid on IPv6 link-local addresses');
  }
  return p;
}

function routePrefix(v: Json, field: string, defaultFamily: AddressFamily): { address: IpAddress; prefixLength: number } {
  if (v === 'default') return parsePrefix(defaultFamily === 'ipv4' ? '0.0.0.0/0' : '::/0');
  const text = str(v, field);
  if (text.includes('%')) throw new ConfigError(field, 'a route destination has no zone index');
  return parseOrFail(field, () => parsePrefix(text, { strict: true }));
}

function parseFamilies(v: Json): AddressFamily[] {
  if (!Array.isArray(v) || v.length === 0) throw new ConfigError('families', 'expected a non-empty list such as ["ipv4", "ipv6"]');
  const out: AddressFamily[] = [];
  v.forEach((f, i) => {
    if (f !== 'ipv4' && f !== 'ipv6') throw new ConfigError(`families[${i}]`, `expected "ipv4" or "ipv6", got ${JSON.stringify(f)}`);
    if (out.includes(f)) throw new ConfigError(`families[${i}]`, `"${f}" is listed twice`);
    out.push(f);
  });
  return out;
}

/**
 * `interfaces[].multicastGroups`: multicast addresses of a loaded family, each once, not the
 * all-hosts / all-nodes groups (every interface is a member of those already).
 */
function multicastGroups(v: Json, field: string, families: readonly AddressFamily[]): IpAddress[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new ConfigError(field, 'expected a list such as ["239.1.2.3", "ff05::1:3"]');
  const seen = new Set<string>();
  return v.map((raw, i) => {
    const f = `${field}[${i}]`;
    const text = str(raw, f);
    if (text.includes('/') || text.includes('%')) throw new ConfigError(f, `expected a multicast address without prefix length or zone, got "${text}"`);
    const a = parseOrFail(f, () => parseIpAddress(text));
    requireFamily(families, a.family, f, `group ${a.toString()}`);
    if (a.family === 'ipv4') {
      if (a.value >>> 28 !== 0xe) throw new ConfigError(f, `${a.toString()} is not an IPv4 multicast address (224.0.0.0/4)`);
      if (a.value === 0xe0000001) throw new ConfigError(f, '224.0.0.1 (all hosts) is joined by every interface already');
    } else {
      if (!a.isMulticast()) throw new ConfigError(f, `${a.toString()} is not an IPv6 multicast address (ff00::/8)`);
      if (a.equals(Ipv6Address.parse('ff02::1'))) throw new ConfigError(f, 'ff02::1 (all nodes) is joined by every interface already');
    }
    const key = a.toString();
    if (seen.has(key)) throw new ConfigError(f, `${key} is listed twice`);
    seen.add(key);
    return a;
  });
}

function ipv6InterfaceBlock(v: Json, field: string): Ipv6InterfaceConfig {
  if (!isObject(v)) throw new ConfigError(field, 'expected an object such as {"acceptRa": true, "slaac": true}');
  allowOnly(v, field, ['acceptRa', 'slaac', 'linkLocal', 'interfaceIdentifier', 'dadTransmits']);
  const d = IPV6_INTERFACE_DEFAULTS;
  const iid = v.interfaceIdentifier ?? d.interfaceIdentifier;
  if (iid !== 'stable' && iid !== 'eui64') {
    throw new ConfigError(`${field}.interfaceIdentifier`, `expected "stable" (RFC 7217) or "eui64" (from the MAC), got ${JSON.stringify(iid)}`);
  }
  return {
    acceptRa: bool(v.acceptRa, `${field}.acceptRa`, d.acceptRa),
    slaac: bool(v.slaac, `${field}.slaac`, d.slaac),
    linkLocal: bool(v.linkLocal, `${field}.linkLocal`, d.linkLocal),
    interfaceIdentifier: iid,
    dadTransmits: v.dadTransmits === undefined ? d.dadTransmits : int(v.dadTransmits, `${field}.dadTransmits`, 0, 10),
  };
}

/** Whether the raw document asks for anything IPv6 (used when `families` is absent). */
function mentionsIpv6(doc: Record<string, Json>): boolean {
  const looks6 = (s: Json): boolean => typeof s === 'string' && s.includes(':');
  if (doc.ipv6 !== undefined) return true;
  if (Array.isArray(doc.interfaces)) {
    for (const i of doc.interfaces) {
      if (!isObject(i)) continue;
      if (i.ipv6 !== undefined) return true;
      if (Array.isArray(i.addresses) && i.addresses.some(looks6)) return true;
      if (Array.isArray(i.multicastGroups) && i.multicastGroups.some(looks6)) return true;
    }
  }
  if (Array.isArray(doc.routes) && doc.routes.some((r) => isObject(r) && (looks6(r.to) || looks6(r.via)))) return true;
  if (isObject(doc.services)) {
    const e = doc.services.udpEcho;
    const list = Array.isArray(e) ? e : [e];
    if (list.some((x) => isObject(x) && looks6(x.address))) return true;
  }
  return false;
}

function requireFamily(families: readonly AddressFamily[], family: AddressFamily, field: string, what: string): void {
  if (!families.includes(family)) {
    throw new ConfigError(field, `${what} is ${familyName(family)}, but "families" (${JSON.stringify(families)}) does not load ${familyName(family)}`);
  }
}

/** Validate a parsed JSON document. Throws {@link ConfigError} naming the first bad field. */
export function validateConfig(doc: Json): HostConfig {
  if (!isObject(doc)) throw new ConfigError('(top level)', 'expected a JSON object');
  allowOnly(doc, '', ['families', 'interfaces', 'routes', 'forwarding', 'services', 'ipv6', 'pcap']);
  const families: AddressFamily[] = doc.families === undefined ? (mentionsIpv6(doc) ? ['ipv4', 'ipv6'] : ['ipv4']) : parseFamilies(doc.families);
  const has6 = families.includes('ipv6');
  if (!Array.isArray(doc.interfaces) || doc.interfaces.length === 0) {
    throw new ConfigError('interfaces', 'expected a non-empty list of interfaces');
  }
  const names = new Set<string>();
  const globalAddresses = new Map<string, string>(); // address text -> field, across interfaces
  const interfaces = doc.interfaces.map((raw, i): InterfaceConfig => {
    const f = `interfaces[${i}]`;
    if (!isObject(raw)) throw new ConfigError(f, 'expected an object');
    allowOnly(raw, f, ['name', 'tap', 'sim', 'mac', 'mtu', 'fib', 'addresses', 'ipv6', 'multicastGroups']);
    const name = str(raw.name, `${f}.name`);
    if (!/^[a-z][a-z0-9._-]{0,14}$/.test(name)) throw new ConfigError(`${f}.name`, `"${name}" is not a valid interface name`);
    if (names.has(name)) throw new ConfigError(`${f}.name`, `"${name}" is used twice`);
    names.add(name);
    if ((raw.tap === undefined) === (raw.sim === undefined)) {
      throw new ConfigError(f, 'give exactly one of "tap" (a TAP device name) or "sim" (a simulated network name)');
    }
    const tap = raw.tap === undefined ? undefined : str(raw.tap, `${f}.tap`);
    const sim = raw.sim === undefined ? undefined : str(raw.sim, `${f}.sim`);
    let mac: string | undefined;
    if (raw.mac !== undefined) {
      mac = str(raw.mac, `${f}.mac`);
      try {
        MacAddress.parse(mac);
      } catch (e) {
        throw new ConfigError(`${f}.mac`, e instanceof Error ? e.message : String(e));
      }
    }
    const mtu = raw.mtu === undefined ? undefined : int(raw.mtu, `${f}.mtu`, 68, 65535);
    if (mtu !== undefined && has6 && mtu < 1280) throw new ConfigError(`${f}.mtu`, `IPv6 needs an MTU of at least 1280 (RFC 8200 §5), got ${mtu}`);
    const fib = raw.fib === undefined ? 0 : int(raw.fib, `${f}.fib`, 0, 255);
    const addrs = raw.addresses ?? [];
    if (!Array.isArray(addrs)) throw new ConfigError(`${f}.addresses`, 'expected a list such as ["192.0.2.1/24", "2001:db8::1/64"]');
    const seen = new Set<string>();
    const addresses = addrs.map((a, j) => {
      const field = `${f}.addresses[${j}]`;
      const p = interfaceAddress(a, field, name);
      requireFamily(families, p.address.family, field, `address ${p.address.toString()}`);
      const key = p.address.toString();
      if (seen.has(key)) throw new ConfigError(field, `${key} is configured twice on ${name}`);
      seen.add(key);
      const linkScoped = p.address.family === 'ipv6' && p.address.isLinkLocal();
      if (!linkScoped) {
        const other = globalAddresses.get(key);
        if (other !== undefined) throw new ConfigError(field, `${key} is already configured at ${other}`);
        globalAddresses.set(key, field);
      }
      return p;
    });
    let ipv6: Ipv6InterfaceConfig | undefined;
    if (raw.ipv6 !== undefined) {
      if (!has6) throw new ConfigError(`${f}.ipv6`, `IPv6 settings, but "families" (${JSON.stringify(families)}) does not load IPv6`);
      ipv6 = ipv6InterfaceBlock(raw.ipv6, `${f}.ipv6`);
    } else if (has6) {
      ipv6 = IPV6_INTERFACE_DEFAULTS;
    }
    const groups = multicastGroups(raw.multicastGroups, `${f}.multicastGroups`, families);
    return { name, tap, sim, mac, mtu, fib, addresses, ipv6, multicastGroups: groups };
  });

  const rawRoutes = doc.routes ?? [];
  if (!Array.isArray(rawRoutes)) throw new ConfigError('routes', 'expected a list');
  const routes = rawRoutes.map((raw, i): RouteConfig => {
    const f = `routes[${i}]`;
    if (!isObject(raw)) throw new ConfigError(f, 'expected an object');
    allowOnly(raw, f, ['to', 'via', 'interface', 'fib']);
    let via: IpAddress | undefined;
    let zone: string | undefined;
    if (raw.via !== undefined) {
      const [text, z] = splitZone(str(raw.via, `${f}.via`));
      zone = z;
      via = parseOrFail(`${f}.via`, () => parseIpAddress(text));
    }
    // "default" is the default route of the gateway's family; without a gateway, IPv4's unless IPv6 is all there is.
    const defaultFamily: AddressFamily = via?.family ?? (families.includes('ipv4') ? 'ipv4' : 'ipv6');
    const to = routePrefix(raw.to, `${f}.to`, defaultFamily);
    requireFamily(families, to.address.family, `${f}.to`, `route ${to.address.toString()}/${to.prefixLength}`);
    const iface = raw.interface === undefined ? undefined : str(raw.interface, `${f}.interface`);
    if (iface !== undefined && !names.has(iface)) throw new ConfigError(`${f}.interface`, `no interface named "${iface}"`);
    let scope = iface;
    if (via) {
      if (via.family !== to.address.family) {
        throw new ConfigError(`${f}.via`, `gateway ${via.toString()} is ${familyName(via.family)}, but the route ${to.address.toString()}/${to.prefixLength} is ${familyName(to.address.family)}`);
      }
      if (via.family === 'ipv6') {
        if (via.isMulticast() || via.isUnspecified() || via.isLoopback()) throw new ConfigError(`${f}.via`, `${via.toString()} cannot be a gateway`);
        if (zone !== undefined) {
          if (!via.isLinkLocal()) throw new ConfigError(`${f}.via`, `a zone ("%${zone}") only goes with a link-local gateway, not ${via.toString()}`);
          if (!names.has(zone)) throw new ConfigError(`${f}.via`, `zone "%${zone}": no interface named "${zone}"`);
          if (iface !== undefined && iface !== zone) throw new ConfigError(`${f}.via`, `zone "%${zone}" disagrees with "interface": "${iface}"`);
          scope = zone;
        } else if (via.isLinkLocal() && iface === undefined) {
          throw new ConfigError(`${f}.via`, `link-local gateway ${via.toString()} needs its interface: write "${via.toString()}%em0" or give "interface"`);
        }
      } else if (zone !== undefined) {
        throw new ConfigError(`${f}.via`, 'a zone index ("%...") is only valid on IPv6 link-local gateways');
      }
    }
    if (via === undefined && scope === undefined) throw new ConfigError(f, 'give "via" (a gateway) or "interface"');
    const fib = raw.fib === undefined ? 0 : int(raw.fib, `${f}.fib`, 0, 255);
    return { prefix: to.address, prefixLength: to.prefixLength, via, interface: scope, fib };
  });

  const forwarding = doc.forwarding === undefined ? false : doc.forwarding;
  if (typeof forwarding !== 'boolean') throw new ConfigError('forwarding', 'expected true or false');

  let ipv6Top: Ipv6Config | undefined;
  if (doc.ipv6 !== undefined) {
    if (!has6) throw new ConfigError('ipv6', `IPv6 settings, but "families" (${JSON.stringify(families)}) does not load IPv6`);
    if (!isObject(doc.ipv6)) throw new ConfigError('ipv6', 'expected an object such as {"secret": "a long random text"}');
    allowOnly(doc.ipv6, 'ipv6', ['secret']);
    let secret: string | undefined;
    if (doc.ipv6.secret !== undefined) {
      secret = str(doc.ipv6.secret, 'ipv6.secret');
      if (new TextEncoder().encode(secret).length < 16) throw new ConfigError('ipv6.secret', 'must be at least 16 bytes (RFC 7217 §5)');
    }
    ipv6Top = { secret };
  } else if (has6) {
    ipv6Top = {};
  }

  const rawServices = doc.services ?? {};
  if (!isObject(rawServices)) throw new ConfigError('services', 'expected an object');
  allowOnly(rawServices, 'services', ['udpEcho']);
  const udpEcho: UdpEchoConfig[] = [];
  if (rawServices.udpEcho !== undefined) {
    const list = Array.isArray(rawServices.udpEcho) ? rawServices.udpEcho : [rawServices.udpEcho];
    const base = Array.isArray(rawServices.udpEcho) ? 'services.udpEcho' : '';
    const taken = new Set<string>();
    list.forEach((e, i) => {
      const f = base ? `${base}[${i}]` : 'services.udpEcho';
      if (!isObject(e)) throw new ConfigError(f, 'expected an object such as {"port": 7} or {"port": 7, "address": "::"}');
      allowOnly(e, f, ['port', 'address']);
      const port = int(e.port, `${f}.port`, 1, 65535);
      let bindTo: IpAddress[];
      if (e.address === undefined) {
        bindTo = families.map((fam) => (fam === 'ipv4' ? Ipv4Address.ANY : Ipv6Address.UNSPECIFIED));
      } else {
        const text = str(e.address, `${f}.address`);
        if (text.includes('%')) throw new ConfigError(`${f}.address`, 'bind to a global address or a wildcard ("::", "0.0.0.0"), not a scoped one');
        const a = parseOrFail(`${f}.address`, () => parseIpAddress(text));
        requireFamily(families, a.family, `${f}.address`, `address ${a.toString()}`);
        const wildcard = a.family === 'ipv4' ? a.equals(Ipv4Address.ANY) : a.isUnspecified();
        if (!wildcard && !globalAddresses.has(a.toString())) {
          throw new ConfigError(`${f}.address`, `${a.toString()} is not configured on any interface (use a wildcard, "::" or "0.0.0.0", for autoconfigured addresses)`);
        }
        bindTo = [a];
      }
      for (const a of bindTo) {
        const key = `${a.toString()}#${port}`;
        if (taken.has(key)) throw new ConfigError(`${f}.port`, `port ${port} on ${a.toString()} is already taken by another echo service`);
        taken.add(key);
        udpEcho.push({ port, address: a });
      }
    });
  }
  const pcap = doc.pcap === undefined ? undefined : str(doc.pcap, 'pcap');
  return { families, interfaces, routes, forwarding, services: { udpEcho }, ipv6: ipv6Top, pcap };
}

/** Parse JSON text, naming the position of a syntax error. */
export function parseConfig(text: string): HostConfig {
  let doc: Json;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ConfigError('(file)', `not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  return validateConfig(doc);
}
