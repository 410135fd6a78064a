import type { ModuleContext } from '@stack/core';

/**
 * Where every received packet ends: exactly one of these `ipv4.in.*` counters (besides
 * `received`) is incremented per packet, so `received + reass.ok` equals the sum of the others
 * (a reassembled datagram re-enters local delivery and ends in one of them too).
 */
const IN_OUTCOMES = [
  'delivered',
  'forwarded',
  'fragments',
  'truncated',
  'bad-version',
  'bad-header-length',
  'bad-total-length',
  'bad-flags',
  'bad-checksum',
  'bad-options',
  'bad-source',
  'bad-destination',
  'link-broadcast-unicast',
  'not-for-us',
  'hook-dropped',
  'hook-consumed',
  'unknown-protocol',
  'no-route',
  'blackhole',
  'reject',
  'ttl-exceeded',
  'frag-needed',
  'source-route',
  'cannot-fragment',
  'no-link-layer',
  'interface-down',
] as const;

const IN_DESCRIPTIONS: Partial<Record<(typeof IN_OUTCOMES)[number] | 'received', string>> = {
  received: 'packets handed to IPv4 by a link layer',
  delivered: 'datagrams handed to an upper-layer protocol',
  forwarded: 'packets forwarded to another host',
  fragments: 'fragments handed to reassembly (their fate: ipv4.reass.*)',
  truncated: 'shorter than their header or total length (RFC 791 §3.1)',
  'bad-source': 'source address not a unicast host address (RFC 1122 §3.2.1.3)',
  'bad-destination': 'loopback destination received on a non-loopback interface (RFC 1122 §3.2.1.3)',
  'link-broadcast-unicast': 'unicast IP destination in a link-layer broadcast (RFC 1122 §3.3.6)',
  'not-for-us': 'not addressed to this stack and forwarding is off',
  'unknown-protocol': 'no handler for the protocol number (answered: protocol unreachable)',
  'no-route': 'forwarding: no route (answered: net unreachable)',
  'ttl-exceeded': 'forwarding: TTL would reach 0 (answered: time exceeded, RFC 1812 §5.3.1)',
  'frag-needed': 'forwarding: larger than the MTU with DF set (answered: RFC 1191 fragmentation needed)',
  'source-route': 'forwarding: source-routed (RFC 7126 §4.3: dropped)',
};

const OUT = ['requests', 'no-route', 'message-too-long', 'fragmented', 'fragments-created', 'no-link-layer', 'interface-down', 'hook-dropped'] as const;

const REASS = ['ok', 'timeout', 'evicted', 'overlap', 'duplicate', 'inconsistent', 'too-long', 'too-many-fragments', 'memory', 'late-fragment'] as const;

const REASS_DESCRIPTIONS: Partial<Record<(typeof REASS)[number], string>> = {
  ok: 'datagrams reassembled',
  timeout: 'datagrams discarded after the reassembly timeout',
  evicted: 'datagrams discarded to make room for a new one (maxDatagrams)',
  overlap: 'datagrams discarded because fragments overlapped (policy as RFC 5722)',
  duplicate: 'fragments ignored as exact duplicates',
  memory: 'datagrams discarded because the byte bound was reached',
  'late-fragment': 'fragments of an already discarded datagram, dropped',
};

const PMTU = ['updates', 'ignored', 'plateau'] as const;

const PMTU_DESCRIPTIONS: Partial<Record<(typeof PMTU)[number], string>> = {
  updates: 'fragmentation-needed messages that lowered a path MTU (RFC 1191)',
  ignored: 'fragmentation-needed messages ignored: not quoting our datagram, MTU below 68, no route, or not lowering the estimate',
  plateau: 'fragmentation-needed messages without a next-hop MTU, estimated from the RFC 1191 §7 plateaus',
};

const ICMP_IN = ['received', 'truncated', 'bad-checksum', 'echo-request', 'echo-reply', 'errors', 'other', 'broadcast-echo-ignored'] as const;
const ICMP_OUT = ['echo-reply', 'echo-request', 'unreachable', 'time-exceeded', 'parameter-problem', 'rate-limited', 'suppressed', 'failed'] as const;

/** Every counter of the module, created at attach and removed at unload. @internal */
export function createIpv4Counters(ctx: ModuleContext) {
  return {
    received: ctx.counter('ipv4.in.received', IN_DESCRIPTIONS.received),
    in: ctx.counters('ipv4.in', IN_OUTCOMES, IN_DESCRIPTIONS),
    out: ctx.counters('ipv4.out', OUT),
    reass: ctx.counters('ipv4.reass', REASS, REASS_DESCRIPTIONS),
    pmtu: ctx.counters('ipv4.pmtu', PMTU, PMTU_DESCRIPTIONS),
    icmpIn: ctx.counters('icmp.in', ICMP_IN),
    icmpOut: ctx.counters('icmp.out', ICMP_OUT, {
      'rate-limited': 'errors not sent: rate limit (RFC 1812 §4.3.2.8)',
      suppressed: 'errors not sent: about an ICMP error, a broadcast/multicast, a non-first fragment or a bad source (RFC 1122 §3.2.2)',
    }),
  };
}

/** @internal */
export type Ipv4Counters = ReturnType<typeof createIpv4Counters>;
