import {
  allocateOutbound,
  flowPorts,
  InterfaceFlags,
  outboundHeadroom,
  PacketFlags,
  runHooks,
  type HookSite,
  type NetInterface,
  type PacketBuffer,
  type PathMtuCache,
  type SendError,
  type Stack,
} from '@stack/core';
import { bytesOf, copy16, isLinkScopedAt, isMulticastAt } from './address-bytes.js';
import { flowLabel } from './flow-label.js';
import type { FragmentIdentification } from './fragment-identification.js';
import type { Fragmenter } from './fragmenter.js';
import type { Ipv6Counters } from './ipv6-counters.js';
import type { KeyedHash } from './keyed-hash.js';
import { transmitIpv6 } from './link-output.js';
import type { LocalAddresses } from './local-addresses.js';
import type { NdLink } from './nd-link.js';
import { ResolvedRoute, type RouteResolver } from './route-resolver.js';
import type { SourceSelector } from './source-selection.js';
import { IPV6_FRAGMENT_HEADER_LENGTH, IPV6_HEADER_LENGTH } from './wire/index.js';

/** Largest upper-layer payload of one IPv6 packet without extension headers (no jumbograms). */
export const IPV6_MAX_PAYLOAD = 65535;

/** Bits of the `flags` argument of {@link Ipv6Output.allocate6} and {@link Ipv6Output.send6}. */
export const SendFlags = {
  DONT_FRAGMENT: 1,
} as const;

/** Headroom reserved beyond the link header: IPv6 header, a Fragment header, a Hop-by-Hop header. */
const NETWORK_HEADROOM = IPV6_HEADER_LENGTH + IPV6_FRAGMENT_HEADER_LENGTH + 8;

/**
 * The originating half of IPv6 (DESIGN.md §4 two-stage send): `allocate6` routes, selects the
 * source (RFC 6724) and hands out a buffer with headroom; `send6` prepends the header and
 * transmits, fragmenting to the path MTU (RFC 8200 §4.5, §5) unless told not to.
 */
export class Ipv6Output {
  private readonly route = new ResolvedRoute();
  private emitIfp: NetInterface | null = null;
  private emitNextHop: Uint8Array = new Uint8Array(16);
  private readonly emitFragment = (frag: PacketBuffer): void => {
    this.counters.out['fragments-created'].inc();
    if (!transmitIpv6(this.stack, this.emitIfp!, frag, this.emitNextHop)) this.counters.out['no-link-layer'].inc();
  };

  constructor(
    private readonly stack: Stack,
    private readonly resolver: RouteResolver,
    private readonly locals: LocalAddresses,
    private readonly selector: SourceSelector,
    private readonly pmtu: PathMtuCache,
    private readonly fragmenter: Fragmenter,
    private readonly ids: FragmentIdentification,
    private readonly hash: KeyedHash,
    private readonly nd: NdLink,
    private readonly counters: Ipv6Counters,
    private readonly routeSite: HookSite<PacketBuffer>,
    private readonly outputSite: HookSite<PacketBuffer>,
    readonly defaultHopLimit: number,
  ) {}

  /** Headroom a packet leaving through `ifp` needs in front of its IPv6 header. */
  headroomFor(ifp: NetInterface): number {
    return outboundHeadroom(this.stack, ifp, NETWORK_HEADROOM);
  }

  /**
   * Stage 1: route `dst[dstOffset..+16)` in `fib` (optionally out of `ifindex`), choose the source
   * (`src` null) or check the given one, and return a buffer holding `length` bytes for the caller
   * at `buf.start`, with `buf.src`/`buf.dst`/`buf.fib` set; or the reason it cannot be sent
   * ('interface-down' as well when IPv6 is disabled on the outgoing interface, RFC 4862 §5.4.5).
   */
  allocate6(
    fib: number,
    dst: Uint8Array,
    dstOffset: number,
    src: Uint8Array | null,
    srcOffset: number,
    ifindex: number,
    length: number,
    flags: number,
  ): PacketBuffer | SendError {
    if (length > IPV6_MAX_PAYLOAD) {
      this.counters.out['message-too-long'].inc();
      return 'message-too-long';
    }
    const rr = this.route;
    // No transport header yet: an address-only flow hash. `send6` hashes the whole flow and decides
    // the ECMP member the packet takes; this one only chooses the source and checks the MTU.
    const flow = this.resolver.flowHash(src, srcOffset, dst, dstOffset, 0, 0, 0);
    const err = this.resolver.resolve(fib, dst, dstOffset, ifindex, flow, rr);
    if (err !== null) {
      this.counters.out['no-route'].inc();
      return err;
    }
    const ifp = rr.ifp!;
    if (this.nd.isDisabled(ifp.index)) {
      // RFC 4862 §5.4.5: nothing is sent from an interface where IPv6 is disabled.
      this.counters.out['interface-disabled'].inc();
      return 'interface-down';
    }
    const toLoopback = ifp.hasFlag(InterfaceFlags.LOOPBACK);
    let source: Uint8Array;
    let sourceOffset: number;
    if (src !== null) {
      const own = this.locals.active(src, srcOffset, 0);
      // A link-scoped source belongs to its own link (RFC 4007 §6).
      if (own === null || (!toLoopback && isLinkScopedAt(src, srcOffset) && own.ifindex !== ifp.index)) return 'address-not-available';
      source = src;
      sourceOffset = srcOffset;
    } else if (toLoopback && !isMulticastAt(dst, dstOffset)) {
      // To one of our own addresses: from that address (RFC 6724 rule 1).
      source = dst;
      sourceOffset = dstOffset;
    } else {
      const chosen = this.selector.select(dst, dstOffset, ifp);
      if (chosen === null) {
        this.counters.out['no-source-address'].inc();
        return 'no-source-address';
      }
      source = bytesOf(chosen);
      sourceOffset = 0;
    }
    if ((flags & SendFlags.DONT_FRAGMENT) !== 0 && length + IPV6_HEADER_LENGTH > this.pathMtu(dst, dstOffset, rr.mtu)) {
      this.counters.out['message-too-long'].inc();
      return 'message-too-long';
    }
    const buf = allocateOutbound(this.stack, ifp, length, NETWORK_HEADROOM, 'ipv6', fib);
    copy16(source, sourceOffset, buf.src, 0);
    copy16(dst, dstOffset, buf.dst, 0);
    return buf;
  }

  /**
   * Stage 2: prepend the IPv6 header for `protocol` (hop limit 0 means the default: 1 for
   * multicast, else the router-advertised Cur Hop Limit, else `defaultHopLimit`) and send. Takes
   * ownership of `buf`.
   */
  send6(buf: PacketBuffer, protocol: number, hopLimit: number, trafficClass: number, flags: number, ifindex: number): SendError | null {
    const b = runHooks(this.routeSite, buf, null, this.counters.out['hook-dropped']);
    if (b === null) return null;
    const payload = b.length;
    const d = b.data;
    const ports = payload >= 4 ? ((d[b.start] << 24) | (d[b.start + 1] << 16) | (d[b.start + 2] << 8) | d[b.start + 3]) : 0;
    const label = flowLabel(this.hash, b.src, b.dst, protocol, ports);
    const rr = this.route;
    // The ECMP member by the flow (label and addresses; RFC 6438 §3), before fragmenting: every
    // fragment of the packet and every packet of the flow leave the same way, and a router that
    // hashes the label keeps them together too. (Ports count only when the label is 0.)
    const flow = this.resolver.flowHash(b.src, 0, b.dst, 0, label, protocol, label !== 0 ? 0 : flowPorts(protocol, d, b.start, payload));
    const err = this.resolver.resolve(b.fib, b.dst, 0, ifindex, flow, rr);
    if (err !== null) {
      this.counters.out['no-route'].inc();
      b.release();
      return err;
    }
    if (payload > IPV6_MAX_PAYLOAD) {
      this.counters.out['message-too-long'].inc();
      b.release();
      return 'message-too-long';
    }
    const ifp = rr.ifp!;
    const at = b.prepend(IPV6_HEADER_LENGTH);
    const word = ((6 << 28) | ((trafficClass & 0xff) << 20) | label) >>> 0;
    d[at] = word >>> 24;
    d[at + 1] = word >>> 16;
    d[at + 2] = word >>> 8;
    d[at + 3] = word;
    d[at + 4] = payload >>> 8;
    d[at + 5] = payload;
    d[at + 6] = protocol;
    d[at + 7] = hopLimit > 0 ? hopLimit : this.defaultHops(b.dst, ifp);
    d.set(b.src, at + 8);
    d.set(b.dst, at + 24);
    b.networkOffset = at;
    b.family = 'ipv6';
    const df = (flags & SendFlags.DONT_FRAGMENT) !== 0;
    b.flags |= PacketFlags.LOCAL_OUT | (df ? PacketFlags.DONT_FRAGMENT : 0);
    this.counters.out.requests.inc();
    return this.emit(b, ifp, rr.nextHop, this.pathMtu(b.dst, 0, rr.mtu), df);
  }

  /**
   * Run the output hooks, then transmit `buf` (a complete packet at its IPv6 header) or, when it
   * exceeds `mtu`, its fragments. Takes ownership. Returns 'message-too-long' when it exceeds `mtu`
   * and `noFragment` is set (forwarded packets, RFC 8200 §5, and senders that refuse), and
   * 'interface-down' when IPv6 is disabled on `ifp` (RFC 4862 §5.4.5).
   */
  emit(buf: PacketBuffer, ifp: NetInterface, nextHop: Uint8Array, mtu: number, noFragment: boolean): SendError | null {
    if (this.nd.isDisabled(ifp.index)) {
      // RFC 4862 §5.4.5: IPv6 is disabled on `ifp`; covers sent and forwarded packets alike.
      this.counters.out['interface-disabled'].inc();
      buf.release();
      return 'interface-down';
    }
    const b = runHooks(this.outputSite, buf, ifp, this.counters.out['hook-dropped']);
    if (b === null) return null;
    if (b.length <= mtu) {
      if (!transmitIpv6(this.stack, ifp, b, nextHop)) this.counters.out['no-link-layer'].inc();
      return null;
    }
    if (noFragment) {
      this.counters.out['message-too-long'].inc();
      b.release();
      return 'message-too-long';
    }
    this.counters.out.fragmented.inc();
    this.emitIfp = ifp;
    copy16(nextHop, 0, this.emitNextHop, 0);
    const id = this.ids.next(b.data, b.start + 8, b.data, b.start + 24);
    const count = this.fragmenter.fragment(b, mtu, id, this.emitFragment);
    this.emitIfp = null;
    b.release();
    if (count === 0) this.counters.out['message-too-long'].inc();
    return count === 0 ? 'message-too-long' : null;
  }

  /** The MTU towards `dst`: the route's, lowered by a learnt path MTU (RFC 8201). */
  pathMtu(dst: Uint8Array, o: number, routeMtu: number): number {
    const learnt = this.pmtu.get(dst, o);
    return learnt > 0 && learnt < routeMtu ? learnt : routeMtu;
  }

  /** RFC 4861 §6.3.4 Cur Hop Limit, RFC 8200 §3 default; multicast defaults to 1 (RFC 3493 §5.2). */
  private defaultHops(dst: Uint8Array, ifp: NetInterface): number {
    if (isMulticastAt(dst, 0)) return 1;
    const advertised = this.nd.hopLimit(ifp.index);
    return advertised > 0 ? advertised : this.defaultHopLimit;
  }
}
