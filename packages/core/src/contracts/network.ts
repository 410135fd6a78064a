import type { AddressFamily, IpAddress } from '../addr/index.js';
import type { PacketBuffer } from '../buffer/packet-buffer.js';
import type { Disposer } from '../engine/disposer.js';
import type { NetInterface } from '../engine/interface.js';

/**
 * What a transport asks for when it allocates a packet (DESIGN.md §4, two-stage send). Reuse one
 * object per socket; nothing is retained after `allocate` returns.
 * @public
 */
export interface SendRequest {
  readonly destination: IpAddress;
  /** Bound source address; chosen by source address selection when absent. */
  readonly source?: IpAddress | null;
  /** Upper-layer protocol number (e.g. 17 for UDP), written into the network header. */
  readonly protocol: number;
  /** FIB to route in; default: the FIB of the outgoing interface, else 0. */
  readonly fib?: number;
  /** Send out this interface (multicast, link-local, SO_BINDTODEVICE). */
  readonly ifindex?: number;
  /** TTL / hop limit; default the protocol's default (multicast: 1). */
  readonly ttl?: number;
  /** DSCP/ECN byte (IPv4 TOS, IPv6 traffic class). */
  readonly tos?: number;
  /** Refuse to fragment: a payload above the path MTU fails with `'message-too-long'`. */
  readonly dontFragment?: boolean;
  /** Permit a broadcast destination (SO_BROADCAST). */
  readonly broadcast?: boolean;
}

/** Why a send failed, as typed values rather than thrown errors. @public */
export type SendError =
  | 'no-route'
  | 'host-unreachable'
  | 'network-unreachable'
  | 'message-too-long'
  | 'no-source-address'
  | 'broadcast-not-permitted'
  | 'interface-down'
  | 'no-buffer'
  | 'address-not-available';

/**
 * The result of {@link NetworkProtocol.allocate}: a buffer positioned at the start of the upper
 * layer's `length` bytes (write the transport header and payload there), or the reason it could
 * not be allocated. A union rather than a wrapper object, so the hot path allocates nothing:
 * test with `typeof r === 'string'`.
 * @public
 */
export type AllocateResult = PacketBuffer | SendError;

/**
 * Upper-layer (transport) handler for one protocol number in a network protocol's demux.
 * @public
 */
export interface UpperProtocolHandler {
  /**
   * A packet for this stack. `buf` starts at the transport header and ends at the end of the
   * payload; `buf.src`/`buf.dst`/`buf.family`/`buf.ifindex` describe it. The handler takes ownership.
   * Return false when no socket wanted it and the protocol wants the network layer to answer with
   * its "port unreachable" error (ICMP type 3 code 3 / ICMPv6 type 1 code 4); the network layer then
   * owns `buf` again.
   */
  input(buf: PacketBuffer, ifp: NetInterface): boolean;
  /** An ICMP error quoting a packet this protocol sent. */
  error?(err: TransportErrorReport): void;
}

/** An ICMP/ICMPv6 error delivered to the transport whose packet it quotes. @public */
export interface TransportErrorReport {
  readonly family: AddressFamily;
  /** Normalised kind, the same for both families. */
  readonly kind: 'port-unreachable' | 'host-unreachable' | 'net-unreachable' | 'protocol-unreachable' | 'admin-prohibited' | 'time-exceeded' | 'parameter-problem' | 'packet-too-big' | 'source-route-failed' | 'other';
  /** Raw ICMP type and code as received. */
  readonly type: number;
  readonly code: number;
  /** Next-hop MTU for packet-too-big / fragmentation-needed, else 0. */
  readonly mtu: number;
  /** Source and destination of the quoted (original) packet. */
  readonly source: IpAddress;
  readonly destination: IpAddress;
  /** The quoted transport header and whatever payload followed it (copied). */
  readonly quoted: Uint8Array;
}

/**
 * A network protocol (IPv4, IPv6), registered as the {@link NetworkProtocolService} keyed by family.
 * Transports use only this contract, so one transport serves both families unchanged.
 * @public
 */
export interface NetworkProtocol {
  readonly family: AddressFamily;
  /** Address length in bytes (4 or 16). */
  readonly addressLength: number;
  /** Register the handler for an upper-layer protocol number; a taken number is an error naming the holder. */
  registerUpper(protocol: number, handler: UpperProtocolHandler, owner: string): Disposer;
  /**
   * Stage 1 of a send: route lookup and source selection for `req`, then a buffer with headroom for
   * every header below and `length` bytes for the caller. `buf.src`/`buf.dst` are filled in so the
   * caller can compute its pseudo-header checksum with {@link NetworkProtocol.pseudoHeaderSum}.
   */
  allocate(req: SendRequest, length: number): AllocateResult;
  /**
   * Stage 2: prepend the network header and send (fragmenting if needed and permitted). Takes
   * ownership of `buf`. Returns null or an error (e.g. `'message-too-long'` with `dontFragment`).
   */
  send(buf: PacketBuffer, req: SendRequest): SendError | null;
  /** Partial one's-complement sum of the pseudo-header for `buf` (uses `buf.src`/`buf.dst`). */
  pseudoHeaderSum(buf: PacketBuffer, protocol: number, length: number): number;
  /** Source address this stack would use towards `destination`, or null (RFC 6724 for IPv6). */
  selectSource(destination: IpAddress, ifindex?: number, fib?: number): IpAddress | null;
  /**
   * The MTU a packet to `destination` would get now, in bytes of the whole IP packet: the path MTU
   * learnt from ICMP "fragmentation needed" (RFC 1191) or ICMPv6 "packet too big" (RFC 8201) when
   * one is cached and lower, else the MTU of the route (or of the outgoing interface) that `allocate`
   * would use; 0 when there is no route (or its interface is down). `fib` defaults as in
   * {@link SendRequest.fib}; `ifindex` pins the interface as {@link SendRequest.ifindex} does.
   *
   * This is what TCP uses for its MSS (RFC 9293 §3.7.1, RFC 879): the MSS option it sends, and
   * the largest segment it sends, is this minus the fixed IP and TCP headers (20 + 20 for IPv4,
   * 40 + 20 for IPv6) and any options; after a `'packet-too-big'` {@link TransportErrorReport} it
   * asks again. Allocates nothing; answers from one route lookup and, when the cache is not empty,
   * one bounded cache probe.
   */
  pathMtu(destination: IpAddress, ifindex?: number, fib?: number): number;
  /** Whether `address` is one of this stack's own (active) addresses. */
  isLocalAddress(address: IpAddress): boolean;
  /** Join / leave a multicast group on an interface (IGMP/MLD where implemented). */
  joinGroup(ifindex: number, group: IpAddress): void;
  leaveGroup(ifindex: number, group: IpAddress): void;
  /**
   * Send an "unreachable" error about `buf` (a packet starting at its network header, received or
   * queued for output) to its source, as the protocol's ICMP does (rate-limited, never about an
   * ICMP error, a broadcast or a non-first fragment). Used by transports (port) and by neighbour
   * resolvers that gave up (host). Does not take ownership of `buf`.
   */
  sendUnreachable(buf: PacketBuffer, kind: 'port' | 'protocol' | 'host' | 'net'): void;
}
