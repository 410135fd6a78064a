import { resolveIgmpOptions, type IgmpOptions, type ResolvedIgmpOptions } from './igmp/igmp-options.js';
import { DEFAULT_PMTU_FLOOR, IPV4_MIN_MTU } from './path-mtu.js';

/**
 * Bounds of IPv4 reassembly (RFC 791 §3.2, RFC 1122 §3.3.2).
 * @public
 */
export interface ReassemblyOptions {
  /** Datagrams reassembled at once; a new one beyond this evicts the oldest. Default 64. */
  readonly maxDatagrams?: number;
  /**
   * Bytes of fragment payload held for all datagrams together, counting what each fragment carries
   * (in 64-byte blocks), not where it sits; beyond it the oldest datagrams are discarded. Default 1 MiB.
   */
  readonly maxBytes?: number;
  /** Fragments of one datagram; more discard it. Default 64. */
  readonly maxFragments?: number;
  /** Time to wait for the missing fragments, in ms. Default 30 000 (RFC 1122 §3.3.2: 60–120 s recommended; 30 s as FreeBSD and Linux). */
  readonly timeoutMs?: number;
}

/**
 * Token bucket for ICMP error messages (RFC 1812 §4.3.2.8).
 * @public
 */
export interface IcmpRateLimitOptions {
  /** Errors per second on average. Default 100. */
  readonly perSecond?: number;
  /** Errors that may be sent back to back. Default 20. */
  readonly burst?: number;
}

/**
 * The path MTU cache (RFC 1191).
 * @public
 */
export interface PathMtuOptions {
  /** Destinations remembered; a new one beyond this replaces the entry closest to expiry. Default 512. */
  readonly maxEntries?: number;
  /** How long a learnt path MTU holds before the larger MTU is tried again (RFC 1191 §6.3: 10 minutes recommended). Default 600 000. */
  readonly timeoutMs?: number;
  /**
   * Floor of a learnt path MTU, 68..65535: a smaller reported next-hop MTU is raised to it (reports
   * below 68 are ignored). Default 552, as Linux's `min_pmtu`: it keeps a TCP MSS of at least 512
   * against forged reports (RFC 5927). Set 68 for a network with links that narrow.
   */
  readonly minMtu?: number;
}

/**
 * Options of {@link ipv4Module}.
 * @public
 */
export interface Ipv4ModuleOptions {
  /** Forward datagrams not addressed to this stack (a router). Default false (a host). */
  readonly forwarding?: boolean;
  /** TTL of originated datagrams, 1..255. Default 64 (RFC 1700 / IANA). */
  readonly defaultTtl?: number;
  readonly reassembly?: ReassemblyOptions;
  /** Rate limit of ICMP errors, or false for none. */
  readonly icmpRateLimit?: IcmpRateLimitOptions | false;
  /** Install connected routes in every FIB (true, FreeBSD `net.add_addr_allfibs`) or only the interface's. Default true. */
  readonly addAddrAllFibs?: boolean;
  /** Answer echo requests sent to a broadcast or multicast address (RFC 1122 §3.2.2.6: MAY). Default false. */
  readonly replyToBroadcastEcho?: boolean;
  /**
   * Seed of the ECMP flow hash (an unsigned 32-bit integer). Default: random, drawn when the module
   * is loaded into a stack, so stacks in series spread flows independently. Give one for
   * reproducible path choices (tests, captures).
   */
  readonly flowHashSeed?: number;
  /** Path MTU discovery (RFC 1191) for the datagrams this stack originates. */
  readonly pathMtu?: PathMtuOptions;
  /**
   * The IGMP host (RFC 3376, with IGMPv2 and IGMPv1 compatibility): reports the groups joined on
   * every interface but loopback and answers queries. `false` turns IGMP off entirely (groups are
   * still joined locally and on the link, nothing is reported). Default `{}`.
   */
  readonly igmp?: IgmpOptions | false;
}

/** Options with every default applied. @internal */
export interface ResolvedIpv4Options {
  readonly forwarding: boolean;
  readonly defaultTtl: number;
  readonly maxDatagrams: number;
  readonly maxBytes: number;
  readonly maxFragments: number;
  readonly timeoutMs: number;
  readonly rateLimit: { readonly perSecond: number; readonly burst: number } | null;
  readonly addAddrAllFibs: boolean;
  readonly replyToBroadcastEcho: boolean;
  /** Undefined: draw a random seed per stack. */
  readonly flowHashSeed: number | undefined;
  readonly pmtuEntries: number;
  readonly pmtuTimeoutMs: number;
  readonly pmtuMinMtu: number;
  /** Null: IGMP off. */
  readonly igmp: ResolvedIgmpOptions | null;
}

function integer(field: string, value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`ipv4Module: ${field} must be an integer in ${min}..${max}, got ${String(value)}`);
  }
  return value;
}

/** The ECMP flow-hash seed: an unsigned 32-bit integer, or undefined for a random one per stack. */
function seed(value: number | undefined): number | undefined {
  return value === undefined ? undefined : integer('flowHashSeed', value, 0, 0, 2 ** 32 - 1);
}

function positive(field: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`ipv4Module: ${field} must be a finite number > 0, got ${String(value)}`);
  }
  return value;
}

/** Validate options; errors name the offending field. @internal */
export function resolveIpv4Options(options: Ipv4ModuleOptions = {}): ResolvedIpv4Options {
  const r = options.reassembly ?? {};
  const limit = options.icmpRateLimit;
  const pmtu = options.pathMtu ?? {};
  return {
    forwarding: options.forwarding ?? false,
    defaultTtl: integer('defaultTtl', options.defaultTtl, 64, 1, 255),
    maxDatagrams: integer('reassembly.maxDatagrams', r.maxDatagrams, 64, 1, 65536),
    maxBytes: integer('reassembly.maxBytes', r.maxBytes, 1 << 20, 576, 2 ** 31),
    maxFragments: integer('reassembly.maxFragments', r.maxFragments, 64, 2, 8192),
    timeoutMs: positive('reassembly.timeoutMs', r.timeoutMs, 30_000),
    rateLimit:
      limit === false
        ? null
        : {
            perSecond: positive('icmpRateLimit.perSecond', limit?.perSecond, 100),
            burst: integer('icmpRateLimit.burst', limit?.burst, 20, 1, 1_000_000),
          },
    addAddrAllFibs: options.addAddrAllFibs ?? true,
    replyToBroadcastEcho: options.replyToBroadcastEcho ?? false,
    flowHashSeed: seed(options.flowHashSeed),
    pmtuEntries: integer('pathMtu.maxEntries', pmtu.maxEntries, 512, 1, 1 << 20),
    pmtuTimeoutMs: positive('pathMtu.timeoutMs', pmtu.timeoutMs, 600_000),
    pmtuMinMtu: integer('pathMtu.minMtu', pmtu.minMtu, DEFAULT_PMTU_FLOOR, IPV4_MIN_MTU, 65535),
    igmp: resolveIgmpOptions(options.igmp),
  };
}
