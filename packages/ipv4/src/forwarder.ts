import { ipv4FromBytes, PacketFlags, RouteFlags, runHooks, type HookSite, type NetInterface, type PacketBuffer, type Stack } from '@stack/core';
import type { IcmpErrors, OffenceContext } from './icmp-errors.js';
import type { Ipv4Counters } from './ipv4-counters.js';
import type { Ipv4Output } from './output.js';
import { ResolvedRoute, type RouteResolver } from './route-resolver.js';
import { Icmpv4TimeExceededCode, Icmpv4Type, Icmpv4UnreachableCode, Ipv4OptionCursor, Ipv4OptionType, Ipv4PacketView } from './wire/index.js';

/**
 * Forwarding of datagrams not addressed to this stack (RFC 1812 §5.2–5.3): TTL check and
 * decrement with an incremental checksum update (RFC 1624), route lookup in the packet's FIB
 * (after the `ipv4.route` hooks; an ECMP member chosen by the datagram's flow hash), then output
 * with fragmentation, or ICMP fragmentation needed
 * carrying the MTU when DF is set (RFC 1191 §4).
 */
export class Forwarder {
  private readonly route = new ResolvedRoute();
  private readonly view = new Ipv4PacketView();
  private readonly cursor = new Ipv4OptionCursor();
  private readonly offence: { ifindex: number; fib: number; linkFlags: number } = { ifindex: 0, fib: 0, linkFlags: 0 };

  constructor(
    private readonly stack: Stack,
    private readonly resolver: RouteResolver,
    private readonly output: Ipv4Output,
    private readonly errors: IcmpErrors,
    private readonly counters: Ipv4Counters,
    private readonly routeSite: HookSite<PacketBuffer>,
  ) {}

  /** Forward `buf` (at a validated header, received on `ifp`). Takes ownership. */
  forward(ifp: NetInterface, buf: PacketBuffer): void {
    const c = this.counters.in;
    let v = this.view.reset(buf.data, buf.start, buf.length);
    if (v.optionsLength > 0 && this.hasSourceRoute(v)) return drop(buf, c['source-route']);
    // RFC 1812 §5.3.1: a datagram whose TTL would reach 0 is discarded with time exceeded.
    if (v.ttl <= 1) {
      this.offence.fib = buf.fib;
      this.answer(buf, ifp, Icmpv4Type.TIME_EXCEEDED, Icmpv4TimeExceededCode.TTL_EXCEEDED, 0);
      return drop(buf, c['ttl-exceeded']);
    }
    // Errors go back through the FIB the packet arrived in, whatever table policy routing picks.
    this.offence.fib = buf.fib;
    const b = runHooks(this.routeSite, buf, ifp, c['hook-dropped']);
    if (b === null) return;
    v = this.view.reset(b.data, b.start, b.length);
    const rr = this.route;
    // The flow hash of the received header picks the ECMP member (fragments: addresses + protocol).
    const flow = this.resolver.datagramHash(b.data, b.start, b.end);
    const err = this.resolver.resolve(b.fib, ipv4FromBytes(b.dst, 0), 0, flow, rr);
    if (err !== null) {
      if ((rr.routeFlags & RouteFlags.BLACKHOLE) !== 0) return drop(b, c.blackhole);
      if ((rr.routeFlags & RouteFlags.REJECT) !== 0) {
        this.answer(b, ifp, Icmpv4Type.DESTINATION_UNREACHABLE, Icmpv4UnreachableCode.HOST, 0);
        return drop(b, c.reject);
      }
      if (err === 'interface-down') return drop(b, c['interface-down']);
      this.answer(b, ifp, Icmpv4Type.DESTINATION_UNREACHABLE, Icmpv4UnreachableCode.NET, 0);
      return drop(b, c['no-route']);
    }
    const out = rr.ifp!;
    if (out === this.stack.loopback) return drop(b, c['bad-destination']);
    const mtu = rr.mtu;
    if (v.totalLength > mtu && v.dontFragment) {
      this.answer(b, ifp, Icmpv4Type.DESTINATION_UNREACHABLE, Icmpv4UnreachableCode.FRAGMENTATION_NEEDED, mtu & 0xffff);
      return drop(b, c['frag-needed']);
    }
    v.decrementTtl();
    b.flags |= PacketFlags.FORWARDED;
    b.outIfindex = out.index;
    if (this.output.emit(b, out, rr.nextHop, rr.broadcast, mtu, false) === null) c.forwarded.inc();
    else c['cannot-fragment'].inc();
  }

  private answer(buf: PacketBuffer, ifp: NetInterface, type: number, code: number, rest: number): void {
    const o: OffenceContext & { ifindex: number; fib: number; linkFlags: number } = this.offence;
    o.ifindex = ifp.index;
    o.linkFlags = buf.linkFlags;
    this.errors.send(type, code, rest, buf.data, buf.start, buf.length, o);
  }

  /** RFC 7126 §4.3–4.4: source-routed datagrams are not forwarded. */
  private hasSourceRoute(v: Ipv4PacketView): boolean {
    const cur = this.cursor.reset(v.bytes, v.optionsOffset, v.optionsLength);
    while (cur.next()) {
      if (cur.type === Ipv4OptionType.LOOSE_SOURCE_ROUTE || cur.type === Ipv4OptionType.STRICT_SOURCE_ROUTE) return true;
    }
    return false;
  }
}

function drop(buf: PacketBuffer, counter: { inc(): void }): void {
  counter.inc();
  buf.release();
}
