import {
  checkUpperProtocolNumber,
  ipv4FromBytes,
  Ipv4Address,
  isIpv4Multicast,
  pseudoHeaderSum4,
  requestFib,
  routingFib,
  type AllocateResult,
  type DemuxTable,
  type Disposer,
  type IpAddress,
  type NetworkProtocol,
  type PacketBuffer,
  type SendError,
  type SendRequest,
  type Stack,
  type UpperProtocolHandler,
} from '@stack/core';
import type { IcmpErrors } from './icmp-errors.js';
import type { LocalAddresses } from './local-addresses.js';
import type { MulticastGroups } from './multicast-groups.js';
import { SendFlags, type Ipv4Output } from './output.js';
import { ResolvedRoute, type RouteResolver } from './route-resolver.js';
import { selectSource4 } from './source-selection.js';
import { Icmpv4Type, Icmpv4UnreachableCode } from './wire/index.js';

const UNREACHABLE_CODE = {
  net: Icmpv4UnreachableCode.NET,
  host: Icmpv4UnreachableCode.HOST,
  protocol: Icmpv4UnreachableCode.PROTOCOL,
  port: Icmpv4UnreachableCode.PORT,
} as const;

/** The {@link NetworkProtocol} contract over IPv4: what transports see of this module. */
export class Ipv4Protocol implements NetworkProtocol {
  readonly family = 'ipv4' as const;
  readonly addressLength = 4;
  private readonly scratch = new ResolvedRoute();
  private readonly offence = { ifindex: 0, fib: 0, linkFlags: 0 };

  constructor(
    private readonly stack: Stack,
    private readonly uppers: DemuxTable<UpperProtocolHandler>,
    private readonly output: Ipv4Output,
    private readonly resolver: RouteResolver,
    private readonly locals: LocalAddresses,
    private readonly groups: MulticastGroups,
    private readonly errors: IcmpErrors,
  ) {}

  registerUpper(protocol: number, handler: UpperProtocolHandler, owner: string): Disposer {
    checkUpperProtocolNumber(protocol);
    return this.uppers.register(protocol, handler, owner);
  }

  allocate(req: SendRequest, length: number): AllocateResult {
    const dst = req.destination;
    if (dst.family !== 'ipv4') return 'no-route';
    const src = req.source == null ? 0 : req.source.family === 'ipv4' ? req.source.value : -1;
    if (src < 0) return 'address-not-available';
    return this.output.allocate4(requestFib(this.stack.interfaces, req), dst.value, src, req.ifindex ?? 0, length, flagsOf(req));
  }

  send(buf: PacketBuffer, req: SendRequest): SendError | null {
    return this.output.send4(buf, req.protocol, req.ttl ?? 0, req.tos ?? 0, flagsOf(req), req.ifindex ?? 0);
  }

  pseudoHeaderSum(buf: PacketBuffer, protocol: number, length: number): number {
    return pseudoHeaderSum4(ipv4FromBytes(buf.src, 0), ipv4FromBytes(buf.dst, 0), protocol, length);
  }

  selectSource(destination: IpAddress, ifindex = 0, fib = 0): IpAddress | null {
    if (destination.family !== 'ipv4') return null;
    const dst = destination.value;
    if (this.locals.active(dst) !== null) return destination;
    const rr = this.scratch;
    // The same address-only flow hash as `allocate4` with no source, so both pick the same ECMP member.
    const flow = this.resolver.flowHash(0, dst, 0, 0);
    if (this.resolver.resolve(fib, dst, ifindex, flow, rr) !== null) return null;
    const src = selectSource4(this.stack, rr.ifp, dst, rr.nextHop);
    return src === 0 ? null : new Ipv4Address(src);
  }

  pathMtu(destination: IpAddress, ifindex = 0, fib?: number): number {
    if (destination.family !== 'ipv4') return 0;
    const dst = destination.value;
    const table = routingFib(this.stack.interfaces, fib, ifindex);
    const rr = this.scratch;
    // The address-only flow hash of `allocate4` with no source, so both see the same ECMP member.
    if (this.resolver.resolve(table, dst, ifindex, this.resolver.flowHash(0, dst, 0, 0), rr) !== null) return 0;
    return this.output.pathMtuTo(dst, rr.mtu);
  }

  isLocalAddress(address: IpAddress): boolean {
    return address.family === 'ipv4' && this.locals.active(address.value) !== null;
  }

  joinGroup(ifindex: number, group: IpAddress): void {
    this.groups.join(ifindex, groupValue(group));
  }

  leaveGroup(ifindex: number, group: IpAddress): void {
    this.groups.leave(ifindex, groupValue(group));
  }

  sendUnreachable(buf: PacketBuffer, kind: 'port' | 'protocol' | 'host' | 'net'): void {
    const o = this.offence;
    o.ifindex = buf.ifindex;
    o.fib = buf.fib;
    o.linkFlags = buf.linkFlags;
    const length = buf.length >= 4 ? Math.min(buf.length, (buf.data[buf.start + 2] << 8) | buf.data[buf.start + 3]) : buf.length;
    this.errors.send(Icmpv4Type.DESTINATION_UNREACHABLE, UNREACHABLE_CODE[kind], 0, buf.data, buf.start, length, o);
  }
}

function flagsOf(req: SendRequest): number {
  return (req.dontFragment ? SendFlags.DONT_FRAGMENT : 0) | (req.broadcast ? SendFlags.BROADCAST : 0);
}

function groupValue(group: IpAddress): number {
  if (group.family !== 'ipv4' || !isIpv4Multicast(group.value)) throw new RangeError(`group: ${group.toString()} is not an IPv4 multicast address`);
  return group.value;
}
