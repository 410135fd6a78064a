// A Linux bridge with IGMP snooping and its own querier as the far side of a TAP: the real peer of
// our IGMP host. The bridge learns group membership per port from the reports it receives
// (`bridge mdb show`) and queries the link itself (`mcast_querier`), so it answers what a snooping
// switch and a multicast router would. Plus tshark's view of the IGMP frames in a capture.
import { runOk, type Netns } from './testbed.js';

/** Multicast settings of a bridge (`ip link ... type bridge`), times in centiseconds as iproute2 takes them. */
export interface BridgeMulticastOptions {
  /** IGMP version of the bridge's own queries, 2 or 3. */
  readonly igmpVersion?: 2 | 3;
  /** Query Interval, cs (kernel default 12 500). Its IGMPv3 queries carry it as QQIC. */
  readonly queryIntervalCs?: number;
  /** Query Response Interval (Max Resp Time of general queries), cs (default 1000). */
  readonly queryResponseIntervalCs?: number;
  /** Interval of the start-up queries, cs. */
  readonly startupQueryIntervalCs?: number;
  /** Last Member Query Interval (group-specific queries after a leave), cs (default 100). */
  readonly lastMemberIntervalCs?: number;
}

function bridgeArgs(o: BridgeMulticastOptions): string[] {
  const args: string[] = [];
  if (o.igmpVersion !== undefined) args.push('mcast_igmp_version', String(o.igmpVersion));
  if (o.queryIntervalCs !== undefined) args.push('mcast_query_interval', String(o.queryIntervalCs));
  if (o.queryResponseIntervalCs !== undefined) args.push('mcast_query_response_interval', String(o.queryResponseIntervalCs));
  if (o.startupQueryIntervalCs !== undefined) args.push('mcast_startup_query_interval', String(o.startupQueryIntervalCs));
  if (o.lastMemberIntervalCs !== undefined) args.push('mcast_last_member_interval', String(o.lastMemberIntervalCs));
  return args;
}

/**
 * A TAP `tap` enslaved to a new bridge `bridge` that snoops IGMP and is the querier of the link
 * (from its own address, `mcast_query_use_ifaddr`); the bridge holds the Linux side's addresses
 * `cidrs`. Everything is brought up; the TAP has no carrier until our host attaches.
 */
export async function addSnoopingBridge(ns: Netns, bridge: string, tap: string, cidrs: string | readonly string[], options: BridgeMulticastOptions = {}): Promise<void> {
  await ns.ip('link', 'add', bridge, 'type', 'bridge', 'mcast_snooping', '1', 'mcast_querier', '1', 'mcast_query_use_ifaddr', '1', ...bridgeArgs(options));
  await ns.ip('tuntap', 'add', 'dev', tap, 'mode', 'tap');
  await ns.ip('link', 'set', tap, 'master', bridge);
  await ns.configureDevice(bridge, cidrs);
  await ns.ip('link', 'set', bridge, 'up');
  await ns.ip('link', 'set', tap, 'up');
}

/** Change multicast settings of an existing bridge (e.g. `{ igmpVersion: 2 }`: its querier speaks IGMPv2 from the next query). */
export async function setBridgeMulticast(ns: Netns, bridge: string, options: BridgeMulticastOptions): Promise<void> {
  await ns.ip('link', 'set', bridge, 'type', 'bridge', ...bridgeArgs(options));
}

/** One entry of the bridge's multicast database: a group learnt on a port. */
export interface MdbEntry {
  readonly port: string;
  readonly group: string;
  /** `temp` (learnt from reports, ages out) or `permanent`. */
  readonly state: string;
}

/** `bridge -j mdb show dev BRIDGE`: the groups the bridge has learnt, per port. */
export async function mdbEntries(ns: Netns, bridge: string): Promise<MdbEntry[]> {
  const r = await ns.exec(['bridge', '-j', 'mdb', 'show', 'dev', bridge], { timeoutMs: 10_000 });
  if (r.code !== 0) throw new Error(`bridge mdb show: exit ${r.code}\n${r.stderr}`);
  const out: MdbEntry[] = [];
  for (const block of JSON.parse(r.stdout || '[]') as { mdb?: { port: string; grp: string; state: string }[] }[]) {
    for (const e of block.mdb ?? []) out.push({ port: e.port, group: e.grp, state: e.state });
  }
  return out;
}

/** One IGMP message of a capture as tshark dissects it. */
export interface IgmpFrame {
  readonly frame: number;
  readonly src: string;
  readonly dst: string;
  readonly ttl: number;
  /** The IPv4 header carries the Router Alert option (RFC 2113). */
  readonly routerAlert: boolean;
  /** IGMP version tshark assigns (1, 2 or 3). */
  readonly version: number;
  /** IGMP type (0x11 query, 0x16 v2 report, 0x17 leave, 0x22 v3 report, ...). */
  readonly type: number;
  /** Group addresses the message names (the v1/v2 group, or each IGMPv3 record's). */
  readonly groups: readonly string[];
  /** IGMPv3 record types, in record order. */
  readonly recordTypes: readonly number[];
}

/** The IGMP messages of `file` matching `filter` (a display filter, `igmp` is added). */
export async function igmpFrames(file: string, filter: string): Promise<IgmpFrame[]> {
  const fields = ['frame.number', 'ip.src', 'ip.dst', 'ip.ttl', 'ip.opt.ra', 'igmp.version', 'igmp.type', 'igmp.maddr', 'igmp.record_type'];
  const r = await runOk('tshark', ['-n', '-r', file, '-Y', `igmp && (${filter})`, '-T', 'fields', '-E', 'separator=\t', '-E', 'aggregator=,', ...fields.flatMap((f) => ['-e', f])], { timeoutMs: 60_000 });
  const list = (s: string | undefined): string[] => (s === undefined || s === '' ? [] : s.split(','));
  return r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [frame, src, dst, ttl, ra, version, type, maddr, records] = l.split('\t');
      return {
        frame: Number(frame),
        src,
        dst,
        ttl: Number(ttl),
        routerAlert: ra !== undefined && ra !== '',
        version: Number(version),
        type: Number(type),
        groups: list(maddr),
        recordTypes: list(records).map(Number),
      };
    });
}
