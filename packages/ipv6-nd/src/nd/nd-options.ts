import { utf8Bytes } from './autoconf/utf8.js';

/**
 * Options of neighbour discovery, address autoconfiguration and MLD (all times in milliseconds).
 * Defaults are the protocol constants of RFC 4861 §10, RFC 4862 §5.1 and RFC 3810 §9.
 * @public
 */
export interface NdOptions {
  /** Process router advertisements for the host's own configuration (RFC 4861 §6.3.4). Default true. Routers ignore RAs regardless. */
  readonly acceptRa?: boolean;
  /** Form addresses from RA prefixes with the A flag (RFC 4862 §5.5.3). Default true. */
  readonly slaac?: boolean;
  /** Form a link-local address on every Ethernet interface when it comes up (RFC 4862 §5.3). Default true. */
  readonly linkLocal?: boolean;
  /** How interface identifiers are made: `'stable'` (RFC 7217, semantically opaque) or `'eui64'` (RFC 4291 App. A). Default `'stable'`. */
  readonly interfaceIdentifier?: 'stable' | 'eui64';
  /**
   * The per-stack secret key of RFC 7217 §5 (at least 16 bytes, or text). Default: 32 random bytes
   * from `crypto.getRandomValues`, so identifiers are stable only while the stack lives — give one
   * from configuration to keep them across restarts.
   */
  readonly secret?: Uint8Array | string;
  /** RFC 7217 IDGEN_RETRIES: new stable identifiers tried after a duplicate. Default 3. */
  readonly idgenRetries?: number;
  /** DupAddrDetectTransmits (RFC 4862 §5.1); 0 turns DAD off. Default 1. */
  readonly dadTransmits?: number;
  /** Largest random delay before the first DAD solicitation (RFC 4862 §5.4.2, MAX_RTR_SOLICITATION_DELAY). Default 1000. */
  readonly dadMaxDelayMs?: number;
  /** RetransTimer until an RA says otherwise (RFC 4861 §10 RETRANS_TIMER). Default 1000. */
  readonly retransTimerMs?: number;
  /** BaseReachableTime until an RA says otherwise (RFC 4861 §10 REACHABLE_TIME). Default 30 000. */
  readonly reachableTimeMs?: number;
  /** DELAY_FIRST_PROBE_TIME (RFC 4861 §10). Default 5000. */
  readonly delayFirstProbeMs?: number;
  /** MAX_MULTICAST_SOLICIT (RFC 4861 §10). Default 3. */
  readonly maxMulticastSolicit?: number;
  /** MAX_UNICAST_SOLICIT (RFC 4861 §10). Default 3. */
  readonly maxUnicastSolicit?: number;
  /** Dynamic neighbour entries per interface before the least recently confirmed is evicted. Default 1024. */
  readonly maxEntries?: number;
  /** Packets queued per unresolved neighbour; the oldest is dropped beyond it (RFC 4861 §7.2.2). Default 16. */
  readonly maxQueued?: number;
  /** How long an unused STALE entry is kept before it is forgotten. Default 1 200 000. */
  readonly staleMs?: number;
  /** MAX_RTR_SOLICITATIONS (RFC 4861 §10). Default 3; 0 sends none. */
  readonly maxRtrSolicitations?: number;
  /** RTR_SOLICITATION_INTERVAL (RFC 4861 §10). Default 4000. */
  readonly rtrSolicitationIntervalMs?: number;
  /** MAX_RTR_SOLICITATION_DELAY (RFC 4861 §10). Default 1000. */
  readonly maxRtrSolicitationDelayMs?: number;
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
  /** Run MLDv2 (RFC 3810): reports on join/leave and answers to queries. Default true. */
  readonly mld?: boolean;
  /** MLD Robustness Variable (RFC 3810 §9.1). Default 2. */
  readonly mldRobustness?: number;
  /** MLD Unsolicited Report Interval (RFC 3810 §9.11). Default 1000. */
  readonly mldUnsolicitedReportIntervalMs?: number;
  /** Route metric of the routes ND installs (default routes, prefixes, redirects); static routes (metric 0) win. Default 1024. */
  readonly routeMetric?: number;
  /** Random numbers in [0, 1) for delays and ReachableTime (tests pass a seeded one). Default `Math.random`. */
  readonly random?: () => number;
}

/** Options with defaults applied (what {@link resolveNdOptions} returns; also valid as options). @public */
export interface NdConfig {
  readonly acceptRa: boolean;
  readonly slaac: boolean;
  readonly linkLocal: boolean;
  readonly interfaceIdentifier: 'stable' | 'eui64';
  readonly secret: Uint8Array;
  readonly idgenRetries: number;
  readonly dadTransmits: number;
  readonly dadMaxDelayMs: number;
  readonly retransTimerMs: number;
  readonly reachableTimeMs: number;
  readonly delayFirstProbeMs: number;
  readonly maxMulticastSolicit: number;
  readonly maxUnicastSolicit: number;
  readonly maxEntries: number;
  readonly maxQueued: number;
  readonly staleMs: number;
  readonly maxRtrSolicitations: number;
  readonly rtrSolicitationIntervalMs: number;
  readonly maxRtrSolicitationDelayMs: number;
  readonly maxRouters: number;
  readonly maxPrefixes: number;
  readonly redirectLifetimeMs: number;
  readonly maxRedirects: number;
  readonly announceCount: number;
  readonly announceIntervalMs: number;
  readonly mld: boolean;
  readonly mldRobustness: number;
  readonly mldUnsolicitedReportIntervalMs: number;
  readonly routeMetric: number;
  readonly random: () => number;
}

/** A rejected option; `field` names it. @public */
export class NdOptionError extends RangeError {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`neighbour discovery: ${field} ${message}`);
    this.name = 'NdOptionError';
    this.field = field;
  }
}

type NumericField = {
  [K in keyof NdOptions]-?: NonNullable<NdOptions[K]> extends number ? K : never;
}[keyof NdOptions];
type BooleanField = {
  [K in keyof NdOptions]-?: NonNullable<NdOptions[K]> extends boolean ? K : never;
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

function flag(options: NdOptions, field: BooleanField, fallback: boolean): boolean {
  const value = options[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new NdOptionError(field, `must be true or false, got ${String(value)}`);
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

/** Validate `options` and apply defaults; errors are {@link NdOptionError}s naming the field. @public */
export function resolveNdOptions(options: NdOptions = {}): NdConfig {
  if (options === null || typeof options !== 'object') throw new NdOptionError('options', 'must be an object');
  const iid = options.interfaceIdentifier ?? 'stable';
  if (iid !== 'stable' && iid !== 'eui64') {
    throw new NdOptionError('interfaceIdentifier', `must be 'stable' or 'eui64', got ${String(iid)}`);
  }
  const random = options.random ?? Math.random;
  if (typeof random !== 'function') throw new NdOptionError('random', 'must be a function returning numbers in [0, 1)');
  return {
    acceptRa: flag(options, 'acceptRa', true),
    slaac: flag(options, 'slaac', true),
    linkLocal: flag(options, 'linkLocal', true),
    interfaceIdentifier: iid,
    secret: secret(options),
    idgenRetries: integer(options, 'idgenRetries', 3, 0, 100),
    dadTransmits: integer(options, 'dadTransmits', 1, 0, 10),
    dadMaxDelayMs: integer(options, 'dadMaxDelayMs', 1000, 0, 60_000),
    retransTimerMs: integer(options, 'retransTimerMs', 1000, 1, DAY),
    reachableTimeMs: integer(options, 'reachableTimeMs', 30_000, 1, 3_600_000),
    delayFirstProbeMs: integer(options, 'delayFirstProbeMs', 5000, 1, DAY),
    maxMulticastSolicit: integer(options, 'maxMulticastSolicit', 3, 1, 100),
    maxUnicastSolicit: integer(options, 'maxUnicastSolicit', 3, 1, 100),
    maxEntries: integer(options, 'maxEntries', 1024, 1, 1 << 20),
    maxQueued: integer(options, 'maxQueued', 16, 0, 4096),
    staleMs: integer(options, 'staleMs', 1_200_000, 1, DAY),
    maxRtrSolicitations: integer(options, 'maxRtrSolicitations', 3, 0, 100),
    rtrSolicitationIntervalMs: integer(options, 'rtrSolicitationIntervalMs', 4000, 1, DAY),
    maxRtrSolicitationDelayMs: integer(options, 'maxRtrSolicitationDelayMs', 1000, 0, 60_000),
    maxRouters: integer(options, 'maxRouters', 16, 1, 1024),
    maxPrefixes: integer(options, 'maxPrefixes', 32, 1, 1024),
    redirectLifetimeMs: integer(options, 'redirectLifetimeMs', 600_000, 1, DAY),
    maxRedirects: integer(options, 'maxRedirects', 256, 0, 1 << 16),
    announceCount: integer(options, 'announceCount', 3, 0, 10),
    announceIntervalMs: integer(options, 'announceIntervalMs', 1000, 1, DAY),
    mld: flag(options, 'mld', true),
    mldRobustness: integer(options, 'mldRobustness', 2, 1, 10),
    mldUnsolicitedReportIntervalMs: integer(options, 'mldUnsolicitedReportIntervalMs', 1000, 1, DAY),
    routeMetric: integer(options, 'routeMetric', 1024, 0, 0xffff_ffff),
    random,
  };
}
