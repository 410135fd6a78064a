import type { ModuleContext } from '@stack/core';

const IN = [
  'truncated',
  'llc-unsupported',
  'too-many-vlan-tags',
  'vlan-unconfigured',
  'bad-source',
  'not-for-us',
  'multicast-filtered',
  'promiscuous',
  'unknown-ethertype',
] as const;

const IN_DESCRIPTIONS: Partial<Record<(typeof IN)[number], string>> = {
  truncated: 'frames dropped: shorter than their Ethernet header',
  'llc-unsupported': 'frames dropped: IEEE 802.3 length field (LLC), not an ethertype',
  'too-many-vlan-tags': 'frames dropped: more than two stacked VLAN tags',
  'vlan-unconfigured': 'frames dropped: 802.1Q/802.1ad tagged, and VLAN sub-interfaces are not supported',
  'bad-source': 'frames dropped: group (multicast) source address',
  'not-for-us': 'frames dropped: unicast to another host and the interface is not promiscuous',
  'multicast-filtered': 'frames dropped: multicast group not joined on the interface',
  promiscuous: 'frames to other hosts accepted in promiscuous mode (marked OTHERHOST)',
  'unknown-ethertype': 'frames dropped: no protocol registered for the ethertype',
};

const OUT = ['no-family', 'no-resolver', 'bad-link-address', 'no-hardware-address', 'resolving', 'headroom-copy'] as const;

const OUT_DESCRIPTIONS: Partial<Record<(typeof OUT)[number], string>> = {
  'no-family': 'packets dropped: output without an address family to resolve the next hop',
  'no-resolver': 'packets dropped: no neighbour resolver loaded for the family',
  'bad-link-address': 'packets dropped: a link address that is not 6 bytes',
  'no-hardware-address': 'packets dropped: the interface has no Ethernet address',
  resolving: 'packets handed to the neighbour resolver to wait for resolution',
  'headroom-copy': 'packets copied because they lacked headroom or tailroom for the header and padding',
};

/** The `ether.in.*` and `ether.out.*` counters of one stack. @internal */
export function etherCounters(ctx: ModuleContext) {
  return {
    input: ctx.counters('ether.in', IN, IN_DESCRIPTIONS),
    output: ctx.counters('ether.out', OUT, OUT_DESCRIPTIONS),
  };
}

/** @internal */
export type EtherCounters = ReturnType<typeof etherCounters>;
