import { InterfaceFlags, LinkRxFlags, PacketFlags, RouteFlags, runHooks, type Counter, type HookSite, type NetInterface, type PacketBuffer } from '@stack/core';
import { isLinkScopedAt, isUnspecifiedAt } from './address-bytes.js';
import { OffenceScratch, type Icmpv6Errors } from './icmp-errors.js';
import type { Ipv6Counters } from './ipv6-counters.js';
import type { Ipv6Output } from './output.js';
import { ResolvedRoute, type RouteResolver } from './route-resolver.js';
import { Icmpv6TimeExceededCode, Icmpv6Type, Icmpv6UnreachableCode } from './wire/index.js';

/**
 * Forwarding of packets not addressed to this stack, when enabled (RFC 8200, RFC 4443 §3): packets
 * with a link-local source or destination stay on their link (RFC 4291 §2.5.6; destination
 * unreachable code 2 for a link-local source), the hop limit is checked and decremented (time
 * exceeded when it would reach 0), the route is looked up in the packet's FIB after the
 * `ipv6.route` hooks (an ECMP member chosen by the packet's flow hash), and a packet larger than
 * the next link's MTU is answered with packet too big
 * (RFC 8200 §5: routers never fragment). Errors answer through the FIB the packet arrived in.
 */
export class Forwarder {
  private readonly route = new ResolvedRoute();
  private readonly from = new OffenceScratch();

  constructor(
    private readonly resolver: RouteResolver,
    private readonly output: Ipv6Output,
    private readonly errors: Icmpv6Errors,
    private readonly counters: Ipv6Counters,
    private readonly routeSite: HookSite<PacketBuffer>,
  ) {}

  /** Forward `buf` (at a validated header, Hop-by-Hop options processed, received on `ifp`). Takes ownership. */
  forward(ifp: NetInterface, buf: PacketBuffer): void {
    const c = this.counters.in;
    const d = buf.data;
    const net = buf.start;
    // A unicast packet in a link-layer broadcast or multicast is not routed on.
    if ((buf.linkFlags & (LinkRxFlags.BROADCAST | LinkRxFlags.MULTICAST | LinkRxFlags.OTHERHOST)) !== 0) return drop(buf, c['not-for-us']);
    const from = this.from;
    from.ifindex = ifp.index;
    from.fib = buf.fib;
    from.linkFlags = buf.linkFlags;
    // RFC 4291 §2.5.2: the unspecified address is never forwarded as a source.
    if (isUnspecifiedAt(d, net + 8)) return drop(buf, c['bad-source']);
    if (isLinkScopedAt(d, net + 24)) return drop(buf, c['beyond-scope']);
    if (isLinkScopedAt(d, net + 8)) {
      this.answer(buf, Icmpv6Type.DESTINATION_UNREACHABLE, Icmpv6UnreachableCode.BEYOND_SCOPE, 0, false);
      return drop(buf, c['beyond-scope']);
    }
    // RFC 8200 §3, RFC 4443 §3.3: a hop limit that would reach 0 is answered with time exceeded.
    if (d[net + 7] <= 1) {
      this.answer(buf, Icmpv6Type.TIME_EXCEEDED, Icmpv6TimeExceededCode.HOP_LIMIT, 0, false);
      return drop(buf, c['hop-limit-exceeded']);
    }
    const b = runHooks(this.routeSite, buf, ifp, c['hook-dropped']);
    if (b === null) return;
    const rr = this.route;
    // The flow hash of the received packet picks the ECMP member: flow label and addresses, else
    // the upper-layer protocol and ports (fragments: addresses + protocol).
    const flow = this.resolver.packetHash(b.data, b.start, b.end);
    const err = this.resolver.resolve(b.fib, b.dst, 0, 0, flow, rr);
    if (err !== null) {
      if ((rr.routeFlags & RouteFlags.BLACKHOLE) !== 0) return drop(b, c.blackhole);
      if ((rr.routeFlags & RouteFlags.REJECT) !== 0) {
        this.answer(b, Icmpv6Type.DESTINATION_UNREACHABLE, Icmpv6UnreachableCode.REJECT_ROUTE, 0, false);
        return drop(b, c.reject);
      }
      if (err === 'interface-down') return drop(b, c['interface-down']);
      this.answer(b, Icmpv6Type.DESTINATION_UNREACHABLE, Icmpv6UnreachableCode.NO_ROUTE, 0, false);
      return drop(b, c['no-route']);
    }
    const out = rr.ifp!;
    if (out.hasFlag(InterfaceFlags.LOOPBACK)) return drop(b, c['bad-destination']);
    if (b.length > rr.mtu) {
      // RFC 4443 §3.2: sent even about a packet to a multicast address.
      this.answer(b, Icmpv6Type.PACKET_TOO_BIG, 0, rr.mtu, true);
      return drop(b, c['packet-too-big']);
    }
    b.data[b.start + 7]--;
    b.flags |= PacketFlags.FORWARDED;
    b.outIfindex = out.index;
    this.output.emit(b, out, rr.nextHop, rr.mtu, true);
    c.forwarded.inc();
  }

  private answer(buf: PacketBuffer, type: number, code: number, rest: number, toMulticast: boolean): void {
    this.errors.send(type, code, rest, buf.data, buf.start, buf.length, this.from, toMulticast);
  }
}

function drop(buf: PacketBuffer, counter: Counter): void {
  counter.inc();
  buf.release();
}
