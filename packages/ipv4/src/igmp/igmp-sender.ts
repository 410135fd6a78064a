import { allocateOutbound, ipv4ToBytes, PacketFlags, type Counter, type NetInterface, type PacketBuffer, type Stack } from '@stack/core';
import type { Ipv4Output } from '../output.js';
import {
  fillIpv4HeaderChecksum,
  IGMP_MIN_LENGTH,
  IgmpGroups,
  IgmpPacketView,
  IgmpType,
  IGMPV3_RECORD_HEADER_LENGTH,
  IGMPV3_REPORT_HEADER_LENGTH,
  IpProtocol,
  Ipv4OptionType,
  writeIgmpRecord,
} from '../wire/index.js';
import type { IgmpCounters } from './igmp-counters.js';

/** IPv4 header with the 4-byte Router Alert option (RFC 2113). */
const IP_HEADER_LENGTH = 24;
/** Internetwork Control (CS6), as RFC 3376 §4 suggests (ToS 0xc0). */
const TOS_CS6 = 0xc0;

/** A group and the record type to report for it in an IGMPv3 report. @internal */
export interface IgmpReportItem {
  readonly group: number;
  readonly type: number;
}

/**
 * Builds and sends IGMP messages (RFC 3376 §4, RFC 2236 §2): TTL 1, the Router Alert option
 * (RFC 2113), ToS 0xc0, DF (atomic datagrams, RFC 6864 §4.1), from the interface's first active
 * IPv4 address or 0.0.0.0 when it has none (RFC 3376 §4.2.13). The datagram is complete when it
 * reaches `Ipv4Output.emit`, which runs the `ipv4.output` hooks and hands it to the link; IGMP is
 * link-scoped, so no route lookup. IGMPv3 reports larger than the interface MTU are split
 * (RFC 3376 §4.2.16).
 * @internal
 */
export class IgmpSender {
  private readonly view = new IgmpPacketView();

  constructor(
    private readonly stack: Stack,
    private readonly output: Ipv4Output,
    private readonly counters: IgmpCounters,
    private readonly originated: Counter,
  ) {}

  /** IGMPv3 reports to 224.0.0.22 carrying `items` (no sources), as many as the MTU needs. */
  v3(ifp: NetInterface, items: readonly IgmpReportItem[]): void {
    if (items.length === 0) return;
    const perMessage = Math.max(1, Math.floor((ifp.mtu - IP_HEADER_LENGTH - IGMPV3_REPORT_HEADER_LENGTH) / IGMPV3_RECORD_HEADER_LENGTH));
    for (let first = 0; first < items.length; first += perMessage) {
      const count = Math.min(perMessage, items.length - first);
      const length = IGMPV3_REPORT_HEADER_LENGTH + count * IGMPV3_RECORD_HEADER_LENGTH;
      const buf = this.allocate(ifp, IgmpGroups.IGMPV3_ROUTERS, length);
      const d = buf.data;
      const p = buf.start + IP_HEADER_LENGTH;
      d[p] = IgmpType.V3_MEMBERSHIP_REPORT;
      d[p + 6] = count >>> 8;
      d[p + 7] = count;
      let at = p + IGMPV3_REPORT_HEADER_LENGTH;
      for (let i = first; i < first + count; i++) at += writeIgmpRecord(d, at, items[i].type, items[i].group);
      this.send(ifp, buf, IgmpGroups.IGMPV3_ROUTERS, length, this.counters.out['v3-reports']);
    }
  }

  /** An IGMPv1/v2 report to the group itself, or an IGMPv2 Leave Group to 224.0.0.2 (RFC 2236 §3). */
  group(ifp: NetInterface, type: number, group: number): void {
    const dst = type === IgmpType.V2_LEAVE_GROUP ? IgmpGroups.ALL_ROUTERS : group;
    const buf = this.allocate(ifp, dst, IGMP_MIN_LENGTH);
    const d = buf.data;
    const p = buf.start + IP_HEADER_LENGTH;
    d[p] = type;
    ipv4ToBytes(group, d, p + 4);
    const c = this.counters.out;
    this.send(ifp, buf, dst, IGMP_MIN_LENGTH, type === IgmpType.V2_LEAVE_GROUP ? c.leaves : type === IgmpType.V1_MEMBERSHIP_REPORT ? c['v1-reports'] : c['v2-reports']);
  }

  /** A zeroed buffer for the whole datagram (IP header included) of an IGMP message of `length` bytes. */
  private allocate(ifp: NetInterface, dst: number, length: number): PacketBuffer {
    const total = IP_HEADER_LENGTH + length;
    const buf = allocateOutbound(this.stack, ifp, total, 0, 'ipv4', ifp.fib);
    buf.data.fill(0, buf.start, buf.start + total);
    ipv4ToBytes(primaryAddress(ifp), buf.src, 0);
    ipv4ToBytes(dst, buf.dst, 0);
    return buf;
  }

  private send(ifp: NetInterface, buf: PacketBuffer, dst: number, length: number, sent: Counter): void {
    const d = buf.data;
    const at = buf.start;
    const total = IP_HEADER_LENGTH + length;
    this.view.reset(d, at + IP_HEADER_LENGTH, length).fillChecksum(buf.words);
    // RFC 3376 §4, RFC 2236 §2: TTL 1. DF: a report is never fragmented.
    this.output.writeHeader(d, at, IP_HEADER_LENGTH, TOS_CS6, total, true, 1, IpProtocol.IGMP, buf.src, buf.dst);
    // RFC 2113 Router Alert: type 148, length 4, value 0 (examine the packet).
    d[at + 20] = Ipv4OptionType.ROUTER_ALERT;
    d[at + 21] = 4;
    fillIpv4HeaderChecksum(d, at);
    buf.networkOffset = at;
    buf.transportOffset = at + IP_HEADER_LENGTH;
    buf.flags |= PacketFlags.DONT_FRAGMENT;
    this.originated.inc();
    if (this.output.emit(buf, ifp, dst, false, ifp.mtu, true) === null) sent.inc();
    else this.counters.out.failed.inc();
  }
}

/** The interface's first active IPv4 address, or 0.0.0.0 when it has none (RFC 3376 §4.2.13). */
function primaryAddress(ifp: NetInterface): number {
  const addrs = ifp.addresses;
  for (let i = 0; i < addrs.length; i++) {
    const a = addrs[i];
    if (a.address.family === 'ipv4' && a.isActive(ifp)) return a.address.value;
  }
  return 0;
}
