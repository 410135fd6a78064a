/**
 * Options of {@link arpModule}. Times are in milliseconds.
 * @public
 */
export interface ArpOptions {
  /** Dynamic entries kept per interface before one is evicted (least recently used, stale/failed and unresolved first). Default 1024. */
  readonly maxEntries?: number;
  /** Packets queued per unresolved entry; the oldest is dropped beyond it. Default 16 (FreeBSD `arp_maxhold`). */
  readonly maxQueued?: number;
  /** Requests sent before giving up on a neighbour. Default 5 (FreeBSD `arp_maxtries`). */
  readonly maxRequests?: number;
  /** Time between requests for one neighbour; RFC 1122 §2.3.2.1 asks for at most one per second. Default 1000. */
  readonly retransmitMs?: number;
  /** How long a confirmed entry is used without question before it turns stale. Default 1 200 000 (FreeBSD `arpt_keep`). */
  readonly reachableMs?: number;
  /** How long an unused stale entry is kept before it is forgotten. Default 60 000. */
  readonly staleMs?: number;
  /** How long a neighbour that did not answer is remembered as failed (packets to it are refused). Default 20 000 (FreeBSD `arpt_down`). */
  readonly failedHoldMs?: number;
  /** Announcements sent when an address comes up or on `announce()`. Default 2 (RFC 5227 §1.1 ANNOUNCE_NUM). */
  readonly announceCount?: number;
  /** Time between those announcements. Default 2000 (RFC 5227 ANNOUNCE_INTERVAL). */
  readonly announceIntervalMs?: number;
  /** Least time between two defences of one address (RFC 5227 §2.4 DEFEND_INTERVAL). Default 10 000. */
  readonly defendIntervalMs?: number;
  /** ARP hardware type per interface type (RFC 826 `ar$hrd`). Default `{ ethernet: 1 }`; other types get no ARP. */
  readonly hardwareTypes?: Readonly<Record<string, number>>;
}

/** Options with defaults applied. @internal */
export interface ArpConfig {
  readonly maxEntries: number;
  readonly maxQueued: number;
  readonly maxRequests: number;
  readonly retransmitMs: number;
  readonly reachableMs: number;
  readonly staleMs: number;
  readonly failedHoldMs: number;
  readonly announceCount: number;
  readonly announceIntervalMs: number;
  readonly defendIntervalMs: number;
  readonly hardwareTypes: ReadonlyMap<string, number>;
}

type NumericField = Exclude<keyof ArpOptions, 'hardwareTypes'>;

function integer(options: ArpOptions, field: NumericField, fallback: number, min: number, max: number): number {
  const value = options[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`arpModule: ${field} must be an integer in ${min}..${max}, got ${String(value)}`);
  }
  return value;
}

function hardwareTypes(options: ArpOptions): ReadonlyMap<string, number> {
  const given = options.hardwareTypes;
  if (given === undefined) return new Map([['ethernet', 1]]);
  if (given === null || typeof given !== 'object') throw new TypeError('arpModule: hardwareTypes must be an object mapping interface types to numbers');
  const out = new Map<string, number>();
  for (const [type, value] of Object.entries(given)) {
    if (!Number.isInteger(value) || value < 0 || value > 0xffff) {
      throw new RangeError(`arpModule: hardwareTypes.${type} must be an integer in 0..65535, got ${String(value)}`);
    }
    out.set(type, value);
  }
  return out;
}

const DAY = 86_400_000;

/** Validate `options` and apply defaults; errors name the field. @internal */
export function resolveArpOptions(options: ArpOptions): ArpConfig {
  if (options === null || typeof options !== 'object') throw new TypeError('arpModule: options must be an object');
  return {
    maxEntries: integer(options, 'maxEntries', 1024, 1, 1 << 20),
    maxQueued: integer(options, 'maxQueued', 16, 0, 4096),
    maxRequests: integer(options, 'maxRequests', 5, 1, 100),
    retransmitMs: integer(options, 'retransmitMs', 1000, 1, DAY),
    reachableMs: integer(options, 'reachableMs', 1_200_000, 1, DAY),
    staleMs: integer(options, 'staleMs', 60_000, 1, DAY),
    failedHoldMs: integer(options, 'failedHoldMs', 20_000, 0, DAY),
    announceCount: integer(options, 'announceCount', 2, 0, 10),
    announceIntervalMs: integer(options, 'announceIntervalMs', 2000, 1, DAY),
    defendIntervalMs: integer(options, 'defendIntervalMs', 10_000, 0, DAY),
    hardwareTypes: hardwareTypes(options),
  };
}
