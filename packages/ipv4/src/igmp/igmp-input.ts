import { ipv4FromBytes, isIpv4Multicast, type NetInterface, type PacketBuffer, type UpperProtocolHandler } from '@stack/core';
import { IgmpGroups, IgmpPacketView, IgmpType, IPV4_MIN_HEADER_LENGTH, Ipv4OptionCursor, Ipv4OptionType } from '../wire/index.js';
import type { IgmpCounters } from './igmp-counters.js';
import type { IgmpHost } from './igmp-host.js';

/**
 * IGMP input (IP protocol 2): validates a message (length, checksum, IGMPv3 source and record
 * counts, TTL 1, the Router Alert on IGMPv2/v3 queries, where a general query may be sent, the
 * group of group-specific messages) and hands queries and other hosts' reports to the
 * {@link IgmpHost}. Every message ends in exactly one `igmp.in.*` counter besides `received`; the
 * packet is always consumed (never answered with an ICMP error) and never throws.
 * @internal
 */
export class IgmpInput implements UpperProtocolHandler {
  private readonly view = new IgmpPacketView();
  private readonly options = new Ipv4OptionCursor();

  constructor(
    private readonly host: IgmpHost,
    private readonly counters: IgmpCounters,
  ) {}

  input(buf: PacketBuffer, ifp: NetInterface): boolean {
    this.counters.received.inc();
    this.counters.in[this.process(buf, ifp)].inc();
    buf.release();
    return true;
  }

  private process(buf: PacketBuffer, ifp: NetInterface): keyof IgmpCounters['in'] {
    const v = this.view.reset(buf.data, buf.start, buf.length);
    const failure = v.check(true, buf.words);
    if (failure !== null) return failure;
    const d = buf.data;
    const ip = buf.networkOffset;
    // RFC 3376 §4, RFC 2236 §2: every IGMP message is sent with TTL 1.
    if (d[ip + 8] !== 1) return 'bad-ttl';
    switch (v.type) {
      case IgmpType.MEMBERSHIP_QUERY: {
        const version = v.queryVersion;
        // RFC 3376 §9.1: hosts SHOULD ignore IGMPv2/v3 queries without the Router Alert option.
        if (version !== 1 && !this.hasRouterAlert(d, ip)) return 'no-router-alert';
        // An IGMPv1 query's group field is unused: it is always a general query.
        const group = version === 1 ? 0 : v.group;
        if (group === 0) {
          // RFC 3376 §9.1: general queries sent to a multicast address other than 224.0.0.1 are ignored.
          const dst = ipv4FromBytes(buf.dst, 0);
          if (isIpv4Multicast(dst) && dst !== IgmpGroups.ALL_SYSTEMS) return 'bad-destination';
        } else if (!isIpv4Multicast(group)) {
          return 'bad-group';
        }
        this.host.query(ifp, v, group);
        return version === 1 ? 'v1-queries' : version === 2 ? 'v2-queries' : 'v3-queries';
      }
      case IgmpType.V1_MEMBERSHIP_REPORT:
      case IgmpType.V2_MEMBERSHIP_REPORT: {
        const group = v.group;
        if (!isIpv4Multicast(group)) return 'bad-group';
        this.host.heardReport(ifp, group);
        return 'reports';
      }
      case IgmpType.V3_MEMBERSHIP_REPORT:
        // For routers; an IGMPv3 host does not suppress its own reports (RFC 3376 §5).
        return 'reports';
      case IgmpType.V2_LEAVE_GROUP:
        return isIpv4Multicast(v.group) ? 'leaves' : 'bad-group';
      default:
        return 'other';
    }
  }

  /** Whether the IPv4 header at `bytes[ip]` (already validated by IPv4 input) carries Router Alert (RFC 2113). */
  private hasRouterAlert(bytes: Uint8Array, ip: number): boolean {
    const headerLength = (bytes[ip] & 0x0f) << 2;
    if (headerLength <= IPV4_MIN_HEADER_LENGTH) return false;
    const cursor = this.options.reset(bytes, ip + IPV4_MIN_HEADER_LENGTH, headerLength - IPV4_MIN_HEADER_LENGTH);
    while (cursor.next()) if (cursor.type === Ipv4OptionType.ROUTER_ALERT) return true;
    return false;
  }
}
