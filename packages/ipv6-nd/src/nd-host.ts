import { PacketFlags, type ModuleContext, type NetInterface, type PacketBuffer, type RouteTables, type SendError, type Stack } from '@stack/core';
import { copy16 } from './address-bytes.js';
import { OffenceScratch, type Icmpv6Errors } from './icmp-errors.js';
import type { Ipv6Counters } from './ipv6-counters.js';
import type { NdHost } from './nd-seam.js';
import type { Ipv6Output } from './output.js';
import { PacketMarks } from './packet-marks.js';
import { Icmpv6PacketView, icmpv6PseudoHeaderSum, Icmpv6UnreachableCode, Icmpv6Type, IPV6_HEADER_LENGTH, Ipv6NextHeader, Ipv6OptionType } from './wire/index.js';

/** A Hop-by-Hop header holding Router Alert (RFC 2711) and 2 bytes of PadN. */
const HOP_BY_HOP_LENGTH = 8;

/**
 * What the IPv6 layer offers to neighbour discovery, DAD, SLAAC and MLD (the seam in
 * `nd-seam.ts`): ICMPv6 messages sent straight out of a named interface with a chosen hop limit,
 * from any source (the unspecified address included, as DAD needs), optionally behind a
 * Hop-by-Hop Router Alert (RFC 3810 §5), through the `ipv6.output` hooks and the link layer.
 */
export class Ipv6NdHost implements NdHost {
  private readonly view = new Icmpv6PacketView();
  private readonly offence = new OffenceScratch();

  constructor(
    readonly ctx: ModuleContext,
    readonly stack: Stack,
    readonly routes: RouteTables,
    private readonly forwarding: () => boolean,
    private readonly output: Ipv6Output,
    private readonly errors: Icmpv6Errors,
    private readonly counters: Ipv6Counters,
  ) {}

  isRouter(): boolean {
    return this.forwarding();
  }

  allocateIcmp(ifp: NetInterface, src: Uint8Array, dst: Uint8Array, length: number, hopLimit: number, routerAlert: boolean): PacketBuffer | SendError {
    if (!ifp.isRunning) return 'interface-down';
    if (!Number.isInteger(length) || length < 4 || length > 65535 - HOP_BY_HOP_LENGTH) return 'message-too-long';
    const buf = this.stack.pool.alloc(length, this.output.headroomFor(ifp));
    buf.end = buf.start + length;
    copy16(src, 0, buf.src, 0);
    copy16(dst, 0, buf.dst, 0);
    buf.family = 'ipv6';
    buf.outIfindex = ifp.index;
    buf.fib = ifp.fib;
    buf.flags |= PacketFlags.LOCAL_OUT | (routerAlert ? PacketMarks.ROUTER_ALERT : 0);
    // The headers go into the headroom now, where sendIcmp will prepend them.
    const hbh = routerAlert ? HOP_BY_HOP_LENGTH : 0;
    const d = buf.data;
    const at = buf.start - IPV6_HEADER_LENGTH - hbh;
    d.fill(0, at, buf.start);
    d[at] = 0x60;
    d[at + 6] = routerAlert ? Ipv6NextHeader.HOP_BY_HOP : Ipv6NextHeader.ICMPV6;
    d[at + 7] = hopLimit;
    if (routerAlert) {
      const h = at + IPV6_HEADER_LENGTH;
      d[h] = Ipv6NextHeader.ICMPV6;
      d[h + 2] = Ipv6OptionType.ROUTER_ALERT;
      d[h + 3] = 2;
      d[h + 6] = Ipv6OptionType.PADN;
    }
    return buf;
  }

  sendIcmp(ifp: NetInterface, buf: PacketBuffer): void {
    const length = buf.length;
    this.view.reset(buf.data, buf.start, length).fillChecksum(icmpv6PseudoHeaderSum(buf.src, 0, buf.dst, 0, length), buf.words);
    const hbh = (buf.flags & PacketMarks.ROUTER_ALERT) !== 0 ? HOP_BY_HOP_LENGTH : 0;
    const at = buf.prepend(IPV6_HEADER_LENGTH + hbh);
    const d = buf.data;
    const payload = length + hbh;
    d[at + 4] = payload >>> 8;
    d[at + 5] = payload;
    d.set(buf.src, at + 8);
    d.set(buf.dst, at + 24);
    buf.networkOffset = at;
    this.counters.icmpOut.nd.inc();
    this.counters.out.nd.inc();
    this.output.emit(buf, ifp, buf.dst, ifp.mtu, true);
  }

  sendAddressUnreachable(buf: PacketBuffer): void {
    const o = this.offence;
    o.ifindex = buf.ifindex !== 0 ? buf.ifindex : buf.outIfindex;
    o.fib = buf.fib;
    o.linkFlags = 0;
    this.errors.send(Icmpv6Type.DESTINATION_UNREACHABLE, Icmpv6UnreachableCode.ADDRESS, 0, buf.data, buf.start, buf.length, o);
  }
}
