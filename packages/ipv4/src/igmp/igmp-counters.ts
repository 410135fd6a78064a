import type { ModuleContext } from '@stack/core';

/**
 * Where every received IGMP message ends: exactly one of these `igmp.in.*` counters (besides
 * `received`) per message handed to IGMP.
 */
const IN_OUTCOMES = [
  'v1-queries',
  'v2-queries',
  'v3-queries',
  'reports',
  'leaves',
  'other',
  'truncated',
  'bad-checksum',
  'bad-query-length',
  'bad-source-count',
  'bad-record-length',
  'bad-ttl',
  'no-router-alert',
  'bad-destination',
  'bad-group',
] as const;

const IN_DESCRIPTIONS: Partial<Record<(typeof IN_OUTCOMES)[number] | 'received', string>> = {
  received: 'IGMP messages handed to IGMP by IPv4',
  reports: "other hosts' membership reports (IGMPv1/v2 ones suppress ours, RFC 2236 §3)",
  leaves: "other hosts' IGMPv2 Leave Group messages (for routers; ignored)",
  other: 'messages of another type (DVMRP, mtrace, ...), ignored',
  truncated: 'shorter than 8 bytes',
  'bad-checksum': 'checksum over the message wrong (RFC 3376 §4.1.2)',
  'bad-query-length': 'queries of 9 to 11 bytes (RFC 3376 §7.1: ignored)',
  'bad-source-count': 'IGMPv3 queries whose sources run past the message',
  'bad-record-length': 'IGMPv3 reports whose group records run past the message',
  'bad-ttl': 'IP TTL not 1 (RFC 3376 §4, RFC 2236 §2)',
  'no-router-alert': 'IGMPv2/v3 queries without the Router Alert option (RFC 3376 §9.1)',
  'bad-destination': 'general queries to a multicast address other than 224.0.0.1 (RFC 3376 §9.1)',
  'bad-group': 'a group-specific query, report or leave whose group is not a multicast address',
};

const OUT = ['v3-reports', 'v2-reports', 'v1-reports', 'leaves', 'suppressed', 'failed'] as const;

const OUT_DESCRIPTIONS: Partial<Record<(typeof OUT)[number], string>> = {
  'v3-reports': 'IGMPv3 reports sent to 224.0.0.22 (state changes and answers to queries)',
  'v2-reports': 'IGMPv2 reports sent to their group',
  'v1-reports': 'IGMPv1 reports sent to their group (an IGMPv1 querier is present)',
  leaves: 'IGMPv2 Leave Group messages sent to 224.0.0.2',
  suppressed: "our pending IGMPv1/v2 reports cancelled by another host's report (RFC 2236 §3)",
  failed: 'messages not sent: no link layer or the datagram did not fit the interface',
};

/** The counters of IGMP, created at attach (when IGMP is on) and removed at unload. @internal */
export function createIgmpCounters(ctx: ModuleContext) {
  return {
    received: ctx.counter('igmp.in.received', IN_DESCRIPTIONS.received),
    in: ctx.counters('igmp.in', IN_OUTCOMES, IN_DESCRIPTIONS),
    out: ctx.counters('igmp.out', OUT, OUT_DESCRIPTIONS),
  };
}

/** @internal */
export type IgmpCounters = ReturnType<typeof createIgmpCounters>;
