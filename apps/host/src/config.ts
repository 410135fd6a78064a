// The host's configuration file: JSON, validated field by field with messages that name the field.
import { AddressError, MacAddress, parseIpAddress, parsePrefix, type IpAddress } from '@stack/core';

/** One interface: a TAP device or a port on a simulated network. */
export interface InterfaceConfig {
  readonly name: string;
  readonly tap?: string;
  readonly sim?: string;
  readonly mac?: string;
  readonly mtu?: number;
  readonly fib: number;
  readonly addresses: readonly { readonly address: IpAddress; readonly prefixLength: number }[];
}

export interface RouteConfig {
  readonly prefix: IpAddress;
  readonly prefixLength: number;
  readonly via?: IpAddress;
  readonly interface?: string;
  readonly fib: number;
}

export interface HostConfig {
  readonly interfaces: readonly InterfaceConfig[];
  readonly routes: readonly RouteConfig[];
  readonly forwarding: boolean;
  readonly services: { readonly udpEcho?: { readonly port: number } };
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

function prefix(v: Json, field: string, strict: boolean): { address: IpAddress; prefixLength: number } {
  const text = str(v, field);
  try {
    return parsePrefix(text, { strict });
  } catch (e) {
    throw new ConfigError(field, e instanceof AddressError ? e.message : String(e));
  }
}

function address(v: Json, field: string): IpAddress {
  const text = str(v, field);
  try {
    return parseIpAddress(text);
  } catch (e) {
    throw new ConfigError(field, e instanceof AddressError ? e.message : String(e));
  }
}

/** Validate a parsed JSON document. Throws {@link ConfigError} naming the first bad field. */
export function validateConfig(doc: Json): HostConfig {
  if (!isObject(doc)) throw new ConfigError('(top level)', 'expected a JSON object');
  allowOnly(doc, '', ['interfaces', 'routes', 'forwarding', 'services', 'pcap']);
  if (!Array.isArray(doc.interfaces) || doc.interfaces.length === 0) {
    throw new ConfigError('interfaces', 'expected a non-empty list of interfaces');
  }
  const names = new Set<string>();
  const interfaces = doc.interfaces.map((raw, i): InterfaceConfig => {
    const f = `interfaces[${i}]`;
    if (!isObject(raw)) throw new ConfigError(f, 'expected an object');
    allowOnly(raw, f, ['name', 'tap', 'sim', 'mac', 'mtu', 'fib', 'addresses']);
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
    const fib = raw.fib === undefined ? 0 : int(raw.fib, `${f}.fib`, 0, 255);
    const addrs = raw.addresses ?? [];
    if (!Array.isArray(addrs)) throw new ConfigError(`${f}.addresses`, 'expected a list such as ["192.0.2.1/24"]');
    const addresses = addrs.map((a, j) => prefix(a, `${f}.addresses[${j}]`, false));
    return { name, tap, sim, mac, mtu, fib, addresses };
  });
  const rawRoutes = doc.routes ?? [];
  if (!Array.isArray(rawRoutes)) throw new ConfigError('routes', 'expected a list');
  const routes = rawRoutes.map((raw, i): RouteConfig => {
    const f = `routes[${i}]`;
    if (!isObject(raw)) throw new ConfigError(f, 'expected an object');
    allowOnly(raw, f, ['to', 'via', 'interface', 'fib']);
    const to = raw.to === 'default' ? prefix('0.0.0.0/0', `${f}.to`, true) : prefix(raw.to, `${f}.to`, true);
    const via = raw.via === undefined ? undefined : address(raw.via, `${f}.via`);
    if (via && via.family !== to.address.family) throw new ConfigError(`${f}.via`, `gateway ${via.toString()} is not of the same family as ${to.address.toString()}/${to.prefixLength}`);
    const iface = raw.interface === undefined ? undefined : str(raw.interface, `${f}.interface`);
    if (iface !== undefined && !names.has(iface)) throw new ConfigError(`${f}.interface`, `no interface named "${iface}"`);
    if (via === undefined && iface === undefined) throw new ConfigError(f, 'give "via" (a gateway) or "interface"');
    const fib = raw.fib === undefined ? 0 : int(raw.fib, `${f}.fib`, 0, 255);
    return { prefix: to.address, prefixLength: to.prefixLength, via, interface: iface, fib };
  });
  const forwarding = doc.forwarding === undefined ? false : doc.forwarding;
  if (typeof forwarding !== 'boolean') throw new ConfigError('forwarding', 'expected true or false');
  const rawServices = doc.services ?? {};
  if (!isObject(rawServices)) throw new ConfigError('services', 'expected an object');
  allowOnly(rawServices, 'services', ['udpEcho']);
  let udpEcho: { port: number } | undefined;
  if (rawServices.udpEcho !== undefined) {
    if (!isObject(rawServices.udpEcho)) throw new ConfigError('services.udpEcho', 'expected an object such as {"port": 7}');
    allowOnly(rawServices.udpEcho, 'services.udpEcho', ['port']);
    udpEcho = { port: int(rawServices.udpEcho.port, 'services.udpEcho.port', 1, 65535) };
  }
  const pcap = doc.pcap === undefined ? undefined : str(doc.pcap, 'pcap');
  return { interfaces, routes, forwarding, services: { udpEcho }, pcap };
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
