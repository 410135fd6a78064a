import { utf8Bytes } from './autoconf/utf8.js';
import {
  type NdInterfaceConfig,
  type NdInterfaceOptions,
  resolveInterfaceDefaults,
  resolveInterfaceTable,
} from './nd-interface-options.js';
import { NdOptionError } from './nd-option-error.js';

/**
 * Options of neighbour discovery, address autoconfiguration and MLD (all times in milliseconds).
 * Defaults are the protocol constants of RFC 4861 §10, RFC 4862 §5.1 and RFC 3810 §9.
 *
 * The per-interface settings ({@link NdInterfaceOptions}: `acceptRa`, `slaac`, `linkLocal`,
 * `interfaceIdentifier`, `dadTransmits`, the RetransTimer and ReachableTime overrides, router
 * solicitation and MLD timing) given here are the defaults of every interface; `interfaces`
 * overrides them per interface name or index. The other options apply to the whole stack.
 * @public
 */
export interface NdOptions extends NdInterfaceOptions {
  /**
   * Per-interface overrides of the {@link NdInterfaceOptions} fields, keyed by interface name
   * (`em0`) or index (`'2'`), e.g. `{ em0: { slaac: false }, em1: { interfaceIdentifier: 'eui64' } }`.
   * An interface's settings are the defaults, then its entry by index, then its entry by name. Keys
   * may name interfaces that do not exist yet. Default none.
   */
  readonly interfaces?: { readonly [nameOrIndex: string]: NdInterfaceOptions };
  /**
   * The per-stack secret key of RFC 7217 §5 (at least 16 bytes, or text). Default: 32 random bytes
   * from `crypto.getRandomValues`, so identifiers are stable only while the stack lives — give one
   * from configuration to keep them across restarts.
   */
  readonly secret?: Uint8Array | string;
  /** RFC 7217 IDGEN_RETRIES: new stable identifiers tried after a duplicate. Default 3. */
  readonly idgenRetries?: number;
  /** DELAY_FIRST_PROBE_TIME (RFC 4861 §10). Default 5000. */
  readonly delayFirstProbeMs?: number;
  /** MAX_MULTICAST_SOLICIT (RFC 4861 §10). Default 3. */
  readonly maxMulticastSolicit?: number;
  /** MAX_UNICAST_SOLICIT (RFC 4861 §10). Default 3. */
  readonly maxUnicastSolicit?: number;
  /** Dynamic neighbour entries per interface before one is evicted (least recently used, stale and unresolved first). Default 1024. */
  readonly maxEntries?: number;
  /** Packets queued per unresolved neighbour; the oldest is dropped beyond it (RFC 4861 §7.2.2). Default 16. */
  readonly maxQueued?: number;
  /** How long an unused STALE entry is kept before it is forgotten. Default 1 200 000. */
  readonly staleMs?: number;
  /** Routers kept per interface in the default router list. Default 16. */
  readonly maxRouters?: number;
  /** Prefixes kept per interface in the prefix list (on-link and autoconfigured). Default 32. */
  readonly maxPrefixes?: number;
  /** How long a host route learnt from a redirect lives. Default 600 000. */
  readonly redirectLifetimeMs?: number;
  /** Redirect host routes kept per FIB. Default 256. */
  readonly maxRedirects?: number;
  /** Unsolicited neighbour advertisements sent by `announce()` (RFC 4861 §10 MAX_NEIGHBOR_ADVERTISEMENT). Default 3. */
  readonly announceCount?: number;
  /** Time between them (RFC 4861 §7.2.6 suggests RetransTimer). Default 1000. */
  readonly announceIntervalMs?: number;
  /** MLD Robustness Variable (RFC 3810 §9.1). Default 2. */
  readonly mldRobustness?: number;
  /** Route metric of the routes ND installs (default routes, prefixes, redirects); static routes (metric 0) win. Default 1024. */
  readonly routeMetric?: number;
  /** Random numbers in [0, 1) for delays and ReachableTime (tests pass a seeded one). Default `Math.random`. */
  readonly random?: () => number;
}

/**
 * Options with defaults applied (what {@link resolveNdOptions} returns; also valid as options). The
 * {@link NdInterfaceConfig} fields are the defaults of every interface; `interfaces` holds the
 * validated per-interface overrides.
 * @public
 */
export interface NdConfig extends NdInterfaceConfig {
  readonly interfaces: { readonly [nameOrIndex: string]: NdInterfaceOptions };
  readonly secret: Uint8Array;
  readonly idgenRetries: number;
  readonly delayFirstProbeMs: number;
  readonly maxMulticastSolicit: number;
  readonly maxUnicastSolicit: number;
  readonly maxEntries: number;
  readonly maxQueued: number;
  readonly staleMs: number;
  readonly maxRouters: number;
  readonly maxPrefixes: number;
  readonly redirectLifetimeMs: number;
  readonly maxRedirects: number;
  readonly announceCount: number;
  readonly announceIntervalMs: number;
  readonly mldRobustness: number;
  readonly routeMetric: number;
  readonly random: () => number;
}

type NumericField = {
  [K in keyof NdOptions]-?: NonNullable<NdOptions[K]> extends number ? K : never;
}[keyof NdOptions];

const DAY = 86_400_000;

function integer(options: NdOptions, field: NumericField, fallback: number, min: number, max: number): number {
  const value = options[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new NdOptionError(field, `must be an integer in ${min}..${max}, got ${String(value)}`);
  }
  return value;
}

function secret(options: NdOptions): Uint8Array {
  const given = options.secret;
  if (given === undefined) {
    const bytes = new Uint8Array(32);
    const crypto = (globalThis as { crypto?: { getRandomValues?(a: Uint8Array): Uint8Array } }).crypto;
    if (crypto?.getRandomValues) crypto.getRandomValues(bytes);
    else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
    return bytes;
  }
  if (typeof given === 'string') {
    const bytes = utf8Bytes(given);
    if (bytes.length < 16) throw new NdOptionError('secret', `must be at least 16 bytes (RFC 7217 §5), got ${bytes.length}`);
    return bytes;
  }
  if (!(given instanceof Uint8Array)) throw new NdOptionError('secret', 'must be a Uint8Array or a string');
  if (given.length < 16) throw new NdOptionError('secret', `must be at least 16 bytes (RFC 7217 §5), got ${given.length}`);
  return given.slice();
}

/**
 * Validate `options` and apply defaults; errors are {@link NdOptionError}s naming the field
 * (`dadTransmits`, or `interfaces.em0.dadTransmits` for a per-interface override).
 * @public
 */
export function resolveNdOptions(options: NdOptions = {}): NdConfig {
  if (options === null || typeof options !== 'object') throw new NdOptionError('options', 'must be an object');
  const random = options.random ?? Math.random;
  if (typeof random !== 'function') throw new NdOptionError('random', 'must be a function returning numbers in [0, 1)');
  return {
    ...resolveInterfaceDefaults(options),
    interfaces: resolveInterfaceTable(options.interfaces),
    secret: secret(options),
    idgenRetries: integer(options, 'idgenRetries', 3, 0, 100),
    delayFirstProbeMs: integer(options, 'delayFirstProbeMs', 5000, 1, DAY),
    maxMulticastSolicit: integer(options, 'maxMulticastSolicit', 3, 1, 100),
    maxUnicastSolicit: integer(options, 'maxUnicastSolicit', 3, 1, 100),
    maxEntries: integer(options, 'maxEntries', 1024, 1, 1 << 20),
    maxQueued: integer(options, 'maxQueued', 16, 0, 4096),
    staleMs: integer(options, 'staleMs', 1_200_000, 1, DAY),
    maxRouters: integer(options, 'maxRouters', 16, 1, 1024),
    maxPrefixes: integer(options, 'maxPrefixes', 32, 1, 1024),
    redirectLifetimeMs: integer(options, 'redirectLifetimeMs', 600_000, 1, DAY),
    maxRedirects: integer(options, 'maxRedirects', 256, 0, 1 << 16),
    announceCount: integer(options, 'announceCount', 3, 0, 10),
    announceIntervalMs: integer(options, 'announceIntervalMs', 1000, 1, DAY),
    mldRobustness: integer(options, 'mldRobustness', 2, 1, 10),
    routeMetric: integer(options, 'routeMetric', 1024, 0, 0xffff_ffff),
    random,
  };
}
