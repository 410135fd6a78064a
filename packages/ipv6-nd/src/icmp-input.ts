import {
  Ipv6Address,
  type DemuxTable,
  type NetInterface,
  type PacketBuffer,
  type PathMtuCache,
  type TransportErrorReport,
  type UpperProtocolHandler,
} from '@stack/core';
import { bytesOf, isLinkScopedAt, isMulticastAt } from './address-bytes.js';
import type { EchoClient } from './echo-client.js';
import type { Ipv6Counters } from './ipv6-counters.js';
import type { LocalAddresses } from './local-addresses.js';
import type { NdLink } from './nd-link.js';
import type { Ipv6Output } from './output.js';
import { PacketMarks } from './packet-marks.js';
import { ResolvedRoute, type RouteResolver } from './route-resolver.js';
import type { SourceSelector } from './source-selection.js';
import type { UpperLayerLocator } from './upper-layer.js';
import {
  Icmpv6PacketView,
  icmpv6PseudoHeaderSum,
  Icmpv6ParameterProblemCode,
  Icmpv6Type,
  Icmpv6UnreachableCode,
  IPV6_HEADER_LENGTH,
  Ipv6NextHeader,
  isNdOrMldType,
} from './wire/index.js';

type ErrorKind = TransportErrorReport['kind'];

/**
 * ICMPv6 input (RFC 4443 §2.4, §4): verifies the checksum, answers echo requests, hands echo replies
 * to the echo client, neighbour discovery and MLD to ND, and errors to the upper protocol whose
 * packet they quote (and packet too big to the path MTU cache, RFC 8201).
 */
export class Icmpv6Input implements UpperProtocolHandler {
  private readonly view = new Icmpv6PacketView();
  private readonly replyView = new Icmpv6PacketView();
  private readonly route = new ResolvedRoute();

  constructor(
    private readonly output: Ipv6Output,
    private readonly locals: LocalAddresses,
    private readonly selector: SourceSelector,
    private readonly resolver: RouteResolver,
    private readonly pmtu: PathMtuCache,
    private readonly uppers: DemuxTable<UpperProtocolHandler>,
    private readonly locator: UpperLayerLocator,
    private readonly echo: EchoClient,
    private readonly nd: NdLink,
    private readonly counters: Ipv6Counters,
    private readonly replyToMulticastEcho: boolean,
  ) {}

  input(buf: PacketBuffer, ifp: NetInterface): boolean {
    const c = this.counters.icmpIn;
    c.received.inc();
    const v = this.view.reset(buf.data, buf.start, buf.length);
    const failure = v.check(icmpv6PseudoHeaderSum(buf.src, 0, buf.dst, 0, buf.length), buf.words);
    if (failure !== null) {
      c[failure].inc();
      buf.release();
      return true;
    }
    const type = v.type;
    if (isNdOrMldType(type)) {
      const parts = this.nd.parts;
      if (parts === null) {
        buf.release();
        return true;
      }
      c.nd.inc();
      const hopLimit = buf.data[buf.networkOffset + 7];
      parts.input(ifp, buf, type, hopLimit, (buf.flags & PacketMarks.ROUTER_ALERT) !== 0);
      return true;
    }
    switch (type) {
      case Icmpv6Type.ECHO_REQUEST:
        c['echo-request'].inc();
        this.answerEcho(buf, ifp);
        break;
      case Icmpv6Type.ECHO_REPLY:
        c['echo-reply'].inc();
        this.echo.reply(buf.src, buf.data[buf.networkOffset + 7], buf.data, buf.start, buf.length);
        break;
      case Icmpv6Type.DESTINATION_UNREACHABLE:
        c['destination-unreachable'].inc();
        this.reportError(buf);
        break;
      case Icmpv6Type.PACKET_TOO_BIG:
        c['packet-too-big'].inc();
        this.reportError(buf);
        break;
      case Icmpv6Type.TIME_EXCEEDED:
        c['time-exceeded'].inc();
        this.reportError(buf);
        break;
      case Icmpv6Type.PARAMETER_PROBLEM:
        c['parameter-problem'].inc();
        this.reportError(buf);
        break;
      default:
        // RFC 4443 §2.4 (a), (b): unknown errors go to the upper layer; unknown informational messages are dropped.
        if (type < 128) {
          c['unknown-error'].inc();
          this.reportError(buf);
        } else {
          c['unknown-informational'].inc();
        }
    }
    buf.release();
    return true;
  }

  /** RFC 4443 §4.2: the reply carries the request's identifier, sequence and data. */
  private answerEcho(request: PacketBuffer, ifp: NetInterface): void {
    const multicast = isMulticastAt(request.dst, 0);
    if (multicast && !this.replyToMulticastEcho) {
      this.counters.icmpIn['multicast-echo-ignored'].inc();
      return;
    }
    const out = this.counters.icmpOut;
    // To a multicast request, answer from a unicast address of the interface it arrived on (§4.2).
    let src: Uint8Array | null = request.dst;
    if (multicast) {
      const chosen = this.selector.select(request.src, 0, ifp, true);
      if (chosen === null) {
        out.failed.inc();
        return;
      }
      src = bytesOf(chosen);
    }
    const ifindex = isLinkScopedAt(request.src, 0) ? ifp.index : 0;
    const length = request.length;
    const reply = this.output.allocate6(request.fib, request.src, 0, src, 0, ifindex, length, 0);
    if (typeof reply === 'string') {
      out.failed.inc();
      return;
    }
    reply.copyFrom(request.data, request.start, length);
    const v = this.replyView.reset(reply.data, reply.start, length);
    v.type = Icmpv6Type.ECHO_REPLY;
    v.code = 0;
    v.fillChecksum(icmpv6PseudoHeaderSum(reply.src, 0, reply.dst, 0, length), reply.words);
    if (this.output.send6(reply, Ipv6NextHeader.ICMPV6, 0, 0, 0, ifindex) === null) out['echo-reply'].inc();
    else out.failed.inc();
  }

  /** Hand an error to whoever sent the packet it quotes (RFC 4443 §2.4 (d)). */
  private reportError(buf: PacketBuffer): void {
    const v = this.view;
    const type = v.type;
    const code = v.code;
    const b = buf.data;
    const q = v.dataOffset;
    const end = buf.end;
    if (end - q < IPV6_HEADER_LENGTH || b[q] >>> 4 !== 6) return;
    // The quoted packet must be one we sent.
    if (this.locals.active(b, q + 8, 0) === null) return;
    let mtu = 0;
    if (type === Icmpv6Type.PACKET_TOO_BIG) mtu = this.learnPathMtu(buf, q, v.mtu);
    const loc = this.locator;
    if (!loc.locate(b, q, end)) return;
    const protocol = loc.protocol;
    const upper = loc.offset;
    if (protocol === Ipv6NextHeader.ICMPV6) {
      if (end - upper >= 8 && b[upper] === Icmpv6Type.ECHO_REQUEST) {
        this.echo.error(buf.src, type, code, (b[upper + 4] << 8) | b[upper + 5], (b[upper + 6] << 8) | b[upper + 7]);
      }
      return;
    }
    const handler = this.uppers.exact(protocol);
    if (handler === undefined || handler.error === undefined) return;
    handler.error({
      family: 'ipv6',
      kind: errorKind(type, code),
      type,
      code,
      mtu,
      source: Ipv6Address.fromBytes(b, q + 8),
      destination: Ipv6Address.fromBytes(b, q + 24),
      quoted: b.slice(upper, end),
    });
  }

  /** RFC 8201 §4: lower the path MTU towards the quoted destination (never below 1280). */
  private learnPathMtu(buf: PacketBuffer, quoted: number, reported: number): number {
    const b = buf.data;
    const dst = quoted + 24;
    const rr = this.route;
    const ifindex = isLinkScopedAt(b, dst) ? buf.ifindex : 0;
    // The quoted packet is ours: its flow hash names the ECMP member it took, hence the route MTU.
    const flow = this.resolver.packetHash(b, quoted, buf.end);
    if (this.resolver.resolve(buf.fib, b, dst, ifindex, flow, rr) !== null) return 0;
    const current = this.output.pathMtu(b, dst, rr.mtu);
    if (this.pmtu.update(b, dst, reported, current)) this.counters.pmtu.updates.inc();
    else this.counters.pmtu.ignored.inc();
    return this.output.pathMtu(b, dst, rr.mtu);
  }
}

/** Normalised kind of an ICMPv6 error (RFC 4443 §3). */
function errorKind(type: number, code: number): ErrorKind {
  switch (type) {
    case Icmpv6Type.PACKET_TOO_BIG:
      return 'packet-too-big';
    case Icmpv6Type.TIME_EXCEEDED:
      return 'time-exceeded';
    case Icmpv6Type.PARAMETER_PROBLEM:
      return code === Icmpv6ParameterProblemCode.UNRECOGNIZED_NEXT_HEADER ? 'protocol-unreachable' : 'parameter-problem';
    case Icmpv6Type.DESTINATION_UNREACHABLE:
      switch (code) {
        case Icmpv6UnreachableCode.NO_ROUTE:
          return 'net-unreachable';
        case Icmpv6UnreachableCode.ADMIN_PROHIBITED:
        case Icmpv6UnreachableCode.SOURCE_POLICY:
        case Icmpv6UnreachableCode.REJECT_ROUTE:
          return 'admin-prohibited';
        case Icmpv6UnreachableCode.BEYOND_SCOPE:
        case Icmpv6UnreachableCode.ADDRESS:
          return 'host-unreachable';
        case Icmpv6UnreachableCode.PORT:
          return 'port-unreachable';
        default:
          return 'other';
      }
    default:
      return 'other';
  }
}
