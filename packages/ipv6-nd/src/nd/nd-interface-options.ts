import { NdOptionError } from './nd-option-error.js';

/**
 * The neighbour discovery settings that may differ from one interface to another: the host's
 * choices about autoconfiguration on a link and the per-link variables of RFC 4861 §6.3.2,
 * RFC 4862 §5.1 and RFC 3810 §9 (all times in milliseconds). At the top of `NdOptions` they are
 * the defaults of every interface; under `NdOptions.interfaces` (or through
 * `NdControl.setInterfaceOptions`) they override them for one interface.
 * @public
 */
export interface NdInterfaceOptions {
  /** Process router advertisements for the host's own configuration (RFC 4861 §6.3.4). Default true. Routers ignore RAs regardless. */
  readonly acceptRa?: boolean;
  /** Form addresses from RA prefixes with the A flag (RFC 4862 §5.5.3). Default true. */
  readonly slaac?: boolean;
  /** Form a link-local address on an Ethernet interface when it comes up (RFC 4862 §5.3). Default true. */
  readonly linkLocal?: boolean;
  /** How interface identifiers are made: `'stable'` (RFC 7217, semantically opaque) or `'eui64'` (RFC 4291 App. A). Default `'stable'`. */
  readonly interfaceIdentifier?: 'stable' | 'eui64';
  /** DupAddrDetectTransmits (RFC 4862 §5.1); 0 turns DAD off. Default 1. */
  readonly dadTransmits?: number;
  /** Largest random delay before the first DAD solicitation (RFC 4862 §5.4.2, MAX_RTR_SOLICITATION_DELAY). Default 1000. */
  readonly dadMaxDelayMs?: number;
  /** RetransTimer until an RA says otherwise (RFC 4861 §10 RETRANS_TIMER). Default 1000. */
  readonly retransTimerMs?: number;
  /** BaseReachableTime until an RA says otherwise (RFC 4861 §10 REACHABLE_TIME). Default 30 000. */
  readonly reachableTimeMs?: number;
  /** MAX_RTR_SOLICITATIONS (RFC 4861 §10). Default 3; 0 sends none. */
  readonly maxRtrSolicitations?: number;
  /** RTR_SOLICITATION_INTERVAL (RFC 4861 §10). Default 4000. */
  readonly rtrSolicitationIntervalMs?: number;
  /** MAX_RTR_SOLICITATION_DELAY (RFC 4861 §10). Default 1000. */
  readonly maxRtrSolicitationDelayMs?: number;
  /** Run MLDv2 (RFC 3810): reports on join/leave and answers to queries. Default true. */
  readonly mld?: boolean;
  /** MLD Unsolicited Report Interval (RFC 3810 §9.11). Default 1000. */
  readonly mldUnsolicitedReportIntervalMs?: number;
}

/** The settings of one interface with every default applied. @public */
export interface NdInterfaceConfig {
  readonly acceptRa: boolean;
  readonly slaac: boolean;
  readonly linkLocal: boolean;
  readonly interfaceIdentifier: 'stable' | 'eui64';
  readonly dadTransmits: number;
  readonly dadMaxDelayMs: number;
  readonly retransTimerMs: number;
  readonly reachableTimeMs: number;
  readonly maxRtrSolicitations: number;
  readonly rtrSolicitationIntervalMs: number;
  readonly maxRtrSolicitationDelayMs: number;
  readonly mld: boolean;
  readonly mldUnsolicitedReportIntervalMs: number;
}

type Field = keyof NdInterfaceConfig;
type Spec =
  | { readonly kind: 'flag'; readonly fallback: boolean }
  | { readonly kind: 'integer'; readonly fallback: number; readonly min: number; readonly max: number }
  | { readonly kind: 'choice'; readonly fallback: string; readonly values: readonly string[] };

const DAY = 86_400_000;

/** Every per-interface field: its kind, default (RFC 4861 §10, RFC 4862 §5.1, RFC 3810 §9) and bounds. */
const FIELDS: { readonly [K in Field]: Spec } = {
  acceptRa: { kind: 'flag', fallback: true },
  slaac: { kind: 'flag', fallback: true },
  linkLocal: { kind: 'flag', fallback: true },
  interfaceIdentifier: { kind: 'choice', fallback: 'stable', values: ['stable', 'eui64'] },
  dadTransmits: { kind: 'integer', fallback: 1, min: 0, max: 10 },
  dadMaxDelayMs: { kind: 'integer', fallback: 1000, min: 0, max: 60_000 },
  retransTimerMs: { kind: 'integer', fallback: 1000, min: 1, max: DAY },
  reachableTimeMs: { kind: 'integer', fallback: 30_000, min: 1, max: 3_600_000 },
  maxRtrSolicitations: { kind: 'integer', fallback: 3, min: 0, max: 100 },
  rtrSolicitationIntervalMs: { kind: 'integer', fallback: 4000, min: 1, max: DAY },
  maxRtrSolicitationDelayMs: { kind: 'integer', fallback: 1000, min: 0, max: 60_000 },
  mld: { kind: 'flag', fallback: true },
  mldUnsolicitedReportIntervalMs: { kind: 'integer', fallback: 1000, min: 1, max: DAY },
};

/** The names of the per-interface fields. @internal */
export const ND_INTERFACE_FIELDS = Object.keys(FIELDS) as readonly Field[];

function isField(key: string): key is Field {
  return Object.prototype.hasOwnProperty.call(FIELDS, key);
}

/** `value` checked against the spec of `field`; errors name `path`. */
function checked(field: Field, value: unknown, path: string): boolean | number | string {
  const spec = FIELDS[field];
  switch (spec.kind) {
    case 'flag':
      if (typeof value !== 'boolean') throw new NdOptionError(path, `must be true or false, got ${String(value)}`);
      return value;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < spec.min || value > spec.max) {
        throw new NdOptionError(path, `must be an integer in ${spec.min}..${spec.max}, got ${String(value)}`);
      }
      return value;
    case 'choice':
      if (typeof value !== 'string' || !spec.values.includes(value)) {
        throw new NdOptionError(path, `must be ${spec.values.map((v) => `'${v}'`).join(' or ')}, got ${String(value)}`);
      }
      return value;
  }
}

/** The per-interface fields at the top of the options, with the built-in defaults for those not given. @internal */
export function resolveInterfaceDefaults(options: NdInterfaceOptions): NdInterfaceConfig {
  const out: Record<string, unknown> = {};
  for (const field of ND_INTERFACE_FIELDS) {
    const value = options[field];
    out[field] = value === undefined ? FIELDS[field].fallback : checked(field, value, field);
  }
  return out as unknown as NdInterfaceConfig;
}

/**
 * The overrides of one interface, validated: only the fields given (an undefined field is left
 * out). A field that is not per-interface is refused, naming it under `path`.
 * @internal
 */
export function resolveInterfaceOverrides(options: unknown, path: string): NdInterfaceOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new NdOptionError(path, 'must be an object of per-interface settings');
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options as Record<string, unknown>)) {
    if (!isField(key)) {
      throw new NdOptionError(`${path}.${key}`, `is not a per-interface setting (those are ${ND_INTERFACE_FIELDS.join(', ')})`);
    }
    if (value !== undefined) out[key] = checked(key, value, `${path}.${key}`);
  }
  return out as NdInterfaceOptions;
}

/**
 * The text key of an interface in the overrides: its name (a lowercase letter first, at most 15
 * characters, as core requires) or its index in decimal. Errors name `interfaces.<key>`.
 * @internal
 */
export function interfaceKey(key: string | number): string {
  if (typeof key === 'number') {
    if (!Number.isInteger(key) || key < 1) throw new NdOptionError(`interfaces.${String(key)}`, 'must name an interface or give its index (an integer ≥ 1)');
    return String(key);
  }
  if (typeof key !== 'string' || !(/^[a-z][a-z0-9._-]{0,14}$/.test(key) || /^[1-9][0-9]{0,9}$/.test(key))) {
    throw new NdOptionError(`interfaces.${String(key)}`, 'is neither an interface name nor an interface index');
  }
  return key;
}

/** The `interfaces` table of the options, validated and copied. @internal */
export function resolveInterfaceTable(table: unknown): Readonly<Record<string, NdInterfaceOptions>> {
  if (table === undefined) return {};
  if (table === null || typeof table !== 'object' || Array.isArray(table)) {
    throw new NdOptionError('interfaces', 'must be an object keyed by interface name or index, e.g. { em0: { slaac: false } }');
  }
  const out: Record<string, NdInterfaceOptions> = {};
  for (const [key, options] of Object.entries(table as Record<string, unknown>)) {
    const k = interfaceKey(key);
    out[k] = resolveInterfaceOverrides(options, `interfaces.${k}`);
  }
  return out;
}
