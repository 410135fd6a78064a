import { resolveNdOptions, type NdOptions } from './nd/index.js';

/**
 * Bounds of IPv6 reassembly (RFC 8200 §4.5).
 * @public
 */
export interface Ipv6ReassemblyOptions {
  /** Packets reassembled at once; a new one beyond this evicts the oldest. Default 64. */
  readonly maxDatagrams?: number;
  /**
   * Bytes of fragment payload held for all packets together, counting what each fragment carries
   * (in 64-byte blocks), not where it sits; beyond it the oldest packets are discarded. Default 1 MiB.
   */
  readonly maxBytes?: number;
  /** Fragments of one packet; more discard it. Default 64. */
  readonly maxFragments?: number;
  /** Time to wait for the missing fragments, in ms. Default 60 000 (RFC 8200 §4.5). */
  readonly timeoutMs?: number;
}

/**
 * Bounds on the extension header chain of received packets (RFC 8504 §5.3 lets a node limit them).
 * @public
 */
export interface Ipv6ExtensionHeaderOptions {
  /** Extension headers in one packet; a longer chain is dropped. Default 8. */
  readonly maxHeaders?: number;
  /** Bytes of extension headers in one packet. Default 1024. */
  readonly maxBytes?: number;
  /** Options other than padding in one Hop-by-Hop or Destination Options header. Default 8. */
  readonly maxOptions?: number;
}

/**
 * Token bucket for ICMPv6 error messages (RFC 4443 §2.4 (f)).
 * @public
 */
export interface Icmpv6RateLimitOptions {
  /** Errors per second on average. Default 100. */
  readonly perSecond?: number;
  /** Errors that may be sent back to back. Default 20. */
  readonly burst?: number;
}

/**
 * The path MTU cache (RFC 8201).
 * @public
 */
export interface PathMtuOptions {
  /** Destinations remembered; a new one beyond this replaces the entry closest to expiry. Default 512. */
  readonly maxEntries?: number;
  /** How long a learnt path MTU holds before the larger MTU is tried again (RFC 8201 §4: at least 5 minutes, 10 recommended). Default 600 000. */
  readonly timeoutMs?: number;
}

/**
 * Options of {@link ipv6Module}.
 * @public
 */
export interface Ipv6ModuleOptions {
  /** Forward packets not addressed to this stack (a router). Default false (a host). */
  readonly forwarding?: boolean;
  /** Hop limit of originated packets when no router advertised one, 1..255. Default 64 (IANA). */
  readonly defaultHopLimit?: number;
  readonly reassembly?: Ipv6ReassemblyOptions;
  readonly extensionHeaders?: Ipv6ExtensionHeaderOptions;
  /** Rate limit of ICMPv6 errors, or false for none. */
  readonly icmpRateLimit?: Icmpv6RateLimitOptions | false;
  readonly pathMtu?: PathMtuOptions;
  /** Install connected routes in every FIB (true, FreeBSD `net.add_addr_allfibs`) or only the interface's. Default true. */
  readonly addAddrAllFibs?: boolean;
  /** Answer echo requests sent to a multicast group this stack joined (RFC 4443 §4.2: SHOULD). Default true. */
  readonly replyToMulticastEcho?: boolean;
  /** Neighbour discovery, DAD, SLAAC and MLD. */
  readonly nd?: NdOptions;
  /**
   * Seed of the ECMP flow hash (an unsigned 32-bit integer). Default: random, drawn when the module
   * is loaded into a stack, so stacks in series spread flows independently. Give one for
   * reproducible path choices (tests, captures).
   */
  readonly flowHashSeed?: number;
}

/** Options with every default applied. @internal */
export interface ResolvedIpv6Options {
  readonly forwarding: boolean;
  readonly defaultHopLimit: number;
  readonly maxDatagrams: number;
  readonly maxBytes: number;
  readonly maxFragments: number;
  readonly timeoutMs: number;
  readonly maxHeaders: number;
  readonly maxHeaderBytes: number;
  readonly maxOptions: number;
  readonly rateLimit: { readonly perSecond: number; readonly burst: number } | null;
  readonly pmtuEntries: number;
  readonly pmtuTimeoutMs: number;
  readonly addAddrAllFibs: boolean;
  readonly replyToMulticastEcho: boolean;
  readonly nd: NdOptions;
  /** Undefined: draw a random seed per stack. */
  readonly flowHashSeed: number | undefined;
}

function fail(field: string, message: string): never {
  throw new RangeError(`ipv6Module: ${field} ${message}`);
}

function integer(field: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) fail(field, `must be an integer in ${min}..${max}, got ${String(value)}`);
  return value;
}

/** The ECMP flow-hash seed: an unsigned 32-bit integer, or undefined for a random one per stack. */
function seed(value: number | undefined): number | undefined {
  return value === undefined ? undefined : integer('flowHashSeed', value, 0, 0, 2 ** 32 - 1);
}

function positive(field: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) fail(field, `must be a finite number > 0, got ${String(value)}`);
  return value;
}

function flag(field: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(field, `must be true or false, got ${String(value)}`);
  return value;
}

function object<T>(field: string, value: T | undefined): T | Record<string, never> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object') fail(field, 'must be an object');
  return value;
}

/** Validate options; errors name the offending field. @internal */
export function resolveIpv6Options(options: Ipv6ModuleOptions = {}): ResolvedIpv6Options {
  if (options === null || typeof options !== 'object') fail('options', 'must be an object');
  const r: Ipv6ReassemblyOptions = object('reassembly', options.reassembly);
  const x: Ipv6ExtensionHeaderOptions = object('extensionHeaders', options.extensionHeaders);
  const p: PathMtuOptions = object('pathMtu', options.pathMtu);
  const limit = options.icmpRateLimit;
  const l: Icmpv6RateLimitOptions = limit === false ? {} : object('icmpRateLimit', limit);
  const nd: NdOptions = object('nd', options.nd);
  try {
    resolveNdOptions(nd);
  } catch (e) {
    const field = (e as { field?: unknown }).field;
    throw new RangeError(`ipv6Module: nd.${typeof field === 'string' ? field : 'options'}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return {
    forwarding: flag('forwarding', options.forwarding, false),
    defaultHopLimit: integer('defaultHopLimit', options.defaultHopLimit, 64, 1, 255),
    maxDatagrams: integer('reassembly.maxDatagrams', r.maxDatagrams, 64, 1, 65536),
    maxBytes: integer('reassembly.maxBytes', r.maxBytes, 1 << 20, 1280, 2 ** 31),
    maxFragments: integer('reassembly.maxFragments', r.maxFragments, 64, 2, 8192),
    timeoutMs: positive('reassembly.timeoutMs', r.timeoutMs, 60_000),
    maxHeaders: integer('extensionHeaders.maxHeaders', x.maxHeaders, 8, 1, 64),
    maxHeaderBytes: integer('extensionHeaders.maxBytes', x.maxBytes, 1024, 8, 65535),
    maxOptions: integer('extensionHeaders.maxOptions', x.maxOptions, 8, 0, 255),
    rateLimit:
      limit === false
        ? null
        : {
            perSecond: positive('icmpRateLimit.perSecond', l.perSecond, 100),
            burst: integer('icmpRateLimit.burst', l.burst, 20, 1, 1_000_000),
          },
    pmtuEntries: integer('pathMtu.maxEntries', p.maxEntries, 512, 1, 1 << 20),
    pmtuTimeoutMs: positive('pathMtu.timeoutMs', p.timeoutMs, 600_000),
    addAddrAllFibs: flag('addAddrAllFibs', options.addAddrAllFibs, true),
    replyToMulticastEcho: flag('replyToMulticastEcho', options.replyToMulticastEcho, true),
    nd,
    flowHashSeed: seed(options.flowHashSeed),
  };
}
