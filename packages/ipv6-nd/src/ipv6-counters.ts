import type { ModuleContext } from '@stack/core';

/**
 * Where every received packet ends: exactly one of these `ipv6.in.*` counters (besides `received`)
 * is incremented per packet, so `received + reass.ok` equals the sum of the others (a reassembled
 * packet re-enters processing and ends in one of them too).
 */
const IN_OUTCOMES = [
  'delivered',
  'forwarded',
  'fragments',
  'truncated',
  'bad-version',
  'bad-source',
  'bad-destination',
  'not-for-us',
  'hook-dropped',
  'hook-consumed',
  'no-next-header',
  'unknown-next-header',
  'bad-extension-header',
  'too-many-headers',
  'headers-too-long',
  'bad-options',
  'too-many-options',
  'unknown-option',
  'routing-header',
  'bad-fragment',
  'incomplete-chain',
  'no-route',
  'blackhole',
  'reject',
  'beyond-scope',
  'hop-limit-exceeded',
  'packet-too-big',
  'interface-down',
  'interface-disabled',
] as const;

const IN_DESCRIPTIONS: Partial<Record<(typeof IN_OUTCOMES)[number] | 'received', string>> = {
  received: 'packets handed to IPv6 by a link layer',
  delivered: 'packets handed to an upper-layer protocol',
  forwarded: 'packets forwarded to another node',
  fragments: 'fragments handed to reassembly (their fate: ipv6.reass.*)',
  truncated: 'shorter than 40 bytes, than 40 + Payload Length, or than an extension header (RFC 8200 §3)',
  'bad-source': 'multicast, IPv4-mapped, or loopback-from-the-wire source (RFC 4291 §2.5.3, §2.7)',
  'bad-destination': 'unspecified, IPv4-mapped, loopback-from-the-wire or reserved-scope destination (RFC 4291)',
  'not-for-us': 'not addressed to this stack and not forwarded',
  'no-next-header': 'Next Header 59: nothing follows (RFC 8200 §4.7)',
  'unknown-next-header': 'no handler for the Next Header, or Hop-by-Hop not first (answered: parameter problem code 1)',
  'bad-extension-header': 'an extension header runs past the packet',
  'too-many-headers': 'more extension headers than extensionHeaders.maxHeaders',
  'headers-too-long': 'more extension header bytes than extensionHeaders.maxBytes',
  'bad-options': 'a malformed option, padding longer than 7 bytes or PadN carrying data (RFC 4942 §2.1.9.5)',
  'too-many-options': 'more options than extensionHeaders.maxOptions in one header',
  'unknown-option': 'an unrecognised option whose action bits discard the packet (RFC 8200 §4.2)',
  'routing-header': 'a Routing header with segments left (type 0 refused per RFC 5095; others unrecognised, RFC 8200 §4.4)',
  'bad-fragment': 'fragment length or offset invalid (RFC 8200 §4.5), or a fragment inside a reassembled packet',
  'incomplete-chain': 'first fragment without the whole header chain (RFC 7112; answered: parameter problem code 3)',
  'no-route': 'forwarding: no route (answered: destination unreachable code 0)',
  'beyond-scope': 'forwarding: link-local source or destination (RFC 4291 §2.5.6)',
  'hop-limit-exceeded': 'forwarding: hop limit would reach 0 (answered: time exceeded, RFC 8200 §3)',
  'packet-too-big': 'forwarding: larger than the next link MTU (answered: packet too big, RFC 8200 §5)',
  'interface-disabled': 'received on an interface where IPv6 is disabled: its hardware-derived link-local address is duplicated (RFC 4862 §5.4.5)',
};

const OUT = ['requests', 'no-route', 'no-source-address', 'message-too-long', 'fragmented', 'fragments-created', 'no-link-layer', 'interface-down', 'interface-disabled', 'hook-dropped', 'nd'] as const;

const OUT_DESCRIPTIONS: Partial<Record<(typeof OUT)[number], string>> = {
  'interface-disabled': 'packets not sent (originated or forwarded): IPv6 is disabled on the outgoing interface (RFC 4862 §5.4.5)',
};

const REASS = ['ok', 'timeout', 'evicted', 'overlap', 'duplicate', 'inconsistent', 'too-many-fragments', 'memory', 'late-fragment', 'atomic'] as const;

const REASS_DESCRIPTIONS: Partial<Record<(typeof REASS)[number], string>> = {
  ok: 'packets reassembled',
  timeout: 'packets discarded after the reassembly timeout (RFC 8200 §4.5)',
  evicted: 'packets discarded to make room for a new one (reassembly.maxDatagrams)',
  overlap: 'packets discarded because fragments overlapped (RFC 5722)',
  duplicate: 'fragments ignored as exact duplicates',
  inconsistent: 'packets discarded: fragments disagree on the end, or an empty non-last fragment',
  memory: 'packets discarded because the byte bound was reached',
  'late-fragment': 'fragments of an already discarded packet, dropped',
  atomic: 'atomic fragments processed in isolation (RFC 6946)',
};

const ICMP_IN = [
  'received',
  'truncated',
  'bad-checksum',
  'echo-request',
  'echo-reply',
  'destination-unreachable',
  'packet-too-big',
  'time-exceeded',
  'parameter-problem',
  'unknown-error',
  'unknown-informational',
  'nd',
  'multicast-echo-ignored',
] as const;
const ICMP_OUT = ['echo-reply', 'echo-request', 'destination-unreachable', 'packet-too-big', 'time-exceeded', 'parameter-problem', 'rate-limited', 'suppressed', 'failed', 'nd'] as const;

/** Every counter of the module, created at attach and removed at unload. @internal */
export function createIpv6Counters(ctx: ModuleContext) {
  return {
    received: ctx.counter('ipv6.in.received', IN_DESCRIPTIONS.received),
    in: ctx.counters('ipv6.in', IN_OUTCOMES, IN_DESCRIPTIONS),
    out: ctx.counters('ipv6.out', OUT, OUT_DESCRIPTIONS),
    reass: ctx.counters('ipv6.reass', REASS, REASS_DESCRIPTIONS),
    pmtu: ctx.counters('ipv6.pmtu', ['updates', 'ignored']),
    icmpIn: ctx.counters('icmp6.in', ICMP_IN, {
      'unknown-error': 'error messages of unknown type, passed to the upper layer (RFC 4443 §2.4 (d))',
      'unknown-informational': 'informational messages of unknown type, discarded (RFC 4443 §2.4 (b))',
      nd: 'neighbour discovery and MLD messages handed to ND',
    }),
    icmpOut: ctx.counters('icmp6.out', ICMP_OUT, {
      'rate-limited': 'errors not sent: rate limit (RFC 4443 §2.4 (f))',
      suppressed: 'errors not sent: about an ICMPv6 error or redirect, to a multicast or unspecified address (RFC 4443 §2.4 (e))',
    }),
  };
}

/** @internal */
export type Ipv6Counters = ReturnType<typeof createIpv6Counters>;
