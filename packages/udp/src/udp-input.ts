import {
  LinkRxFlags,
  type NetInterface,
  type NetworkProtocol,
  type PacketBuffer,
  type TransportErrorReport,
  type UpperProtocolHandler,
} from '@stack/core';
import type { EndpointTable, Endpoint } from './endpoint-table.js';
import type { UdpCounters } from './udp-counters.js';
import { UdpDatagramView } from './wire/index.js';

/** IP protocol number of UDP (IANA). */
export const UDP_PROTOCOL = 17;

/**
 * UDP input for one network protocol (RFC 768): validate length and checksum (zero means none
 * over IPv4 only), demultiplex to the most specific endpoint, or to every matching endpoint for a
 * broadcast or multicast datagram; answer "no endpoint" with false so the network layer sends
 * port unreachable.
 */
export class UdpInput implements UpperProtocolHandler {
  private readonly view = new UdpDatagramView();
  private current: PacketBuffer | null = null;
  private readonly deliverTo = (ep: Endpoint): void => {
    const buf = this.current!;
    const v = this.view;
    ep.owner.deliver(buf.data, v.payloadOffset, v.payloadLength, this.net.family, buf.src, v.srcPort, buf.ifindex);
  };

  constructor(
    private readonly net: NetworkProtocol,
    private readonly table: EndpointTable,
    private readonly counters: UdpCounters,
  ) {}

  input(buf: PacketBuffer, _ifp: NetInterface): boolean {
    const c = this.counters.in;
    c.received.inc();
    const v = this.view.reset(buf.data, buf.start, buf.length);
    const ipv4 = this.net.family === 'ipv4';
    let failure = v.check();
    if (failure === null && (v.checksum !== 0 || !ipv4)) {
      failure = v.check(this.net.pseudoHeaderSum(buf, UDP_PROTOCOL, v.datagramLength), ipv4, buf.words);
    }
    if (failure !== null) {
      c[failure].inc();
      buf.release();
      return true;
    }
    const family = this.net.family;
    if (this.isGroup(buf)) {
      this.current = buf;
      const n = this.table.forEachMatch(family, buf.dst, v.dstPort, buf.src, v.srcPort, this.deliverTo);
      this.current = null;
      if (n === 0) {
        c['no-port'].inc();
        return false;
      }
      c.delivered.inc();
      buf.release();
      return true;
    }
    const ep = this.table.lookup(family, buf.dst, v.dstPort, buf.src, v.srcPort);
    if (ep === null) {
      c['no-port'].inc();
      return false;
    }
    c.delivered.inc();
    this.current = buf;
    this.deliverTo(ep);
    this.current = null;
    buf.release();
    return true;
  }

  error(report: TransportErrorReport): void {
    const q = report.quoted;
    if (q.length < 4) return;
    const local = report.source.toBytes();
    const remote = report.destination.toBytes();
    const ep = this.table.findConnected(report.family, local, (q[0] << 8) | q[1], remote, (q[2] << 8) | q[3]);
    if (ep === null) return;
    this.counters.in['icmp-errors'].inc();
    ep.owner.icmpError(report);
  }

  /** A multicast or broadcast destination: delivered to every matching socket (BSD semantics). */
  private isGroup(buf: PacketBuffer): boolean {
    if ((buf.linkFlags & LinkRxFlags.BROADCAST) !== 0) return true;
    const d = buf.dst;
    if (this.net.family === 'ipv6') return d[0] === 0xff;
    return (d[0] >= 224 && d[0] < 240) || (d[0] === 255 && d[1] === 255 && d[2] === 255 && d[3] === 255);
  }
}
