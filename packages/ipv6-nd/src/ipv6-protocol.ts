import {
  checkUpperProtocolNumber,
  type Ipv6Address,
  pseudoHeaderSum6,
  requestFib,
  routingFib,
  type AllocateResult,
  type DemuxTable,
  type Disposer,
  type IpAddress,
  type NetInterface,
  type NetworkProtocol,
  type PacketBuffer,
  type SendError,
  type SendRequest,
  type Stack,
  type UpperProtocolHandler,
} from '@stack/core';
import { OffenceScratch, type Icmpv6Errors } from './icmp-errors.js';
import type { LocalAddresses } from './local-addresses.js';
import type { NdLink } from './nd-link.js';
import { SendFlags, type Ipv6Output } from './output.js';
import { ResolvedRoute, type RouteResolver } from './route-resolver.js';
import type { SourceSelector } from './source-selection.js';
import type { UpperLayerLocator } from './upper-layer.js';
import { Icmpv6ParameterProblemCode, Icmpv6Type, Icmpv6UnreachableCode, IPV6_HEADER_LENGTH, Ipv6NextHeader } from './wire/index.js';

/** Next Header values the IPv6 layer processes itself: no upper-layer protocol may take them. */
const RESERVED = new Set<number>([
  Ipv6NextHeader.HOP_BY_HOP,
  Ipv6NextHeader.ROUTING,
  Ipv6NextHeader.FRAGMENT,
  Ipv6NextHeader.DESTINATION_OPTIONS,
  Ipv6NextHeader.NO_NEXT_HEADER,
]);

const UNREACHABLE_CODE = {
  net: Icmpv6UnreachableCode.NO_ROUTE,
  host: Icmpv6UnreachableCode.ADDRESS,
  port: Icmpv6UnreachableCode.PORT,
} as const;

/** The {@link NetworkProtocol} contract over IPv6: what transports see of this module. */
export class Ipv6Protocol implements NetworkProtocol {
  readonly family = 'ipv6' as const;
  readonly addressLength = 16;
  private readonly scratch = new ResolvedRoute();
  private readonly offence = new OffenceScratch();

  constructor(
    private readonly stack: Stack,
    private readonly uppers: DemuxTable<UpperProtocolHandler>,
    private readonly output: Ipv6Output,
    private readonly resolver: RouteResolver,
    private readonly locals: LocalAddresses,
    private readonly selector: SourceSelector,
    private readonly errors: Icmpv6Errors,
    private readonly locator: UpperLayerLocator,
    private readonly nd: NdLink,
  ) {}

  registerUpper(protocol: number, handler: UpperProtocolHandler, owner: string): Disposer {
    checkUpperProtocolNumber(protocol);
    if (RESERVED.has(protocol)) throw new RangeError(`protocol: ${protocol} is an IPv6 extension header the ipv6 module processes itself`);
    return this.uppers.register(protocol, handler, owner);
  }

  allocate(req: SendRequest, length: number): AllocateResult {
    const dst = req.destination;
    if (dst.family !== 'ipv6') return 'no-route';
    const src = req.source;
    if (src != null && src.family !== 'ipv6') return 'address-not-available';
    return this.output.allocate6(
      requestFib(this.stack.interfaces, req),
      dst.bytes as Uint8Array,
      0,
      src == null ? null : (src.bytes as Uint8Array),
      0,
      req.ifindex ?? 0,
      length,
      req.dontFragment ? SendFlags.DONT_FRAGMENT : 0,
    );
  }

  send(buf: PacketBuffer, req: SendRequest): SendError | null {
    return this.output.send6(buf, req.protocol, req.ttl ?? 0, req.tos ?? 0, req.dontFragment ? SendFlags.DONT_FRAGMENT : 0, req.ifindex ?? 0);
  }

  pseudoHeaderSum(buf: PacketBuffer, protocol: number, length: number): number {
    return pseudoHeaderSum6(buf.src, 0, buf.dst, 0, protocol, length);
  }

  selectSource(destination: IpAddress, ifindex = 0, fib = 0): IpAddress | null {
    if (destination.family !== 'ipv6') return null;
    const dst = destination.bytes as Uint8Array;
    if (this.locals.active(dst, 0, ifindex) !== null) return destination;
    const rr = this.scratch;
    // The same address-only flow hash as `allocate6` with no source, so both pick the same ECMP member.
    const flow = this.resolver.flowHash(null, 0, dst, 0, 0, 0, 0);
    if (this.resolver.resolve(fib, dst, 0, ifindex, flow, rr) !== null) return null;
    const chosen = this.selector.select(dst, 0, rr.ifp!);
    return chosen === null ? null : chosen.address;
  }

  pathMtu(destination: IpAddress, ifindex = 0, fib?: number): number {
    if (destination.family !== 'ipv6') return 0;
    const dst = destination.bytes as Uint8Array;
    const table = routingFib(this.stack.interfaces, fib, ifindex);
    const rr = this.scratch;
    // The address-only flow hash of `allocate6` with no source, so both see the same ECMP member.
    const flow = this.resolver.flowHash(null, 0, dst, 0, 0, 0, 0);
    if (this.resolver.resolve(table, dst, 0, ifindex, flow, rr) !== null) return 0;
    return this.output.pathMtu(dst, 0, rr.mtu);
  }

  isLocalAddress(address: IpAddress): boolean {
    return address.family === 'ipv6' && this.locals.active(address.bytes as Uint8Array, 0, 0) !== null;
  }

  joinGroup(ifindex: number, group: IpAddress): void {
    const [ifp, bytes] = this.groupOf(ifindex, group);
    this.nd.parts?.joinGroup(ifp, bytes);
  }

  leaveGroup(ifindex: number, group: IpAddress): void {
    const [ifp, bytes] = this.groupOf(ifindex, group);
    this.nd.parts?.leaveGroup(ifp, bytes);
  }

  sendUnreachable(buf: PacketBuffer, kind: 'port' | 'protocol' | 'host' | 'net'): void {
    const o = this.offence;
    o.ifindex = buf.ifindex;
    o.fib = buf.fib;
    o.linkFlags = buf.linkFlags;
    const d = buf.data;
    const at = buf.start;
    if (buf.length < IPV6_HEADER_LENGTH) return;
    const length = Math.min(buf.length, IPV6_HEADER_LENGTH + ((d[at + 4] << 8) | d[at + 5]));
    if (kind !== 'protocol') {
      this.errors.send(Icmpv6Type.DESTINATION_UNREACHABLE, UNREACHABLE_CODE[kind], 0, d, at, length, o);
      return;
    }
    // RFC 4443 §3.4: an unknown upper-layer protocol is a parameter problem code 1 at its Next Header field.
    const loc = this.locator;
    if (!loc.locate(d, at, at + length)) return;
    this.errors.send(Icmpv6Type.PARAMETER_PROBLEM, Icmpv6ParameterProblemCode.UNRECOGNIZED_NEXT_HEADER, loc.nextHeaderField - at, d, at, length, o);
  }

  private groupOf(ifindex: number, group: IpAddress): [NetInterface, Uint8Array] {
    if (group.family !== 'ipv6' || !group.isMulticast()) throw new RangeError(`group: ${group.toString()} is not an IPv6 multicast address`);
    const ifp = this.stack.interfaces.byIndexFast(ifindex);
    if (ifp === undefined) throw new Error(`ifindex: interface ${ifindex} does not exist`);
    return [ifp, (group as Ipv6Address).bytes as Uint8Array];
  }
}
