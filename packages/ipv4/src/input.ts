import {
  InterfaceFlags,
  ipv4ToBytes,
  isIpv4LimitedBroadcast,
  isIpv4Loopback,
  isIpv4Multicast,
  LinkRxFlags,
  Verdict,
  type Counter,
  type DemuxTable,
  type HookSite,
  type NetInterface,
  type PacketBuffer,
  type UpperProtocolHandler,
} from '@stack/core';
import type { Forwarder } from './forwarder.js';
import type { IcmpErrors } from './icmp-errors.js';
import type { Ipv4Counters } from './ipv4-counters.js';
import type { LocalAddresses } from './local-addresses.js';
import type { MulticastGroups } from './multicast-groups.js';
import type { Reassembler } from './reassembly.js';
import {
  icmpv4PointerRest,
  Icmpv4Type,
  Icmpv4UnreachableCode,
  IPV4_MIN_HEADER_LENGTH,
  ipv4OptionsProblemAt,
  Ipv4PacketView,
} from './wire/index.js';

/** How a destination relates to this stack. */
const Destination = {
  NOT_OURS: 0,
  /** One of our active unicast addresses. */
  UNICAST: 1,
  /** Limited or directed broadcast, or a joined multicast group. */
  GROUP: 2,
  /** Configured here but not active now (e.g. a CARP backup's address): never forwarded. */
  INACTIVE: 3,
} as const;
type Destination = (typeof Destination)[keyof typeof Destination];

/**
 * IPv4 input (RFC 791, RFC 1122 §3.2.1): header validation, source and destination checks, the
 * `ipv4.input` hooks, then local delivery (with reassembly) or forwarding. Every packet ends in
 * exactly one `ipv4.in.*` counter.
 */
export class Ipv4Input {
  private readonly view = new Ipv4PacketView();
  private readonly offence = { ifindex: 0, fib: 0, linkFlags: 0 };
  /** The LinkProtocols handler for ethertype 0x0800. */
  readonly handler = (ifp: NetInterface, buf: PacketBuffer): void => this.input(ifp, buf);

  constructor(
    private readonly locals: LocalAddresses,
    private readonly groups: MulticastGroups,
    private readonly reassembler: Reassembler,
    private readonly uppers: DemuxTable<UpperProtocolHandler>,
    private readonly errors: IcmpErrors,
    private readonly forwarder: Forwarder,
    private readonly counters: Ipv4Counters,
    private readonly inputSite: HookSite<PacketBuffer>,
    private readonly forwarding: () => boolean,
  ) {}

  input(ifp: NetInterface, received: PacketBuffer): void {
    const c = this.counters.in;
    this.counters.received.inc();
    let buf = received;
    let v = this.view.reset(buf.data, buf.start, buf.length);
    const failure = v.check();
    if (failure !== null) {
      if (failure === 'bad-options') this.answerBadOptions(buf, ifp, v);
      return drop(buf, c[failure]);
    }
    buf.trim(v.totalLength);
    const src = v.src;
    const dst = v.dst;
    const onLoopback = ifp.hasFlag(InterfaceFlags.LOOPBACK);
    // RFC 1122 §3.2.1.3: a source must be one host (0.0.0.0 is allowed while booting); 127/8 never
    // appears on a wire, as source or destination.
    if (isIpv4Multicast(src) || src >>> 28 === 0xf) return drop(buf, c['bad-source']);
    // ...nor the directed broadcast of one of our prefixes (RFC 1122 §3.2.1.3 (d); Linux: martian).
    if (this.locals.isDirectedBroadcast(src)) return drop(buf, c['bad-source']);
    if (!onLoopback && isIpv4Loopback(src)) return drop(buf, c['bad-source']);
    if (!onLoopback && isIpv4Loopback(dst)) return drop(buf, c['bad-destination']);
    buf.family = 'ipv4';
    buf.networkOffset = buf.start;
    ipv4ToBytes(src, buf.src, 0);
    ipv4ToBytes(dst, buf.dst, 0);
    if (!this.inputSite.empty) {
      const b = this.inputSite.run(buf, ifp);
      if (b === null) return (this.inputSite.lastVerdict === Verdict.CONSUMED ? c['hook-consumed'] : c['hook-dropped']).inc();
      if (b !== buf) {
        buf = b;
        v = this.view.reset(buf.data, buf.start, buf.length);
        if (v.check(false) !== null) return drop(buf, c['hook-dropped']);
        buf.networkOffset = buf.start;
      }
    }
    const kind = this.classify(v.dst, ifp);
    // RFC 1122 §3.3.6: a unicast destination in a link-layer broadcast or multicast is discarded.
    if (kind !== Destination.GROUP && (buf.linkFlags & (LinkRxFlags.BROADCAST | LinkRxFlags.MULTICAST)) !== 0) {
      return drop(buf, c['link-broadcast-unicast']);
    }
    if (kind === Destination.NOT_OURS) {
      if (this.forwarding() && !onLoopback && !isIpv4Multicast(v.dst)) return this.forwarder.forward(ifp, buf);
      return drop(buf, c['not-for-us']);
    }
    if (kind === Destination.INACTIVE) return drop(buf, c['not-for-us']);
    // RFC 1122 §3.2.1.7: a host accepts any TTL, even 0, for local delivery.
    if (v.isFragment) {
      c.fragments.inc();
      const whole = this.reassembler.add(buf);
      if (whole === null) return;
      this.deliver(whole, ifp, kind);
      return;
    }
    this.deliver(buf, ifp, kind);
  }

  /** Hand a whole datagram (at its header) to its upper-layer protocol. Takes ownership. */
  private deliver(buf: PacketBuffer, ifp: NetInterface, kind: Destination): void {
    const c = this.counters.in;
    const v = this.view.reset(buf.data, buf.start, buf.length);
    const headerLength = v.headerLength;
    const total = v.totalLength;
    const handler = this.uppers.lookup(v.protocol);
    if (handler === undefined) {
      // RFC 1122 §3.2.2.1: protocol unreachable SHOULD be sent by a host.
      if (kind === Destination.UNICAST) this.answer(buf, ifp, Icmpv4UnreachableCode.PROTOCOL, buf.start, total);
      return drop(buf, c['unknown-protocol']);
    }
    c.delivered.inc();
    const at = buf.start;
    buf.transportOffset = at + headerLength;
    buf.pull(headerLength);
    if (handler.input(buf, ifp)) return;
    // The transport found no endpoint: RFC 1122 §3.2.2.1 / RFC 792 port unreachable.
    this.answer(buf, ifp, Icmpv4UnreachableCode.PORT, at, total);
    buf.release();
  }

  private answer(buf: PacketBuffer, ifp: NetInterface, code: number, at: number, total: number): void {
    const o = this.offence;
    o.ifindex = ifp.index;
    o.fib = buf.fib;
    o.linkFlags = buf.linkFlags;
    this.errors.send(Icmpv4Type.DESTINATION_UNREACHABLE, code, 0, buf.data, at, total, o);
  }

  /**
   * RFC 1122 §3.2.2.5: a host SHOULD answer a malformed option with a parameter problem pointing at
   * the offending byte; only for datagrams addressed to one of our unicast addresses.
   */
  private answerBadOptions(buf: PacketBuffer, ifp: NetInterface, v: Ipv4PacketView): void {
    if (this.locals.active(v.dst) === null) return;
    const header = buf.start;
    const problem = ipv4OptionsProblemAt(buf.data, header + IPV4_MIN_HEADER_LENGTH, v.headerLength - IPV4_MIN_HEADER_LENGTH);
    if (problem < 0) return;
    const o = this.offence;
    o.ifindex = ifp.index;
    o.fib = buf.fib;
    o.linkFlags = buf.linkFlags;
    const total = Math.min(v.totalLength, buf.length);
    this.errors.send(Icmpv4Type.PARAMETER_PROBLEM, 0, icmpv4PointerRest(problem - header), buf.data, header, total, o);
  }

  private classify(dst: number, ifp: NetInterface): Destination {
    if (this.locals.active(dst) !== null) return Destination.UNICAST;
    if (isIpv4LimitedBroadcast(dst) || this.locals.isDirectedBroadcast(dst)) return Destination.GROUP;
    if (isIpv4Multicast(dst)) return this.groups.isMember(ifp.index, dst) ? Destination.GROUP : Destination.NOT_OURS;
    if (this.locals.configured(dst)) return Destination.INACTIVE;
    return Destination.NOT_OURS;
  }
}

function drop(buf: PacketBuffer, counter: Counter): void {
  counter.inc();
  buf.release();
}

