import type { ModuleContext } from '@stack/core';

const RX = [
  'rs', 'ra', 'ns', 'na', 'redirect',
  'bad-hop-limit', 'bad-code', 'truncated', 'zero-option-length', 'option-overrun', 'bad-option', 'bad-link-address',
  'multicast-target', 'unspecified-with-slla', 'dad-not-solicited-node', 'solicited-to-multicast',
  'ra-not-link-local', 'redirect-not-link-local', 'redirect-not-first-hop', 'redirect-multicast-destination', 'redirect-bad-target',
  'not-nd-interface', 'unknown-target', 'not-our-target', 'inactive-target', 'tentative-target', 'own', 'static-mismatch',
  'rs-ignored', 'ra-ignored', 'redirect-ignored', 'unknown-type', 'ipv6-disabled', 'errors',
] as const;

const RX_DESCRIPTIONS: Partial<Record<(typeof RX)[number], string>> = {
  'bad-hop-limit': 'ND messages dropped: IPv6 hop limit not 255 (RFC 4861 §6.1, §7.1, §8.1)',
  'bad-code': 'ND messages dropped: ICMPv6 code not 0',
  truncated: 'ND messages dropped: shorter than the fixed part of their type',
  'zero-option-length': 'ND messages dropped: an option with length 0',
  'option-overrun': 'ND messages dropped: an option running past the end of the message',
  'bad-option': 'ND messages dropped: a known option of the wrong size',
  'bad-link-address': 'ND messages dropped: a link-layer address option too short for the interface',
  'multicast-target': 'NS/NA dropped: multicast target address',
  'unspecified-with-slla': 'NS/RS dropped: unspecified source with a source link-layer address option',
  'dad-not-solicited-node': 'NS dropped: unspecified source but not sent to a solicited-node group',
  'solicited-to-multicast': 'NA dropped: Solicited flag set on a multicast advertisement',
  'ra-not-link-local': 'RAs dropped: source not link-local (RFC 4861 §6.1.2)',
  'redirect-not-link-local': 'redirects dropped: source not link-local (RFC 4861 §8.1)',
  'redirect-not-first-hop': 'redirects dropped: not from the current first-hop router for the destination',
  'redirect-multicast-destination': 'redirects dropped: multicast destination',
  'redirect-bad-target': 'redirects dropped: target neither link-local nor the destination',
  'not-nd-interface': 'ND messages dropped: ND does not run on the interface',
  'unknown-target': 'NAs ignored: no neighbour cache entry for the target (RFC 4861 §7.2.5)',
  'not-our-target': 'NSs ignored: target is not an address of the interface',
  'inactive-target': 'NSs not answered: the address arbiter says the target is not active here',
  'tentative-target': 'NSs not answered: the target is tentative (RFC 4862 §5.4.3)',
  own: 'our own DAD solicitations looped back (RFC 7527 nonce)',
  'static-mismatch': 'messages claiming another link address for a permanent entry: ignored',
  'rs-ignored': 'RSs ignored: this node is not a router',
  'ra-ignored': 'RAs not used for configuration: router, or acceptRa off',
  'redirect-ignored': 'redirects ignored: this node is a router',
  'unknown-type': 'messages of a type ND does not handle',
  'ipv6-disabled': 'ND and MLD messages dropped: IPv6 is disabled on the interface (RFC 4862 §5.4.5)',
  errors: 'messages whose processing failed inside ND (a bug): dropped',
};

const TX = ['ns', 'na', 'rs', 'dad-ns', 'unsolicited-na', 'alloc-failed', 'no-source', 'ipv6-disabled'] as const;
const TX_DESCRIPTIONS: Partial<Record<(typeof TX)[number], string>> = {
  ns: 'neighbour solicitations sent for resolution and unreachability detection',
  na: 'solicited neighbour advertisements sent',
  rs: 'router solicitations sent',
  'dad-ns': 'DAD probes sent (RFC 4862 §5.4.2)',
  'unsolicited-na': 'unsolicited neighbour advertisements sent (RFC 4861 §7.2.6)',
  'alloc-failed': 'ND messages not sent: the IPv6 layer could not allocate them',
  'no-source': 'solicitations not sent: no usable source address on the interface',
  'ipv6-disabled': 'ND and MLD messages not sent: IPv6 is disabled on the interface (RFC 4862 §5.4.5)',
};

const CACHE = ['queue-overflow', 'unresolved', 'evicted', 'full', 'resolution-failed', 'nud-failed', 'moved', 'created', 'unsupported-link', 'bad-next-hop'] as const;
const CACHE_DESCRIPTIONS: Partial<Record<(typeof CACHE)[number], string>> = {
  'queue-overflow': 'packets dropped: the queue of an unresolved neighbour was full (oldest dropped)',
  unresolved: 'packets dropped: the neighbour did not answer (address unreachable sent)',
  evicted: 'packets dropped: their unresolved entry was evicted from a full cache',
  full: 'entries not created: the cache was full of permanent and unresolved entries',
  'resolution-failed': 'address resolutions given up after MAX_MULTICAST_SOLICIT (RFC 4861 §7.2.2)',
  'nud-failed': 'neighbours declared unreachable after MAX_UNICAST_SOLICIT probes (RFC 4861 §7.3.3)',
  moved: 'entries whose link address changed',
  created: 'entries created',
  'unsupported-link': 'packets dropped: ND does not run on the interface (no link-layer address)',
  'bad-next-hop': 'packets dropped: multicast or unspecified next hop handed to the resolver',
};

const DAD = ['started', 'succeeded', 'duplicates', 'conflicts-after-dad', 'retries', 'held-elsewhere', 'interface-disabled'] as const;
const DAD_DESCRIPTIONS: Partial<Record<(typeof DAD)[number], string>> = {
  duplicates: 'tentative addresses found in use by another node: marked DUPLICATED (RFC 4862 §5.4.5)',
  'conflicts-after-dad': 'addresses that had passed DAD claimed by another node: reported, kept',
  retries: 'replacement stable addresses tried after a duplicate (RFC 7217 §6)',
  'held-elsewhere': 'claims on an address its arbiter holds inactive here (a CARP backup): not a conflict',
  'interface-disabled': 'interfaces whose IPv6 was disabled: their hardware-derived link-local address was duplicated (RFC 4862 §5.4.5)',
};
const RA = ['prefix-link-local', 'prefix-bad-lifetimes', 'prefix-bad-length', 'routers-full', 'prefixes-full', 'mtu-ignored', 'slaac-formed', 'slaac-refreshed', 'two-hour-rule', 'redirects-accepted', 'redirects-full'] as const;
const RA_DESCRIPTIONS: Partial<Record<(typeof RA)[number], string>> = {
  'prefix-link-local': 'prefix options for the link-local prefix: ignored (RFC 4861 §6.3.4, RFC 4862 §5.5.3 b)',
  'prefix-bad-lifetimes': 'autonomous prefixes ignored: preferred lifetime above valid (RFC 4862 §5.5.3 c)',
  'prefix-bad-length': 'autonomous prefixes ignored: prefix length + 64 is not 128 (RFC 4862 §5.5.3 d)',
  'routers-full': 'routers not added: the default router list was full',
  'prefixes-full': 'prefixes not added: the prefix list was full',
  'mtu-ignored': 'MTU options ignored: below 1280 or above the interface MTU',
  'slaac-formed': 'addresses formed by stateless autoconfiguration',
  'slaac-refreshed': 'autoconfigured address lifetimes refreshed',
  'two-hour-rule': 'valid lifetimes capped by the two-hour rule (RFC 4862 §5.5.3 e)',
  'redirects-accepted': 'redirects accepted (host route or cache update, RFC 4861 §8.3)',
  'redirects-full': 'redirect routes not installed: at the limit',
};

const MLD_RX = ['queries', 'v1-queries', 'reports', 'bad-hop-limit', 'no-router-alert', 'not-link-local', 'bad-length', 'truncated'] as const;
const MLD_TX = ['reports', 'v1-reports', 'v1-dones', 'alloc-failed'] as const;

/** The `nd.*` and `mld.*` counters of one stack. @internal */
export function ndCounters(ctx: ModuleContext) {
  return {
    rx: ctx.counters('nd.rx', RX, RX_DESCRIPTIONS),
    tx: ctx.counters('nd.tx', TX, TX_DESCRIPTIONS),
    cache: ctx.counters('nd.cache', CACHE, CACHE_DESCRIPTIONS),
    dad: ctx.counters('nd.dad', DAD, DAD_DESCRIPTIONS),
    ra: ctx.counters('nd.ra', RA, RA_DESCRIPTIONS),
    mldRx: ctx.counters('mld.rx', MLD_RX),
    mldTx: ctx.counters('mld.tx', MLD_TX),
  };
}

/** @internal */
export type NdCounters = ReturnType<typeof ndCounters>;
