import type { ModuleContext } from '@stack/core';

const IN = [
  'requests',
  'replies',
  'unsupported-link',
  'truncated',
  'bad-address-length',
  'bad-hardware-type',
  'bad-hardware-length',
  'not-ipv4',
  'bad-operation',
  'bad-sender',
  'bad-sender-ip',
  'own',
  'conflict',
  'inactive-target',
  'static-mismatch',
  'moved',
] as const;

const IN_DESCRIPTIONS: Partial<Record<(typeof IN)[number], string>> = {
  requests: 'ARP requests received (valid)',
  replies: 'ARP replies received (valid)',
  'unsupported-link': 'packets dropped: ARP is not run on the interface type',
  truncated: 'packets dropped: shorter than their address lengths announce',
  'bad-address-length': 'packets dropped: zero hardware or protocol address length',
  'bad-hardware-type': 'packets dropped: hardware type differs from the interface\'s',
  'bad-hardware-length': 'packets dropped: hardware address length differs from the interface\'s',
  'not-ipv4': 'packets dropped: protocol type/length is not IPv4 (0x0800/4)',
  'bad-operation': 'packets dropped: operation neither request nor reply',
  'bad-sender': 'packets dropped: sender hardware address broadcast, multicast or zero',
  'bad-sender-ip': 'packets dropped: sender address multicast, broadcast or loopback',
  own: 'packets dropped: sent by this interface (reflected)',
  conflict: 'packets from another host claiming one of our addresses (RFC 5227)',
  'inactive-target': 'requests for an address its arbiter says is not active here: not answered',
  'static-mismatch': 'packets claiming another link address for a static entry: ignored',
  moved: 'entries whose link address changed',
};

const OUT = ['requests', 'replies', 'announcements', 'queue-overflow', 'unresolved', 'evicted', 'failed-drops', 'no-link-layer', 'unsupported-link', 'noarp', 'bad-next-hop'] as const;

const OUT_DESCRIPTIONS: Partial<Record<(typeof OUT)[number], string>> = {
  requests: 'ARP requests sent (resolution and refresh)',
  replies: 'ARP replies sent',
  announcements: 'gratuitous ARP announcements sent (RFC 5227 §2.3)',
  'queue-overflow': 'packets dropped: the queue of an unresolved neighbour was full (oldest dropped)',
  unresolved: 'packets dropped: the neighbour did not answer (host unreachable sent)',
  evicted: 'packets dropped: their unresolved entry was evicted from a full cache',
  'failed-drops': 'packets dropped: the neighbour recently failed to answer (host unreachable sent)',
  'no-link-layer': 'ARP packets not sent: no link layer for the interface',
  'unsupported-link': 'packets dropped: ARP is not run on the interface type',
  noarp: 'packets dropped: the interface has NOARP set',
  'bad-next-hop': 'packets dropped: next hop 0.0.0.0, multicast or broadcast handed to ARP',
};

/** The `arp.*` counters of one stack. @internal */
export function arpCounters(ctx: ModuleContext) {
  return {
    input: ctx.counters('arp.in', IN, IN_DESCRIPTIONS),
    output: ctx.counters('arp.out', OUT, OUT_DESCRIPTIONS),
    cacheFull: ctx.counter('arp.cache-full', 'entries not created: the cache was full of static and unresolved entries'),
  };
}

/** @internal */
export type ArpCounters = ReturnType<typeof arpCounters>;
