import {
  allocateOutbound,
  flowPorts,
  ipv4FromBytes,
  ipv4ToBytes,
  isIpv4Multicast,
  PacketFlags,
  runHooks,
  type HookSite,
  type NetInterface,
  type PacketBuffer,
  type PathMtuCache,
  type SendError,
  type Stack,
} from '@stack/core';
import type { Fragmenter } from './fragmenter.js';
import type { Ipv4Counters } from './ipv4-counters.js';
import { transmitIpv4 } from './link-output.js';
import type { LocalAddresses } from './local-addresses.js';
import { ResolvedRoute, type RouteResolver } from './route-resolver.js';
import { selectSource4 } from './source-selection.js';
import { Ipv4PacketView, IPV4_MIN_HEADER_LENGTH } from './wire/index.js';

/** Largest upper-layer payload of one IPv4 datagram without options (65535 − 20). */
export const IPV4_MAX_PAYLOAD = 65535 - IPV4_MIN_HEADER_LENGTH;

/** Largest IPv4 header (with options): the headroom reserved beyond the link header. */
const IPV4_MAX_HEADER_LENGTH = 60;

/** Bits of the `flags` argument of {@link Ipv4Output.allocate4}. */
export const SendFlags = {
  DONT_FRAGMENT: 1,
  BROADCAST: 2,
} as const;

/**
 * The originating half of IPv4 (DESIGN.md §4 two-stage send): `allocate4` routes, selects the
 * source and hands out a buffer with headroom; `send4` prepends the header and transmits,
 * fragmenting to the path MTU (RFC 791 §3.2; the route's, lowered by a learnt one, RFC 1191)
 * unless DF is set. Integers in, no objects.
 */
export class Ipv4Output {
  private readonly route = new ResolvedRoute();
  private readonly view = new Ipv4PacketView();
  private nextId: number;
  private emitIfp: NetInterface | null = null;
  private emitNextHop = 0;
  private emitBroadcast = false;
  /** A destination as bytes, the path MTU cache's key. */
  private readonly key = new Uint8Array(4);
  private readonly emitFragment = (frag: PacketBuffer): void => {
    this.counters.out['fragments-created'].inc();
    if (!transmitIpv4(this.stack, this.emitIfp!, frag, this.emitNextHop, this.emitBroadcast)) this.counters.out['no-link-layer'].inc();
  };

  constructor(
    private readonly stack: Stack,
    private readonly resolver: RouteResolver,
    private readonly locals: LocalAddresses,
    private readonly pmtu: PathMtuCache,
    private readonly fragmenter: Fragmenter,
    private readonly counters: Ipv4Counters,
    private readonly routeSite: HookSite<PacketBuffer>,
    private readonly outputSite: HookSite<PacketBuffer>,
    readonly defaultTtl: number,
  ) {
    // Any start value will do (RFC 6864 §4.1); per stack, so stacks never share a sequence.
    this.nextId = (stack.clock.now() * 2654435761) & 0xffff;
  }

  /**
   * Stage 1: route `dst` in `fib` (optionally out of `ifindex`), choose the source (`src` 0) or
   * check the given one, and return a buffer holding `length` bytes for the caller at
   * `buf.start`, with `buf.src`/`buf.dst`/`buf.fib` set; or the reason it cannot be sent.
   */
  allocate4(fib: number, dst: number, src: number, ifindex: number, length: number, flags: number): PacketBuffer | SendError {
    if (length > IPV4_MAX_PAYLOAD) return 'message-too-long';
    const rr = this.route;
    // No transport header yet: an address-only flow hash. `send4` hashes the whole flow and decides
    // the ECMP member the datagram takes; this one only chooses the source and checks the MTU.
    const err = this.resolver.resolve(fib, dst, ifindex, this.resolver.flowHash(src, dst, 0, 0), rr);
    if (err !== null) {
      this.counters.out['no-route'].inc();
      return err;
    }
    if (rr.broadcast && (flags & SendFlags.BROADCAST) === 0) return 'broadcast-not-permitted';
    const ifp = rr.ifp!;
    let source = src;
    if (source !== 0) {
      if (this.locals.active(source) === null) return 'address-not-available';
    } else {
      source = ifp === this.stack.loopback && this.locals.active(dst) !== null ? dst : selectSource4(this.stack, ifp, dst, rr.nextHop);
      if (source === 0) return 'no-source-address';
    }
    if ((flags & SendFlags.DONT_FRAGMENT) !== 0 && length + IPV4_MIN_HEADER_LENGTH > this.pathMtuTo(dst, rr.mtu)) {
      this.counters.out['message-too-long'].inc();
      return 'message-too-long';
    }
    const buf = allocateOutbound(this.stack, ifp, length, IPV4_MAX_HEADER_LENGTH, 'ipv4', fib);
    ipv4ToBytes(source, buf.src, 0);
    ipv4ToBytes(dst, buf.dst, 0);
    return buf;
  }

  /**
   * Stage 2: prepend a header for `protocol` (TTL 0 means the default: 1 for multicast, else
   * `defaultTtl`) and send. Takes ownership of `buf`.
   */
  send4(buf: PacketBuffer, protocol: number, ttl: number, tos: number, flags: number, ifindex: number): SendError | null {
    const b = runHooks(this.routeSite, buf, null, this.counters.out['hook-dropped']);
    if (b === null) return null;
    const dst = ipv4FromBytes(b.dst, 0);
    const rr = this.route;
    // The ECMP member by the flow (addresses, protocol, ports), before fragmenting: every fragment
    // of the datagram and every datagram of the flow leave the same way.
    const flow = this.resolver.flowHash(ipv4FromBytes(b.src, 0), dst, protocol, flowPorts(protocol, b.data, b.start, b.length));
    const err = this.resolver.resolve(b.fib, dst, ifindex, flow, rr);
    if (err !== null) {
      this.counters.out['no-route'].inc();
      b.release();
      return err;
    }
    const total = b.length + IPV4_MIN_HEADER_LENGTH;
    if (total > 65535) {
      this.counters.out['message-too-long'].inc();
      b.release();
      return 'message-too-long';
    }
    const at = b.prepend(IPV4_MIN_HEADER_LENGTH);
    const d = b.data;
    const df = (flags & SendFlags.DONT_FRAGMENT) !== 0;
    // RFC 1122 §3.2.1.7: never send TTL 0. RFC 1112 §6.1: multicast defaults to TTL 1.
    const hops = ttl > 0 ? ttl : isIpv4Multicast(dst) ? 1 : this.defaultTtl;
    this.writeHeader(d, at, IPV4_MIN_HEADER_LENGTH, tos, total, df, hops, protocol, b.src, b.dst);
    this.view.reset(d, at, total).fillChecksum();
    b.networkOffset = at;
    b.family = 'ipv4';
    b.flags |= PacketFlags.LOCAL_OUT | (df ? PacketFlags.DONT_FRAGMENT : 0);
    this.counters.out.requests.inc();
    // Originated datagrams fit the path MTU (RFC 1191); forwarded ones only the route's (`emit`).
    return this.emit(b, rr.ifp!, rr.nextHop, rr.broadcast, this.pathMtu(b.dst, 0, rr.mtu), df);
  }

  /**
   * Write the fixed 20 bytes of an IPv4 header at `d[at]` (RFC 791 §3.1) for a datagram whose
   * header is `headerLength` bytes, taking the next identification. Options and the header
   * checksum are the caller's. (Addresses are copied byte by byte: two `subarray` views per
   * datagram would cost more than the eight bytes they move.)
   */
  writeHeader(d: Uint8Array, at: number, headerLength: number, tos: number, total: number, dontFragment: boolean, ttl: number, protocol: number, src: Uint8Array, dst: Uint8Array): void {
    d[at] = 0x40 | (headerLength >>> 2);
    d[at + 1] = tos;
    d[at + 2] = total >>> 8;
    d[at + 3] = total;
    const id = this.nextId;
    this.nextId = (id + 1) & 0xffff;
    d[at + 4] = id >>> 8;
    d[at + 5] = id;
    d[at + 6] = dontFragment ? 0x40 : 0;
    d[at + 7] = 0;
    d[at + 8] = ttl;
    d[at + 9] = protocol;
    d[at + 10] = 0;
    d[at + 11] = 0;
    for (let i = 0; i < 4; i++) {
      d[at + 12 + i] = src[i];
      d[at + 16 + i] = dst[i];
    }
  }

  /**
   * The MTU towards the destination at `dst[o..o+4)` whose route MTU is `routeMtu`: lowered by a
   * path MTU learnt from fragmentation-needed messages (RFC 1191). One size check when the cache is
   * empty; allocates nothing.
   */
  pathMtu(dst: Uint8Array, o: number, routeMtu: number): number {
    if (this.pmtu.size === 0) return routeMtu;
    const learnt = this.pmtu.get(dst, o);
    return learnt > 0 && learnt < routeMtu ? learnt : routeMtu;
  }

  /** {@link Ipv4Output.pathMtu} for a destination held as an integer. */
  pathMtuTo(dst: number, routeMtu: number): number {
    if (this.pmtu.size === 0) return routeMtu;
    ipv4ToBytes(dst, this.key, 0);
    return this.pathMtu(this.key, 0, routeMtu);
  }

  /**
   * Run the output hooks, then transmit `buf` (a complete datagram) or its fragments. Takes
   * ownership. Returns 'message-too-long' when it exceeds `mtu` with DF set.
   */
  emit(buf: PacketBuffer, ifp: NetInterface, nextHop: number, broadcast: boolean, mtu: number, df: boolean): SendError | null {
    const b = runHooks(this.outputSite, buf, ifp, this.counters.out['hook-dropped']);
    if (b === null) return null;
    if (b.length <= mtu) {
      if (!transmitIpv4(this.stack, ifp, b, nextHop, broadcast)) this.counters.out['no-link-layer'].inc();
      return null;
    }
    if (df) {
      this.counters.out['message-too-long'].inc();
      b.release();
      return 'message-too-long';
    }
    this.counters.out.fragmented.inc();
    this.emitIfp = ifp;
    this.emitNextHop = nextHop;
    this.emitBroadcast = broadcast;
    const count = this.fragmenter.fragment(b, mtu, this.emitFragment);
    this.emitIfp = null;
    b.release();
    return count === 0 ? 'message-too-long' : null;
  }
}

