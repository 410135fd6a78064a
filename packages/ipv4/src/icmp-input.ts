import {
  ipv4FromBytes,
  Ipv4Address,
  type DemuxTable,
  type NetInterface,
  type PacketBuffer,
  type TransportErrorReport,
  type UpperProtocolHandler,
} from '@stack/core';
import type { EchoClient } from './echo-client.js';
import type { Ipv4Counters } from './ipv4-counters.js';
import type { LocalAddresses } from './local-addresses.js';
import type { Ipv4Output } from './output.js';
import type { Ipv4PathMtuDiscovery } from './path-mtu.js';
import {
  Icmpv4PacketView,
  Icmpv4Type,
  Icmpv4UnreachableCode,
  IpProtocol,
} from './wire/index.js';

type ErrorKind = TransportErrorReport['kind'];

/**
 * ICMPv4 input (RFC 792, RFC 1122 §3.2.2): answers echo requests, hands echo replies to the echo
 * client and errors to the upper protocol whose datagram they quote (and fragmentation needed to
 * path MTU discovery, RFC 1191).
 */
export class IcmpInput implements UpperProtocolHandler {
  private readonly view = new Icmpv4PacketView();

  constructor(
    private readonly output: Ipv4Output,
    private readonly locals: LocalAddresses,
    private readonly uppers: DemuxTable<UpperProtocolHandler>,
    private readonly echo: EchoClient,
    private readonly counters: Ipv4Counters,
    private readonly replyToBroadcastEcho: boolean,
    private readonly pmtu: Ipv4PathMtuDiscovery,
  ) {}

  input(buf: PacketBuffer, _ifp: NetInterface): boolean {
    const c = this.counters.icmpIn;
    c.received.inc();
    const v = this.view.reset(buf.data, buf.start, buf.length);
    const failure = v.check(true, buf.words);
    if (failure !== null) {
      c[failure].inc();
      buf.release();
      return true;
    }
    switch (v.type) {
      case Icmpv4Type.ECHO_REQUEST:
        c['echo-request'].inc();
        this.answerEcho(buf);
        break;
      case Icmpv4Type.ECHO_REPLY:
        c['echo-reply'].inc();
        this.echo.reply(ipv4FromBytes(buf.src, 0), buf.data[buf.networkOffset + 8], buf.data, buf.start, buf.length);
        break;
      case Icmpv4Type.DESTINATION_UNREACHABLE:
      case Icmpv4Type.TIME_EXCEEDED:
      case Icmpv4Type.PARAMETER_PROBLEM:
      case Icmpv4Type.SOURCE_QUENCH:
        c.errors.inc();
        this.reportError(buf);
        break;
      default:
        c.other.inc();
    }
    buf.release();
    return true;
  }

  /** RFC 792 echo: the reply carries the request's identifier, sequence and data. */
  private answerEcho(request: PacketBuffer): void {
    const dst = ipv4FromBytes(request.dst, 0);
    const unicast = this.locals.active(dst) !== null;
    // RFC 1122 §3.2.2.6: an echo request to a broadcast or multicast address MAY be ignored.
    if (!unicast && !this.replyToBroadcastEcho) {
      this.counters.icmpIn['broadcast-echo-ignored'].inc();
      return;
    }
    const length = request.length;
    const reply = this.output.allocate4(request.fib, ipv4FromBytes(request.src, 0), unicast ? dst : 0, 0, length, 0);
    if (typeof reply === 'string') {
      this.counters.icmpOut.failed.inc();
      return;
    }
    reply.data.set(request.data.subarray(request.start, request.end), reply.start);
    const v = this.view.reset(reply.data, reply.start, length);
    v.type = Icmpv4Type.ECHO_REPLY;
    v.code = 0;
    v.fillChecksum(reply.words);
    const tos = request.data[request.networkOffset + 1];
    if (this.output.send4(reply, IpProtocol.ICMP, 0, tos, 0, 0) === null) this.counters.icmpOut['echo-reply'].inc();
    else this.counters.icmpOut.failed.inc();
  }

  /** Hand an error to whoever sent the datagram it quotes (RFC 1122 §3.2.2: at least header + 8 bytes). */
  private reportError(buf: PacketBuffer): void {
    const v = this.view;
    const type = v.type;
    const code = v.code;
    const mtu = type === Icmpv4Type.DESTINATION_UNREACHABLE && code === Icmpv4UnreachableCode.FRAGMENTATION_NEEDED ? v.nextHopMtu : 0;
    const b = buf.data;
    const q = v.dataOffset;
    const quotedLength = v.dataLength;
    if (quotedLength < 28 || b[q] >>> 4 !== 4) return;
    const qhl = (b[q] & 0x0f) << 2;
    if (qhl < 20 || qhl + 8 > quotedLength) return;
    if (type === Icmpv4Type.DESTINATION_UNREACHABLE && code === Icmpv4UnreachableCode.FRAGMENTATION_NEEDED) {
      this.pmtu.report(b, q, q + quotedLength, buf.fib, mtu);
    }
    const protocol = b[q + 9];
    const from = ipv4FromBytes(buf.src, 0);
    if (protocol === IpProtocol.ICMP) {
      if (b[q + qhl] === Icmpv4Type.ECHO_REQUEST) {
        const t = q + qhl + 4;
        this.echo.error(from, type, code, (b[t] << 8) | b[t + 1], (b[t + 2] << 8) | b[t + 3]);
      }
      return;
    }
    const handler = this.uppers.exact(protocol);
    if (handler === undefined || handler.error === undefined) return;
    handler.error({
      family: 'ipv4',
      kind: errorKind(type, code),
      type,
      code,
      mtu,
      source: new Ipv4Address(ipv4FromBytes(b, q + 12)),
      destination: new Ipv4Address(ipv4FromBytes(b, q + 16)),
      quoted: b.slice(q + qhl, q + quotedLength),
    });
  }
}

/** Normalised kind of an ICMPv4 error (RFC 792, RFC 1122 §3.2.2.1, RFC 1812 §5.2.7.1). */
function errorKind(type: number, code: number): ErrorKind {
  if (type === Icmpv4Type.TIME_EXCEEDED) return 'time-exceeded';
  if (type === Icmpv4Type.PARAMETER_PROBLEM) return 'parameter-problem';
  if (type !== Icmpv4Type.DESTINATION_UNREACHABLE) return 'other';
  switch (code) {
    case Icmpv4UnreachableCode.NET:
    case Icmpv4UnreachableCode.NET_UNKNOWN:
    case 11:
      return 'net-unreachable';
    case Icmpv4UnreachableCode.HOST:
    case Icmpv4UnreachableCode.HOST_UNKNOWN:
    case 12:
      return 'host-unreachable';
    case Icmpv4UnreachableCode.PROTOCOL:
      return 'protocol-unreachable';
    case Icmpv4UnreachableCode.PORT:
      return 'port-unreachable';
    case Icmpv4UnreachableCode.FRAGMENTATION_NEEDED:
      return 'packet-too-big';
    case Icmpv4UnreachableCode.SOURCE_ROUTE_FAILED:
      return 'source-route-failed';
    case Icmpv4UnreachableCode.NET_PROHIBITED:
    case Icmpv4UnreachableCode.HOST_PROHIBITED:
    case Icmpv4UnreachableCode.ADMIN_PROHIBITED:
      return 'admin-prohibited';
    default:
      return 'other';
  }
}
