// The IGMP host (RFC 3376 §5, §7; RFC 2236 §3; RFC 1112) on one raw-driven interface: what it sends
// on join and leave, how it answers queries, compatibility modes, and hostile input.
import { describe, expect, it } from 'vitest';
import { InterfaceEvents, Ipv4Address, NetworkProtocolService, type NetworkProtocol } from '@stack/core';
import {
  emitIgmp,
  IgmpGroups,
  igmpLength,
  type IgmpMessage,
  IgmpPacketView,
  IgmpRecordType,
  ipv4Module,
  type IgmpOptions,
  type Ipv4ModuleOptions,
  parseIgmp,
  parseIpv4Header,
} from '../src/index.js';
import { ip, ipv4Packet } from './helpers/packets.js';
import { single, type Single } from './helpers/single.js';

const ME = ip('192.0.2.1');
const QUERIER = ip('192.0.2.254');
const G1 = ip('239.1.1.1');
const G2 = ip('239.2.2.2');
const MDNS = ip('224.0.0.251');
const RA = Uint8Array.of(148, 4, 0, 0);

/** A random source that repeats `values` (default: always 0.5) so every delay is known. */
function fixed(...values: number[]): () => number {
  const v = values.length === 0 ? [0.5] : values;
  let i = 0;
  return () => v[i++ % v.length];
}

interface Sent {
  src: number;
  dst: number;
  ttl: number;
  dscp: number;
  dontFragment: boolean;
  options: Uint8Array;
  msg: IgmpMessage;
}

function host(igmp: IgmpOptions | false = {}, extra: Ipv4ModuleOptions = {}): Single & { net: NetworkProtocol; join(g: number): void; leave(g: number): void; sent(): Sent[] } {
  const s = single({ ...extra, igmp: igmp === false ? false : { random: fixed(), ...igmp } });
  const net = s.stack.services.get(NetworkProtocolService, 'ipv4');
  return {
    ...s,
    net,
    join: (g) => net.joinGroup(s.ifp.index, new Ipv4Address(g)),
    leave: (g) => net.leaveGroup(s.ifp.index, new Ipv4Address(g)),
    /** The IGMP messages sent since the last call, decoded (other packets fail the test). */
    sent: () =>
      s.wire.take().map((p) => {
        const h = parseIpv4Header(p, 0, p.length);
        if ('error' in h) throw new Error(`sent a bad IPv4 header: ${h.error}`);
        expect(h.protocol).toBe(2);
        const hl = p.length - h.payloadLength;
        const msg = parseIgmp(p, hl, h.payloadLength);
        if ('error' in msg) throw new Error(`sent a bad IGMP message: ${msg.error}`);
        return { src: h.src, dst: h.dst, ttl: h.ttl, dscp: h.dscp, dontFragment: h.dontFragment, options: h.options, msg };
      }),
  };
}

/** An IGMP message in an IPv4 datagram from the querier (TTL 1, Router Alert unless told otherwise). */
function igmpPacket(msg: IgmpMessage, dst: number, ip4: { ttl?: number; routerAlert?: boolean; src?: number } = {}): Uint8Array {
  const body = new Uint8Array(igmpLength(msg));
  emitIgmp(msg, body, 0);
  return ipv4Packet({ src: ip4.src ?? QUERIER, dst, protocol: 2, ttl: ip4.ttl ?? 1, options: ip4.routerAlert === false ? new Uint8Array(0) : RA }, body);
}

const v3Query = (maxRespCode: number, group = 0, extra: Partial<{ qrv: number; qqic: number; sources: number[] }> = {}): IgmpMessage => ({
  kind: 'query',
  version: 3,
  maxRespCode,
  group,
  suppress: false,
  qrv: extra.qrv ?? 2,
  qqic: extra.qqic ?? 125,
  sources: extra.sources ?? [],
});
const v2Query = (maxRespCode: number, group = 0): IgmpMessage => ({ kind: 'query', version: 2, maxRespCode, group, suppress: false, qrv: 0, qqic: 0, sources: [] });
const v1Query: IgmpMessage = { kind: 'query', version: 1, maxRespCode: 0, group: 0, suppress: false, qrv: 0, qqic: 0, sources: [] };

/** The records of one IGMPv3 report, as [type, group] pairs. */
function records(s: Sent): [number, number][] {
  expect(s.msg.kind).toBe('v3-report');
  return s.msg.kind === 'v3-report' ? s.msg.records.map((r) => [r.type, r.group]) : [];
}

describe('IGMP host: joining and leaving (RFC 3376 §5.1, RFC 2236 §3)', () => {
  it('a join sends an IGMPv3 TO_EX{} report to 224.0.0.22 at once, then Robustness − 1 more within the Unsolicited Report Interval', () => {
    const h = host({ random: fixed(0.3) });
    h.join(G1);
    const first = h.sent();
    expect(first).toHaveLength(1);
    const r = first[0];
    // RFC 3376 §4: TTL 1, Router Alert (RFC 2113), Internetwork Control; the interface's address as source.
    expect([r.src, r.dst, r.ttl, r.dscp, r.dontFragment]).toEqual([ME, IgmpGroups.IGMPV3_ROUTERS, 1, 48, true]);
    expect([...r.options]).toEqual([...RA]);
    expect(records(r)).toEqual([[IgmpRecordType.CHANGE_TO_EXCLUDE_MODE, G1]]);
    expect(r.msg).toEqual({ kind: 'v3-report', records: [{ type: 4, group: G1, sources: [], auxData: new Uint8Array(0) }] });
    h.clock.advance(299);
    expect(h.sent()).toHaveLength(0);
    h.clock.advance(1); // 0.3 × 1000 ms
    const again = h.sent();
    expect(again.map(records)).toEqual([[[IgmpRecordType.CHANGE_TO_EXCLUDE_MODE, G1]]]);
    h.clock.advance(60_000);
    expect(h.sent()).toHaveLength(0);
    expect(h.counter('igmp.out.v3-reports')).toBe(2);
    expect(h.counter('ipv4.out.requests')).toBe(2);
  });

  it('sends Robustness-many state changes (3 with robustness 3), each within 1 s of the one before', () => {
    const h = host({ robustness: 3, random: fixed(0.999) });
    h.join(G1);
    const times: number[] = [];
    for (let t = 0; t < 5000; t += 1) {
      if (h.sent().length > 0) times.push(h.clock.now());
      h.clock.advance(1);
    }
    expect(times).toEqual([0, 999, 1998]);
  });

  it('a second join of the same group sends nothing; the last leave sends TO_IN{} Robustness times', () => {
    const h = host();
    h.join(G1);
    h.join(G1);
    h.clock.advance(5000);
    expect(h.sent()).toHaveLength(2);
    h.leave(G1);
    expect(h.sent()).toHaveLength(0); // one reference left
    h.leave(G1);
    expect(h.sent().map(records)).toEqual([[[IgmpRecordType.CHANGE_TO_INCLUDE_MODE, G1]]]);
    h.clock.advance(500);
    expect(h.sent().map(records)).toEqual([[[IgmpRecordType.CHANGE_TO_INCLUDE_MODE, G1]]]);
    h.clock.advance(60_000);
    expect(h.sent()).toHaveLength(0);
    expect(h.control.multicast()).toMatchObject([{ groups: [] }]);
    expect(h.clock.pending).toBe(0);
  });

  it('a leave while the join is still being repeated replaces it (RFC 3376 §5.1)', () => {
    const h = host();
    h.join(G1);
    h.leave(G1);
    expect(h.sent().map(records)).toEqual([[[4, G1]], [[3, G1]]]);
    h.clock.advance(5000);
    expect(h.sent().map(records)).toEqual([[[3, G1]]]);
  });

  it('never reports 224.0.0.1 (RFC 2236 §6, RFC 3376 §5), even joined explicitly', () => {
    const h = host();
    h.join(IgmpGroups.ALL_SYSTEMS);
    h.clock.advance(5000);
    expect(h.sent()).toHaveLength(0);
    h.wire.inject([igmpPacket(v3Query(10), IgmpGroups.ALL_SYSTEMS)]);
    h.wire.inject([igmpPacket(v2Query(10), IgmpGroups.ALL_SYSTEMS)]);
    h.clock.advance(5000);
    expect(h.sent()).toHaveLength(0);
    h.leave(IgmpGroups.ALL_SYSTEMS);
    expect(h.sent()).toHaveLength(0);
    expect(h.control.multicast()).toMatchObject([{ groups: [], igmp: { version: 2 } }]);
  });

  it('reports 224.0.0.0/24 groups (as Linux and FreeBSD by default), or not with reportLinkLocal: false', () => {
    const a = host();
    a.join(MDNS);
    expect(a.sent().map(records)).toEqual([[[4, MDNS]]]);
    const b = host({ reportLinkLocal: false });
    b.join(MDNS);
    b.join(G1);
    b.clock.advance(5000);
    expect(b.sent().flatMap(records)).toEqual([[4, G1], [4, G1]]);
    b.wire.inject([igmpPacket(v3Query(10), IgmpGroups.ALL_SYSTEMS)]);
    b.clock.advance(1000);
    expect(b.sent().flatMap(records)).toEqual([[2, G1]]);
    expect(b.control.multicast()[0].groups).toEqual([
      { group: '224.0.0.251', references: 1, reported: false },
      { group: '239.1.1.1', references: 1, reported: true },
    ]);
  });

  it('reports from 0.0.0.0 on an interface without an address (RFC 3376 §4.2.13)', () => {
    const h = host();
    h.ifp.removeAddress('192.0.2.1');
    h.join(G1);
    expect(h.sent().map((s) => s.src)).toEqual([0]);
  });

  it('splits a report that does not fit the MTU (RFC 3376 §4.2.16)', () => {
    const h = host();
    const groups = Array.from({ length: 200 }, (_, i) => ip(`239.0.${i >> 8}.${i & 0xff}`));
    for (const g of groups) h.join(g);
    h.clock.advance(5000);
    h.sent();
    h.wire.inject([igmpPacket(v3Query(10), IgmpGroups.ALL_SYSTEMS)]);
    h.clock.advance(1000);
    const reports = h.sent();
    expect(reports.map((r) => records(r).length)).toEqual([183, 17]); // (1500 − 24 − 8) / 8 = 183 records
    expect(reports.flatMap(records).map(([, g]) => g)).toEqual(groups);
  });

  it('an interface coming back up reports its groups again; a down interface sends nothing', () => {
    const h = host();
    h.join(G1);
    h.ifp.setUp(false);
    h.clock.advance(5000);
    h.sent();
    h.join(G2);
    expect(h.sent()).toHaveLength(0);
    h.ifp.setUp(true);
    expect(h.sent().flatMap(records)).toEqual([[4, G1], [4, G2]]);
  });
});

describe('IGMP host: answering queries (RFC 3376 §5.2)', () => {
  it('answers a general query after a random delay within Max Resp Time, one report holding every group', () => {
    const h = host({ random: fixed(0.999) });
    h.join(G1);
    h.join(G2);
    h.clock.advance(5000);
    h.sent();
    h.wire.inject([igmpPacket(v3Query(100), IgmpGroups.ALL_SYSTEMS)]); // 10 s
    expect(h.counter('igmp.in.v3-queries')).toBe(1);
    h.clock.advance(9989);
    expect(h.sent()).toHaveLength(0);
    h.clock.advance(1); // floor(0.999 × 10 000)
    const answer = h.sent();
    expect(answer).toHaveLength(1);
    expect(answer[0].dst).toBe(IgmpGroups.IGMPV3_ROUTERS);
    expect(records(answer[0])).toEqual([
      [IgmpRecordType.MODE_IS_EXCLUDE, G1],
      [IgmpRecordType.MODE_IS_EXCLUDE, G2],
    ]);
    h.clock.advance(60_000);
    expect(h.sent()).toHaveLength(0);
  });

  it('keeps the sooner of two general-query answers (§5.2 rules 1 and 2)', () => {
    const h = host({ random: fixed(0.5) });
    h.join(G1);
    h.clock.advance(5000);
    h.sent();
    h.wire.inject([igmpPacket(v3Query(100), IgmpGroups.ALL_SYSTEMS)]); // due in 5 s
    h.wire.inject([igmpPacket(v3Query(20), IgmpGroups.ALL_SYSTEMS)]); // due in 1 s: replaces it
    h.clock.advance(1000);
    expect(h.sent()).toHaveLength(1);
    h.clock.advance(10_000);
    expect(h.sent()).toHaveLength(0);
  });

  it('answers a group-specific query (sent to the group) with that group only, and ignores one for a group not joined', () => {
    const h = host({ random: fixed(0.5) });
    h.join(G1);
    h.join(G2);
    h.clock.advance(5000);
    h.sent();
    h.wire.inject([igmpPacket(v3Query(10, G2), G2)]);
    h.wire.inject([igmpPacket(v3Query(10, ip('239.9.9.9')), IgmpGroups.ALL_SYSTEMS)]);
    h.clock.advance(500);
    expect(h.sent().map(records)).toEqual([[[IgmpRecordType.MODE_IS_EXCLUDE, G2]]]);
    h.clock.advance(10_000);
    expect(h.sent()).toHaveLength(0);
    expect(h.counter('igmp.in.v3-queries')).toBe(2);
  });

  it('answers a group-and-source-specific query like a group-specific one: IS_EX{} (our EXCLUDE{} state)', () => {
    const h = host({ random: fixed(0.5) });
    h.join(G1);
    h.clock.advance(5000);
    h.sent();
    h.wire.inject([igmpPacket(v3Query(10, G1, { sources: [ip('192.0.2.7'), ip('192.0.2.8')] }), G1)]);
    h.clock.advance(500);
    const [r] = h.sent();
    expect(r.msg).toEqual({ kind: 'v3-report', records: [{ type: IgmpRecordType.MODE_IS_EXCLUDE, group: G1, sources: [], auxData: new Uint8Array(0) }] });
  });

  it('a general answer due sooner covers a later group-specific query', () => {
    const h = host({ random: fixed(0.5) });
    h.join(G1);
    h.clock.advance(5000);
    h.sent();
    h.wire.inject([igmpPacket(v3Query(10), IgmpGroups.ALL_SYSTEMS)]); // due at +500
    h.wire.inject([igmpPacket(v3Query(100, G1), G1)]); // would be due at +5000
    h.clock.advance(10_000);
    expect(h.sent().map(records)).toEqual([[[IgmpRecordType.MODE_IS_EXCLUDE, G1]]]);
  });

  it('adopts the QRV and QQIC of IGMPv3 queries (RFC 3376 §4.1.6, §4.1.7)', () => {
    const h = host();
    h.join(G1);
    h.wire.inject([igmpPacket(v3Query(10, 0, { qrv: 4, qqic: 20 }), IgmpGroups.ALL_SYSTEMS)]);
    expect(h.control.multicast()[0].igmp).toMatchObject({ version: 3, robustness: 4, queryIntervalMs: 20_000 });
    h.clock.advance(10_000);
    h.sent();
    h.join(G2);
    h.clock.advance(10_000);
    expect(h.sent()).toHaveLength(4);
  });
});

describe('IGMP host: compatibility with older queriers (RFC 3376 §7.2.1, RFC 2236)', () => {
  it('an IGMPv2 querier makes it speak IGMPv2 (reports to the group, Leave to 224.0.0.2), and IGMPv3 again after the timeout', () => {
    const h = host({ random: fixed(0.5) });
    h.join(G1);
    h.clock.advance(5000);
    h.sent();
    h.wire.inject([igmpPacket(v2Query(100), IgmpGroups.ALL_SYSTEMS)]);
    expect(h.counter('igmp.in.v2-queries')).toBe(1);
    // Older Version Querier Present Timeout = 2 × 125 s + 10 s (RFC 3376 §8.12).
    expect(h.control.multicast()[0].igmp).toMatchObject({ version: 2, v2QuerierPresentMs: 260_000, v1QuerierPresentMs: 0 });
    h.clock.advance(5000); // ceil(0.5 × 10 s)
    const answer = h.sent();
    expect(answer.map((s) => [s.dst, s.ttl, s.msg])).toEqual([[G1, 1, { kind: 'v2-report', group: G1 }]]);
    expect([...answer[0].options]).toEqual([...RA]);
    // A new join in IGMPv2 mode: a v2 report at once and one more within 10 s (RFC 2236 §3).
    h.join(G2);
    expect(h.sent().map((s) => s.msg)).toEqual([{ kind: 'v2-report', group: G2 }]);
    h.clock.advance(5000);
    expect(h.sent().map((s) => s.msg)).toEqual([{ kind: 'v2-report', group: G2 }]);
    // We sent the last report for G1: its leave goes to 224.0.0.2, once.
    h.leave(G1);
    expect(h.sent().map((s) => [s.dst, s.msg])).toEqual([[IgmpGroups.ALL_ROUTERS, { kind: 'v2-leave', group: G1 }]]);
    h.clock.advance(60_000);
    expect(h.sent()).toHaveLength(0);
    h.clock.advanceTo(5000 + 260_000 - 1); // the query came at 5 s
    expect(h.control.multicast()[0].igmp?.version).toBe(2);
    h.clock.advance(1);
    expect(h.control.multicast()[0].igmp?.version).toBe(3);
    h.leave(G2);
    expect(h.sent().map(records)).toEqual([[[IgmpRecordType.CHANGE_TO_INCLUDE_MODE, G2]]]);
  });

  it("another host's IGMPv2 report suppresses ours, and then the leave is not ours to send (RFC 2236 §3)", () => {
    const h = host({ random: fixed(0.5) });
    h.join(G1);
    h.clock.advance(5000);
    h.wire.inject([igmpPacket(v2Query(100), IgmpGroups.ALL_SYSTEMS)]);
    h.sent();
    h.clock.advance(1000);
    h.wire.inject([igmpPacket({ kind: 'v2-report', group: G1 }, G1, { src: ip('192.0.2.9') })]);
    expect(h.counter('igmp.in.reports')).toBe(1);
    expect(h.counter('igmp.out.suppressed')).toBe(1);
    h.clock.advance(20_000);
    expect(h.sent()).toHaveLength(0);
    h.leave(G1);
    expect(h.sent()).toHaveLength(0);
  });

  it('an IGMPv1 querier: IGMPv1 reports, no leave, and IGMPv1 wins over IGMPv2', () => {
    const h = host({ random: fixed(0.5) });
    h.join(G1);
    h.clock.advance(5000);
    h.sent();
    h.wire.inject([igmpPacket(v2Query(100), IgmpGroups.ALL_SYSTEMS)]);
    h.wire.inject([igmpPacket(v1Query, IgmpGroups.ALL_SYSTEMS, { routerAlert: false })]);
    expect(h.counter('igmp.in.v1-queries')).toBe(1);
    expect(h.control.multicast()[0].igmp).toMatchObject({ version: 1, v1QuerierPresentMs: 260_000 });
    h.clock.advance(5000);
    expect(h.sent().map((s) => [s.dst, s.msg])).toEqual([[G1, { kind: 'v1-report', group: G1 }]]);
    h.leave(G1);
    h.clock.advance(60_000);
    expect(h.sent()).toHaveLength(0);
  });

  it('answers an IGMPv3 query the IGMPv2 way while an IGMPv2 querier is present', () => {
    const h = host({ random: fixed(0.5) });
    h.join(G1);
    h.clock.advance(5000);
    h.wire.inject([igmpPacket(v2Query(10), IgmpGroups.ALL_SYSTEMS)]);
    h.clock.advance(5000);
    h.sent();
    h.wire.inject([igmpPacket(v3Query(10), IgmpGroups.ALL_SYSTEMS)]);
    h.clock.advance(1000);
    expect(h.sent().map((s) => s.msg)).toEqual([{ kind: 'v2-report', group: G1 }]);
  });

  it('leaving IGMPv3 mode cancels the pending IGMPv3 retransmissions and answers (§7.2.1)', () => {
    const h = host({ random: fixed(0.5) });
    h.join(G1);
    h.sent();
    h.wire.inject([igmpPacket(v3Query(100), IgmpGroups.ALL_SYSTEMS)]); // answer due in 5 s
    h.wire.inject([igmpPacket(v2Query(200), IgmpGroups.ALL_SYSTEMS)]); // cancels both; v2 answer in 10 s
    h.clock.advance(9999);
    expect(h.sent()).toHaveLength(0);
    h.clock.advance(1);
    expect(h.sent().map((s) => s.msg)).toEqual([{ kind: 'v2-report', group: G1 }]);
  });

  it('a group-specific IGMPv2 query moves a running delay only when its Max Resp Time is shorter', () => {
    const h = host({ random: fixed(0.5) });
    h.join(G1);
    h.clock.advance(5000);
    h.wire.inject([igmpPacket(v2Query(100), IgmpGroups.ALL_SYSTEMS)]); // due at +5 s
    h.sent();
    h.wire.inject([igmpPacket(v2Query(200, G1), G1)]); // 20 s: longer, ignored
    h.wire.inject([igmpPacket(v2Query(10, G1), G1)]); // 1 s: due at +0.5 s
    h.clock.advance(500);
    expect(h.sent()).toHaveLength(1);
    h.clock.advance(30_000);
    expect(h.sent()).toHaveLength(0);
  });

  it('version: 2 never speaks IGMPv3', () => {
    const h = host({ version: 2 });
    h.join(G1);
    expect(h.sent().map((s) => s.msg.kind)).toEqual(['v2-report']);
    expect(h.control.multicast()[0].igmp?.version).toBe(2);
  });
});

describe('IGMP input validation', () => {
  const cases: Array<[string, () => Uint8Array]> = [
    ['truncated', () => ipv4Packet({ src: QUERIER, dst: IgmpGroups.ALL_SYSTEMS, protocol: 2, ttl: 1, options: RA }, Uint8Array.of(0x11, 0x64, 0xee, 0x9b, 0, 0, 0))],
    [
      'bad-checksum',
      () => {
        const p = igmpPacket(v3Query(10), IgmpGroups.ALL_SYSTEMS);
        p[p.length - 1] ^= 1;
        return p;
      },
    ],
    ['bad-query-length', () => ipv4Packet({ src: QUERIER, dst: IgmpGroups.ALL_SYSTEMS, protocol: 2, ttl: 1, options: RA }, withChecksum(Uint8Array.of(0x11, 0x64, 0, 0, 0, 0, 0, 0, 0, 0)))],
    ['bad-source-count', () => ipv4Packet({ src: QUERIER, dst: IgmpGroups.ALL_SYSTEMS, protocol: 2, ttl: 1, options: RA }, withChecksum(Uint8Array.of(0x11, 0x64, 0, 0, 0, 0, 0, 0, 2, 125, 0, 9, 1, 2, 3, 4)))],
    ['bad-record-length', () => ipv4Packet({ src: QUERIER, dst: IgmpGroups.ALL_SYSTEMS, protocol: 2, ttl: 1, options: RA }, withChecksum(Uint8Array.of(0x22, 0, 0, 0, 0, 0, 0, 3, 4, 0, 0, 0, 239, 1, 1, 1)))],
    ['bad-ttl', () => igmpPacket(v3Query(10), IgmpGroups.ALL_SYSTEMS, { ttl: 2 })],
    ['bad-ttl', () => igmpPacket(v2Query(10), IgmpGroups.ALL_SYSTEMS, { ttl: 255 })],
    ['no-router-alert', () => igmpPacket(v3Query(10), IgmpGroups.ALL_SYSTEMS, { routerAlert: false })],
    ['no-router-alert', () => igmpPacket(v2Query(10), IgmpGroups.ALL_SYSTEMS, { routerAlert: false })],
    ['bad-destination', () => igmpPacket(v3Query(10), G1)],
    ['bad-group', () => igmpPacket(v3Query(10, ip('10.0.0.1')), IgmpGroups.ALL_SYSTEMS)],
    ['bad-group', () => igmpPacket({ kind: 'v2-report', group: ip('10.0.0.1') }, IgmpGroups.ALL_SYSTEMS)],
    ['reports', () => igmpPacket({ kind: 'v3-report', records: [{ type: 2, group: G1, sources: [], auxData: new Uint8Array(0) }] }, ME)],
    ['leaves', () => igmpPacket({ kind: 'v2-leave', group: G1 }, ME)],
    ['other', () => igmpPacket({ kind: 'other', type: 0x13, code: 0, data: new Uint8Array(12) }, ME)],
  ];
  for (const [counter, make] of cases) {
    it(`counts ${counter}, drops it without an answer, and releases the packet`, () => {
      const h = host();
      h.join(G1);
      h.clock.advance(5000);
      h.sent();
      h.wire.inject([make()]);
      expect(h.counter(`igmp.in.${counter}`)).toBe(1);
      expect(h.counter('igmp.in.received')).toBe(1);
      expect(igmpOutcomes(h)).toBe(1);
      h.clock.advance(60_000);
      expect(h.wire.take()).toHaveLength(0); // no report, no ICMP error
      expect(h.control.multicast()[0].igmp?.pendingReports).toBe(0);
      expect(h.stack.pool.stats.inUse).toBe(0);
      expect(h.counter('stack.input-errors')).toBe(0);
    });
  }

  it('accepts an IGMPv1 query without Router Alert, and queries from 0.0.0.0 (a snooping switch) or sent to our address', () => {
    const h = host();
    h.join(G1);
    h.clock.advance(5000);
    h.sent();
    h.wire.inject([igmpPacket(v1Query, IgmpGroups.ALL_SYSTEMS, { routerAlert: false })]);
    h.wire.inject([igmpPacket(v2Query(10), IgmpGroups.ALL_SYSTEMS, { src: 0 })]);
    h.wire.inject([igmpPacket(v2Query(10), ME)]);
    expect([h.counter('igmp.in.v1-queries'), h.counter('igmp.in.v2-queries')]).toEqual([1, 2]);
  });

  it('survives random IGMP payloads: every one lands in one counter, nothing is held', () => {
    const h = host({ random: fixed(0.1, 0.9, 0.5) });
    h.join(G1);
    let seed = 7;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let i = 0; i < 2000; i++) {
      const body = Uint8Array.from({ length: rnd() % 40 }, () => rnd() & 0xff);
      if (i % 2 === 0 && body.length > 0) body[0] = [0x11, 0x12, 0x16, 0x17, 0x22][rnd() % 5];
      if (i % 3 !== 0 && body.length >= 8) new IgmpPacketView(body, 0, body.length).fillChecksum();
      h.wire.inject([ipv4Packet({ src: QUERIER, dst: IgmpGroups.ALL_SYSTEMS, protocol: 2, ttl: 1, options: RA }, body)]);
      h.clock.advance(rnd() % 2000);
    }
    expect(h.counter('igmp.in.received')).toBe(2000);
    expect(igmpOutcomes(h)).toBe(2000);
    expect(h.stack.pool.stats.inUse).toBe(0);
    const state = h.control.multicast()[0];
    expect(state.groups).toHaveLength(1);
    expect(state.igmp!.pendingReports).toBeLessThanOrEqual(1);
  });

  it('a flood of group-specific queries for groups not joined creates no state', () => {
    const h = host();
    h.join(G1);
    for (let i = 0; i < 5000; i++) {
      const g = (0xe8000000 + i) >>> 0;
      h.wire.inject([igmpPacket(v3Query(255, g), IgmpGroups.ALL_SYSTEMS)]);
    }
    expect(h.counter('igmp.in.v3-queries')).toBe(5000);
    expect(h.control.multicast()[0]).toMatchObject({ groups: [{ group: '239.1.1.1' }], igmp: { pendingReports: 1 } });
  });
});

describe('IGMP options and module life', () => {
  it('igmp: false turns IGMP off: nothing sent, IGMP is an unknown protocol, groups still work', () => {
    const h = host(false);
    h.join(G1);
    h.clock.advance(5000);
    expect(h.wire.take()).toHaveLength(0);
    h.wire.inject([igmpPacket(v3Query(10), IgmpGroups.ALL_SYSTEMS)]);
    expect(h.counter('ipv4.in.unknown-protocol')).toBe(1);
    expect(h.stack.counters.snapshot('igmp.')).toEqual({});
    expect(h.control.multicast()).toEqual([{ ifindex: h.ifp.index, groups: [{ group: '239.1.1.1', references: 1, reported: false }], igmp: null }]);
  });

  it('checks its options, naming the field', () => {
    expect(() => ipv4Module({ igmp: { robustness: 0 } })).toThrow(/igmp\.robustness must be an integer in 1\.\.7, got 0/);
    expect(() => ipv4Module({ igmp: { version: 4 as 3 } })).toThrow(/igmp\.version must be an integer in 1\.\.3/);
    expect(() => ipv4Module({ igmp: { unsolicitedReportIntervalMs: -1 } })).toThrow(/igmp\.unsolicitedReportIntervalMs/);
    expect(() => ipv4Module({ igmp: { v2UnsolicitedReportIntervalMs: Number.NaN } })).toThrow(/igmp\.v2UnsolicitedReportIntervalMs/);
    expect(() => ipv4Module({ igmp: { queryIntervalMs: 0 } })).toThrow(/igmp\.queryIntervalMs/);
    expect(() => ipv4Module({ igmp: { reportLinkLocal: 'yes' as unknown as boolean } })).toThrow(/igmp\.reportLinkLocal/);
    expect(() => ipv4Module({ igmp: { random: 1 as unknown as () => number } })).toThrow(/igmp\.random/);
    expect(() => ipv4Module({ igmp: true as unknown as false })).toThrow(/ipv4Module: igmp must be an object or false/);
  });

  it('unloading leaves no timer or counter behind; a removed interface is forgotten', () => {
    const h = host();
    h.join(G1);
    h.wire.inject([igmpPacket(v3Query(100), IgmpGroups.ALL_SYSTEMS)]);
    expect(h.clock.pending).toBe(1);
    let detached = 0;
    h.stack.events.on(InterfaceEvents, (e) => void (e.type === 'DETACH' && detached++));
    void h.stack.interfaces.remove(h.ifp.name);
    expect(detached).toBe(1);
    expect(h.clock.pending).toBe(0);
    expect(h.control.multicast()).toEqual([]);
    h.stack.unload('ipv4');
    expect(h.stack.counters.snapshot('igmp.')).toEqual({});
  });

  it('two stacks keep separate state', () => {
    const a = host();
    const b = host();
    a.join(G1);
    expect(a.sent()).toHaveLength(1);
    expect(b.sent()).toHaveLength(0);
    expect(b.control.multicast()).toEqual([]);
  });
});

function withChecksum(bytes: Uint8Array): Uint8Array {
  new IgmpPacketView(bytes, 0, bytes.length).fillChecksum();
  return bytes;
}

/** Sum of every `igmp.in.*` outcome counter (everything but `received`). */
function igmpOutcomes(h: Single): number {
  let sum = 0;
  for (const [name, value] of Object.entries(h.stack.counters.snapshot('igmp.in'))) if (name !== 'igmp.in.received') sum += value;
  return sum;
}
