import {
  InterfaceFlags,
  Ipv4Address,
  Ipv6Address,
  type AddressFamily,
  type IpAddress,
  type NetworkProtocol,
  type SendRequest,
  type Stack,
  type TransportErrorReport,
} from '@stack/core';
import { Endpoint, type EndpointOwner } from './endpoint-table.js';
import { UdpSocketError, type UdpErrorCode, type UdpSendError } from './errors.js';
import { UdpSocketsService } from './keys.js';
import { MessageQueue } from './message-queue.js';
import { RemoteInfo } from './remote-info.js';
import { isLinkLocalBytes, parseScopedAddress } from './scoped-address.js';
import { UDP_PROTOCOL } from './udp-input.js';
import type { UdpTransport } from './udp-transport.js';
import { fillUdpChecksum, UDP_HEADER_LENGTH, UdpDatagramView } from './wire/index.js';

/**
 * Options of {@link createSocket} (Node `dgram.createSocket` shaped).
 * @public
 */
export interface UdpSocketOptions {
  /** Address family: `'udp4'` (IPv4) or `'udp6'` (IPv6, dual-stack unless `ipv6Only`). */
  readonly type: 'udp4' | 'udp6';
  /**
   * For `'udp6'`: refuse IPv4 (IPV6_V6ONLY). Default false, as in Node: a `'udp6'` socket bound to
   * `::` also receives IPv4 datagrams, from IPv4-mapped addresses (`::ffff:192.0.2.1`, RFC 4038
   * §4.2), and sends to such addresses over IPv4.
   */
  readonly ipv6Only?: boolean;
  /** Let several sockets bind the same address and port (SO_REUSEADDR); all must set it. */
  readonly reuseAddr?: boolean;
  /** FIB to route in (FreeBSD SO_SETFIB); default the outgoing interface's. */
  readonly fib?: number;
  /** Datagrams an async iterator may hold before new ones are dropped. Default 256. */
  readonly receiveQueueLimit?: number;
}

/**
 * A received datagram, as async iteration yields it.
 * @public
 */
export interface UdpMessage {
  readonly msg: Uint8Array;
  readonly rinfo: RemoteInfo;
}

/**
 * A socket address, as `address()` and `remoteAddress()` return it (Node's AddressInfo).
 * @public
 */
export interface UdpAddressInfo {
  readonly address: string;
  readonly family: 'IPv4' | 'IPv6';
  readonly port: number;
}

/**
 * Events of a {@link UdpSocket}.
 * @public
 */
export interface UdpSocketEvents {
  message: (msg: Uint8Array, rinfo: RemoteInfo) => void;
  error: (error: UdpSocketError) => void;
  listening: () => void;
  close: () => void;
}

/** A mutable send request, reused for every datagram of a socket. */
class Request implements SendRequest {
  destination: IpAddress = Ipv4Address.ANY;
  source: IpAddress | null = null;
  readonly protocol = UDP_PROTOCOL;
  fib: number | undefined = undefined;
  ifindex: number | undefined = undefined;
  ttl: number | undefined = undefined;
  broadcast = false;
  dontFragment = false;
}

const ERROR_CODES: Record<TransportErrorReport['kind'], UdpErrorCode> = {
  'port-unreachable': 'ECONNREFUSED',
  'host-unreachable': 'EHOSTUNREACH',
  'admin-prohibited': 'EHOSTUNREACH',
  'net-unreachable': 'ENETUNREACH',
  'source-route-failed': 'ENETUNREACH',
  'packet-too-big': 'EMSGSIZE',
  'time-exceeded': 'EHOSTUNREACH',
  'protocol-unreachable': 'EPROTO',
  'parameter-problem': 'EPROTO',
  other: 'EPROTO',
};

type Listener = (...args: never[]) => void;

/** Reply destinations a socket keeps, by a hash of the sender's address (a power of two). */
const REPLY_SLOTS = 16;

/**
 * A UDP socket (RFC 768) shaped like Node's `dgram.Socket`: `bind`, `connect`, `send`, `'message'`
 * and `'error'` events, `close`, broadcast and multicast options, and async iteration over
 * received datagrams. It speaks only the network-protocol contract, so `'udp6'` works unchanged
 * once an IPv6 module provides that family.
 * @public
 */
export class UdpSocket implements EndpointOwner {
  /** `'ipv4'` for udp4, `'ipv6'` for udp6. */
  readonly family: AddressFamily;
  private readonly transport: UdpTransport;
  private readonly endpoint: Endpoint;
  private readonly request = new Request();
  private readonly view = new UdpDatagramView();
  private readonly listeners = new Map<keyof UdpSocketEvents, Set<Listener>>();
  private readonly queues = new Set<MessageQueue<UdpMessage>>();
  private readonly memberships: Array<{ ifindex: number; group: IpAddress }> = [];
  private readonly queueLimit: number;
  private readonly ipv6Only: boolean;
  private localAddress: IpAddress | null = null;
  /** The IPv4 address inside an IPv4-mapped local address (dual-stack socket bound to one), else null. */
  private localV4: Ipv4Address | null = null;
  private remote: IpAddress | null = null;
  /** The IPv4 address inside an IPv4-mapped connected peer, else null. */
  private remoteV4: Ipv4Address | null = null;
  /** Zone (interface index) of the connected peer, 0 when none was given. */
  private remoteIfindex = 0;
  /** Source of a delivered IPv4 datagram as an IPv4-mapped address (dual-stack sockets). */
  private readonly mapped = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0]);
  private bound = false;
  private closed = false;
  private ttl: number | undefined = undefined;
  private multicastTtl = 1;
  private multicastIfindex = 0;
  /**
   * Destinations of recent replies ({@link UdpSocket.sendToRemote}), direct-mapped by a hash of the
   * sender's address: answering a sender seen before allocates nothing.
   */
  private readonly replyTargets: Array<IpAddress | null> = new Array<IpAddress | null>(REPLY_SLOTS).fill(null);

  /** @internal Use {@link createSocket}. */
  constructor(transport: UdpTransport, options: UdpSocketOptions) {
    this.transport = transport;
    this.family = options.type === 'udp4' ? 'ipv4' : 'ipv6';
    this.ipv6Only = this.family === 'ipv6' && options.ipv6Only === true;
    this.endpoint = new Endpoint(this.family, options.reuseAddr ?? false, this);
    this.endpoint.dualStack = this.family === 'ipv6' && !this.ipv6Only;
    this.request.fib = options.fib;
    this.endpoint.fib = options.fib ?? 0;
    this.queueLimit = options.receiveQueueLimit ?? transport.queueLimit;
    transport.sockets.add(this);
  }

  /**
   * Bind to `port` (0 or omitted: an ephemeral port, RFC 6335) on `address` (omitted: every
   * address). Throws {@link UdpSocketError} `EADDRINUSE` / `EADDRNOTAVAIL` / `ERR_SOCKET_BAD_PORT`.
   */
  bind(port = 0, address?: string | IpAddress): this {
    this.ensureOpen();
    if (this.bound) throw new UdpSocketError('ERR_SOCKET_ALREADY_BOUND', 'the socket is already bound');
    checkPort(port, 0);
    const ep = this.endpoint;
    if (address !== undefined) {
      const addr = this.parse(address, 'address').address;
      if (!addr.isUnspecified()) {
        const v4 = this.mappedIpv4(addr);
        if (v4 !== null && this.ipv6Only) throw new UdpSocketError('EADDRNOTAVAIL', `${addr.toString()} is an IPv4-mapped address and the socket is IPv6-only`);
        const target = v4 ?? addr;
        const net = this.transport.network(target.family);
        if (!target.isMulticast() && (net === undefined || !net.isLocalAddress(target))) {
          throw new UdpSocketError('EADDRNOTAVAIL', `${addr.toString()} is not an address of this stack`);
        }
        addr.copyTo(ep.local, 0);
        ep.localAny = false;
        ep.dualStack = v4 !== null;
        this.localAddress = addr;
        this.localV4 = v4;
      }
    }
    ep.localPort = port !== 0 ? port : this.transport.allocatePort(this.family);
    if (ep.localPort === 0) throw new UdpSocketError('EADDRINUSE', 'no ephemeral port is free');
    if (this.transport.table.conflicts(ep)) {
      throw new UdpSocketError('EADDRINUSE', `port ${ep.localPort} is already bound${ep.localAny ? '' : ` on ${this.localAddress!.toString()}`}`);
    }
    this.transport.table.add(ep);
    this.bound = true;
    this.emit('listening');
    return this;
  }

  /** Associate with a remote endpoint: `send` needs no destination, only its datagrams are received. */
  connect(port: number, address?: string | IpAddress): this {
    this.ensureOpen();
    if (this.endpoint.connected) throw new UdpSocketError('ERR_SOCKET_DGRAM_IS_CONNECTED', 'the socket is already connected');
    checkPort(port, 1);
    const target = address === undefined ? { address: this.loopback(), ifindex: 0 } : this.parse(address, 'address');
    const remote = target.address;
    if (!this.bound) this.bind();
    remote.copyTo(this.endpoint.remote, 0);
    this.endpoint.remotePort = port;
    this.endpoint.connected = true;
    this.remote = remote;
    this.remoteV4 = this.mappedIpv4(remote);
    this.remoteIfindex = target.ifindex;
    return this;
  }

  /** Forget the remote endpoint set by `connect`. */
  disconnect(): void {
    if (!this.endpoint.connected) throw new UdpSocketError('ERR_SOCKET_DGRAM_NOT_CONNECTED', 'the socket is not connected');
    this.endpoint.connected = false;
    this.remote = null;
    this.remoteV4 = null;
    this.remoteIfindex = 0;
  }

  /**
   * Send `msg` as one datagram, to `port`/`address` (unconnected socket; address default the
   * loopback address, as Node does) or to the connected peer. Binds to an ephemeral port first if
   * needed. Returns null, or why it was not sent.
   */
  send(msg: Uint8Array, port?: number, address?: string | IpAddress): UdpSendError | null {
    if (this.closed) return 'socket-closed';
    const ep = this.endpoint;
    // A dual-stack socket reaches an IPv4-mapped destination over IPv4 (RFC 4038 §4.2): the
    // network layer gets the IPv4 address.
    if (port !== undefined) {
      if (ep.connected) return 'already-connected';
      checkPort(port, 1);
      const target = address === undefined ? { address: this.loopback(), ifindex: 0 } : this.parse(address, 'address');
      const destination = target.address;
      const v4 = this.ipv6Only ? null : this.mappedIpv4(destination);
      return this.transmit(msg, v4 ?? destination, target.ifindex, port);
    }
    if (!ep.connected) return 'not-connected';
    const v4 = this.ipv6Only ? null : this.remoteV4;
    return this.transmit(msg, v4 ?? this.remote!, this.remoteIfindex, ep.remotePort);
  }

  /**
   * Send `msg` as one datagram back to the sender of a datagram this socket received, as its
   * `rinfo` describes it: the same address and port, without formatting or parsing address text.
   * A link-local IPv6 sender is answered through the interface its datagram arrived on (its zone,
   * RFC 4007 §6); an IPv4 sender of a dual-stack socket over IPv4. Answering a sender among the
   * socket's recent ones allocates nothing beyond what `send` needs. Returns null, or why it was
   * not sent (`'bad-port'` for a sender with port 0, which expects no reply, RFC 768).
   * A connected socket answers with `send(msg)`.
   * @throws TypeError when `rinfo` is not a {@link RemoteInfo} of this socket's family.
   */
  sendToRemote(msg: Uint8Array, rinfo: RemoteInfo): UdpSendError | null {
    if (!(rinfo instanceof RemoteInfo)) throw new TypeError('rinfo: must be the RemoteInfo of a received datagram');
    if ((rinfo.family === 'IPv4') !== (this.family === 'ipv4')) {
      throw new TypeError(`rinfo: an ${rinfo.family} sender cannot be answered from a ${this.family === 'ipv4' ? 'udp4' : 'udp6'} socket`);
    }
    if (this.closed) return 'socket-closed';
    if (this.endpoint.connected) return 'already-connected';
    if (rinfo.port === 0) return this.failed('bad-port');
    return this.transmit(msg, this.replyTarget(rinfo), rinfo.replyIfindex, rinfo.port);
  }

  /**
   * Send to `destination` (what the network layer gets: an IPv4-mapped peer of a dual-stack socket
   * as its IPv4 address), out of interface `zone` when not 0.
   */
  private transmit(msg: Uint8Array, destination: IpAddress, zone: number, dstPort: number): UdpSendError | null {
    const ep = this.endpoint;
    const counters = this.transport.counters.out;
    const length = UDP_HEADER_LENGTH + msg.length;
    if (length > 0xffff) {
      counters.errors.inc();
      return 'message-too-long';
    }
    // IPv4 from a udp6 socket: a dual-stack socket reaching an IPv4-mapped peer.
    const overIpv4 = destination.family !== this.family;
    const local = this.localAddress;
    const localV4 = this.localV4;
    const net: NetworkProtocol | undefined = this.transport.network(destination.family);
    if (net === undefined) return 'no-network-protocol';
    if (!this.bound) this.bind();
    const req = this.request;
    if (overIpv4) {
      if (!ep.localAny && localV4 === null) return this.failed('address-not-available');
      req.source = localV4 !== null && !localV4.isMulticast() ? localV4 : null;
    } else {
      if (localV4 !== null) return this.failed('address-not-available');
      req.source = ep.localAny || local!.isMulticast() ? null : local;
    }
    req.destination = destination;
    const multicast = req.destination.isMulticast();
    req.ttl = multicast ? this.multicastTtl : this.ttl;
    req.ifindex = multicast && this.multicastIfindex !== 0 ? this.multicastIfindex : zone !== 0 ? zone : undefined;
    const buf = net.allocate(req, length);
    if (typeof buf === 'string') return this.failed(buf);
    const v = this.view.reset(buf.data, buf.start, length);
    v.srcPort = ep.localPort;
    v.dstPort = dstPort;
    v.datagramLength = length;
    v.checksum = 0;
    buf.data.set(msg, v.payloadOffset);
    // Computed for both families; mandatory over IPv6 (RFC 8200 §8.1).
    fillUdpChecksum(buf.data, buf.start, length, net.pseudoHeaderSum(buf, UDP_PROTOCOL, length), buf.words);
    const error = net.send(buf, req);
    if (error !== null) counters.errors.inc();
    else counters.sent.inc();
    return error;
  }

  private failed(error: UdpSendError): UdpSendError {
    this.transport.counters.out.errors.inc();
    return error;
  }

  /** The destination answering `rinfo`'s sender: from the reply cache, else made once and kept. */
  private replyTarget(rinfo: RemoteInfo): IpAddress {
    const slot = rinfo.addressHash & (REPLY_SLOTS - 1);
    const cached = this.replyTargets[slot];
    if (cached !== null && rinfo.isAddress(cached)) return cached;
    // An IPv4 sender of a dual-stack socket is answered over IPv4 (RFC 4038 §4.2).
    const target = rinfo.toIpAddress(!this.ipv6Only);
    this.replyTargets[slot] = target;
    return target;
  }

  /** Close the socket: unbind, leave its groups, end async iterations, emit `'close'`. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.bound) this.transport.table.remove(this.endpoint);
    const net = this.transport.network(this.family);
    for (const m of this.memberships.splice(0)) net?.leaveGroup(m.ifindex, m.group);
    for (const q of this.queues) q.end();
    this.queues.clear();
    this.transport.sockets.delete(this);
    this.emit('close');
  }

  /** The bound address and port. */
  address(): UdpAddressInfo {
    if (!this.bound || this.closed) throw new UdpSocketError('ERR_SOCKET_DGRAM_NOT_RUNNING', 'the socket is not bound');
    const any = this.family === 'ipv4' ? '0.0.0.0' : '::';
    return { address: this.localAddress?.toString() ?? any, family: this.familyName(), port: this.endpoint.localPort };
  }

  /** The connected peer. */
  remoteAddress(): UdpAddressInfo {
    if (this.remote === null) throw new UdpSocketError('ERR_SOCKET_DGRAM_NOT_CONNECTED', 'the socket is not connected');
    return { address: this.remote.toString(), family: this.familyName(), port: this.endpoint.remotePort };
  }

  /** Permit sending to broadcast addresses (SO_BROADCAST). */
  setBroadcast(flag: boolean): void {
    this.request.broadcast = flag;
  }

  /**
   * Refuse to fragment this socket's datagrams (default off: a datagram larger than the path MTU
   * is fragmented by the sender, as now). The socket-level switch of Linux's `IP_MTU_DISCOVER` =
   * `IP_PMTUDISC_DO` (and `IPV6_DONTFRAG`, RFC 3542 §11.2, for udp6), which Node's `dgram` lacks.
   * On: IPv4 datagrams leave with DF set (RFC 791 §3.1), so a router on a narrower link answers
   * "fragmentation needed" and the network layer lowers its path MTU for that destination
   * (RFC 1191); IPv6 datagrams are never fragmented by routers anyway (RFC 8200 §5), and this stops
   * the local fragmentation too. A datagram larger than the path MTU known now (the learnt one,
   * else the route's or interface's) is then not sent: `send` / `sendToRemote` return
   * `'message-too-long'` (counted in `udp.out.errors`), as Linux answers EMSGSIZE. The MTU to size
   * datagrams by is `NetworkProtocol.pathMtu(destination)` (minus 20/40 bytes of IP header and 8 of
   * UDP).
   */
  setDontFragment(flag: boolean): void {
    if (typeof flag !== 'boolean') throw new TypeError(`dontFragment: must be a boolean, got ${String(flag)}`);
    this.request.dontFragment = flag;
  }

  /** Whether {@link UdpSocket.setDontFragment} is on. */
  getDontFragment(): boolean {
    return this.request.dontFragment;
  }

  /** TTL / hop limit of unicast datagrams, 1..255. */
  setTTL(ttl: number): number {
    checkRange('ttl', ttl, 1, 255);
    this.ttl = ttl;
    return ttl;
  }

  /** TTL / hop limit of multicast datagrams, 0..255 (default 1, RFC 1112 §6.1). */
  setMulticastTTL(ttl: number): number {
    checkRange('ttl', ttl, 0, 255);
    this.multicastTtl = ttl;
    return ttl;
  }

  /** Send multicast datagrams out of the interface holding `interfaceAddress`. */
  setMulticastInterface(interfaceAddress: string): void {
    this.multicastIfindex = this.interfaceOf(interfaceAddress);
  }

  /** Join `group` on the interface holding `interfaceAddress` (default: the first multicast interface). */
  addMembership(group: string, interfaceAddress?: string): void {
    this.ensureOpen();
    const g = this.group(group);
    const ifindex = interfaceAddress === undefined ? this.defaultMulticastInterface() : this.interfaceOf(interfaceAddress);
    const net = this.transport.network(this.family);
    if (net === undefined) throw new UdpSocketError('EADDRNOTAVAIL', `no ${this.family} network protocol is loaded`);
    net.joinGroup(ifindex, g);
    if (!this.bound) this.bind();
    this.memberships.push({ ifindex, group: g });
  }

  /** Leave a group joined with {@link UdpSocket.addMembership}. */
  dropMembership(group: string, interfaceAddress?: string): void {
    const g = this.group(group);
    const ifindex = interfaceAddress === undefined ? -1 : this.interfaceOf(interfaceAddress);
    const i = this.memberships.findIndex((m) => m.group.equals(g) && (ifindex < 0 || m.ifindex === ifindex));
    if (i < 0) throw new UdpSocketError('EADDRNOTAVAIL', `not a member of ${group}`);
    const [m] = this.memberships.splice(i, 1);
    this.transport.network(this.family)?.leaveGroup(m.ifindex, m.group);
  }

  on<E extends keyof UdpSocketEvents>(event: E, listener: UdpSocketEvents[E]): this {
    let set = this.listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as Listener);
    return this;
  }

  off<E extends keyof UdpSocketEvents>(event: E, listener: UdpSocketEvents[E]): this {
    this.listeners.get(event)?.delete(listener as Listener);
    return this;
  }

  once<E extends keyof UdpSocketEvents>(event: E, listener: UdpSocketEvents[E]): this {
    const wrapper = ((...args: never[]) => {
      this.off(event, wrapper as UdpSocketEvents[E]);
      (listener as Listener)(...args);
    }) as UdpSocketEvents[E];
    return this.on(event, wrapper);
  }

  /**
   * Received datagrams, in order, until the socket closes. Up to `receiveQueueLimit` wait for the
   * reader; beyond that new ones are dropped (counted in `udp.in.queue-full`).
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<UdpMessage> {
    const queue = new MessageQueue<UdpMessage>(this.queueLimit);
    if (this.closed) queue.end();
    else this.queues.add(queue);
    const iterator: AsyncIterableIterator<UdpMessage> = {
      next: () => queue.next(),
      return: async () => {
        this.queues.delete(queue);
        queue.end();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /** @internal A datagram for this socket; the bytes belong to the stack and are copied. */
  deliver(bytes: Uint8Array, offset: number, length: number, family: AddressFamily, src: Uint8Array, srcPort: number, ifindex: number): void {
    const msg = this.transport.payloads.copy(bytes, offset, length);
    let from = src;
    if (family !== this.family) {
      // An IPv4 datagram on a dual-stack socket: its source as an IPv4-mapped address.
      this.mapped.set(src.subarray(0, 4), 12);
      from = this.mapped;
    }
    const zone = this.family === 'ipv6' && isLinkLocalBytes(from) ? (this.transport.stack.interfaces.byIndexFast(ifindex)?.name ?? null) : null;
    const rinfo = new RemoteInfo(this.family, from, srcPort, length, ifindex, zone);
    this.emitMessage(msg, rinfo);
    if (this.queues.size === 0) return;
    const item: UdpMessage = { msg, rinfo };
    for (const q of this.queues) if (!q.push(item)) this.transport.counters.in['queue-full'].inc();
  }

  /** @internal An ICMP error about a datagram this (connected) socket sent. */
  icmpError(report: TransportErrorReport): void {
    const what = `${report.kind} from ${report.destination.toString()} (ICMP type ${report.type} code ${report.code})`;
    this.emit('error', new UdpSocketError(ERROR_CODES[report.kind], what));
  }

  /** `emit('message', ...)` without the rest-argument array: this runs once per datagram. */
  private emitMessage(msg: Uint8Array, rinfo: RemoteInfo): void {
    const set = this.listeners.get('message');
    if (set === undefined) return;
    for (const listener of set) {
      try {
        (listener as (m: Uint8Array, r: RemoteInfo) => void)(msg, rinfo);
      } catch (e) {
        void Promise.reject(e);
      }
    }
  }

  private emit(event: keyof UdpSocketEvents, ...args: unknown[]): void {
    const set = this.listeners.get(event);
    if (set === undefined) return;
    for (const listener of set) {
      try {
        (listener as (...a: unknown[]) => void)(...args);
      } catch (e) {
        // An application bug must not unwind the stack: surface it outside the processing turn.
        void Promise.reject(e);
      }
    }
  }

  private ensureOpen(): void {
    if (this.closed) throw new UdpSocketError('ERR_SOCKET_DGRAM_NOT_RUNNING', 'the socket is closed');
  }

  private familyName(): 'IPv4' | 'IPv6' {
    return this.family === 'ipv4' ? 'IPv4' : 'IPv6';
  }

  private loopback(): IpAddress {
    return this.family === 'ipv4' ? Ipv4Address.LOOPBACK : Ipv6Address.LOOPBACK;
  }

  /** An address of the socket's family, text possibly with a zone (`fe80::1%em0`, RFC 4007 §11). */
  private parse(address: string | IpAddress, field: string): { address: IpAddress; ifindex: number } {
    const target = typeof address === 'string' ? parseScopedAddress(this.transport.stack, address, field) : { address, ifindex: 0 };
    const addr = target.address;
    if (addr.family !== this.family) throw new TypeError(`${field}: ${addr.toString()} is not an ${this.family} address (socket type ${this.family === 'ipv4' ? 'udp4' : 'udp6'})`);
    return target;
  }

  /** The IPv4 address inside an IPv4-mapped IPv6 address, or null. */
  private mappedIpv4(addr: IpAddress): Ipv4Address | null {
    return addr.family === 'ipv6' ? addr.toIpv4Mapped() : null;
  }

  private group(text: string): IpAddress {
    const g = this.parse(text, 'group').address;
    if (!g.isMulticast()) throw new TypeError(`group: ${text} is not a multicast address`);
    return g;
  }

  /** The interface named by an address configured on it, or by a zone (`::%em0`, as Node takes it for IPv6). */
  private interfaceOf(text: string): number {
    const { address, ifindex } = this.parse(text, 'interfaceAddress');
    if (ifindex !== 0) return ifindex;
    for (const ifp of this.transport.stack.interfaces.list()) if (ifp.findAddress(address) !== undefined) return ifp.index;
    throw new UdpSocketError('EADDRNOTAVAIL', `interfaceAddress: ${text} is not configured on any interface`);
  }

  private defaultMulticastInterface(): number {
    const stack = this.transport.stack;
    for (const ifp of stack.interfaces.list()) {
      if (ifp.isRunning && ifp.hasFlag(InterfaceFlags.MULTICAST) && !ifp.hasFlag(InterfaceFlags.LOOPBACK)) return ifp.index;
    }
    return stack.loopback.index;
  }
}

function checkPort(port: number, min: number): void {
  if (!Number.isInteger(port) || port < min || port > 65535) throw new UdpSocketError('ERR_SOCKET_BAD_PORT', `port must be an integer in ${min}..65535, got ${String(port)}`);
}

function checkRange(field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${field}: must be an integer in ${min}..${max}, got ${String(value)}`);
}

/**
 * Create a UDP socket on a stack that has the `udp` module loaded (Node `dgram.createSocket`).
 * @public
 */
export function createSocket(stack: Stack, options: UdpSocketOptions): UdpSocket {
  if (options?.type !== 'udp4' && options?.type !== 'udp6') throw new TypeError(`type: must be 'udp4' or 'udp6', got ${String(options?.type)}`);
  if (options.fib !== undefined && (!Number.isInteger(options.fib) || options.fib < 0)) throw new RangeError(`fib: ${String(options.fib)} is not a FIB number`);
  if (options.receiveQueueLimit !== undefined) checkRange('receiveQueueLimit', options.receiveQueueLimit, 1, 1 << 20);
  const transport = stack.services.tryGet(UdpSocketsService);
  if (transport === undefined) throw new Error('udp: the udp module is not loaded on this stack (stack.load(udpModule()))');
  return new UdpSocket(transport as UdpTransport, options);
}
