/**
 * The IGMP host (RFC 3376 with RFC 2236 and RFC 1112 compatibility): `igmp` in the
 * {@link Ipv4ModuleOptions}; `igmp: false` turns IGMP off entirely.
 * @public
 */
export interface IgmpOptions {
  /**
   * Highest version spoken, 1..3. Default 3: IGMPv3, falling back to IGMPv2 or IGMPv1 while an
   * older querier is present (RFC 3376 §7.2.1). 2 or 1 never speak a newer version (as Linux's
   * `force_igmp_version`).
   */
  readonly version?: 1 | 2 | 3;
  /**
   * Robustness Variable, 1..7 (RFC 3376 §8.1): how many times an unsolicited report or state change
   * is sent. Default 2. An IGMPv3 query's QRV replaces it on that interface.
   */
  readonly robustness?: number;
  /** Unsolicited Report Interval of IGMPv3 in ms (RFC 3376 §8.11). Default 1000. */
  readonly unsolicitedReportIntervalMs?: number;
  /** Unsolicited Report Interval of IGMPv1 and IGMPv2 in ms (RFC 2236 §8.10). Default 10 000. */
  readonly v2UnsolicitedReportIntervalMs?: number;
  /**
   * Query Interval in ms assumed until an IGMPv3 query says otherwise (RFC 3376 §8.2); it sets the
   * Older Version Querier Present timeout (§8.12). Default 125 000.
   */
  readonly queryIntervalMs?: number;
  /**
   * Report groups of 224.0.0.0/24 (local network control) too. Default true, as Linux
   * (`igmp_link_local_mcast_reports`) and FreeBSD (`net.inet.igmp.sendlocal`). 224.0.0.1 is never
   * reported whatever this says (RFC 2236 §6, RFC 3376 §5).
   */
  readonly reportLinkLocal?: boolean;
  /** Random numbers in [0, 1) for the report delays. Default `Math.random`; tests pass a seeded one. */
  readonly random?: () => number;
}

/** IGMP options with every default applied. @internal */
export interface ResolvedIgmpOptions {
  readonly version: 1 | 2 | 3;
  readonly robustness: number;
  readonly unsolicitedReportIntervalMs: number;
  readonly v2UnsolicitedReportIntervalMs: number;
  readonly queryIntervalMs: number;
  readonly reportLinkLocal: boolean;
  readonly random: () => number;
}

function fail(field: string, what: string, value: unknown): never {
  throw new RangeError(`ipv4Module: igmp.${field} must be ${what}, got ${String(value)}`);
}

function integer(field: string, value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) fail(field, `an integer in ${min}..${max}`, value);
  return value;
}

function interval(field: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 3_600_000) fail(field, 'a number of ms in (0, 3600000]', value);
  return value;
}

/** Validate `igmp`; errors name the field (`ipv4Module: igmp.robustness must be ...`). null: IGMP off. @internal */
export function resolveIgmpOptions(options: IgmpOptions | false | undefined): ResolvedIgmpOptions | null {
  if (options === false) return null;
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new RangeError(`ipv4Module: igmp must be an object or false, got ${String(options)}`);
  }
  const o = options ?? {};
  if (o.random !== undefined && typeof o.random !== 'function') fail('random', 'a function returning numbers in [0, 1)', o.random);
  if (o.reportLinkLocal !== undefined && typeof o.reportLinkLocal !== 'boolean') fail('reportLinkLocal', 'true or false', o.reportLinkLocal);
  return {
    version: integer('version', o.version, 3, 1, 3) as 1 | 2 | 3,
    robustness: integer('robustness', o.robustness, 2, 1, 7),
    unsolicitedReportIntervalMs: interval('unsolicitedReportIntervalMs', o.unsolicitedReportIntervalMs, 1000),
    v2UnsolicitedReportIntervalMs: interval('v2UnsolicitedReportIntervalMs', o.v2UnsolicitedReportIntervalMs, 10_000),
    queryIntervalMs: interval('queryIntervalMs', o.queryIntervalMs, 125_000),
    reportLinkLocal: o.reportLinkLocal ?? true,
    random: o.random ?? Math.random,
  };
}
