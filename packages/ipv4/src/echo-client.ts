import { EchoListeners, echoRequestSize, Ipv4Address, writeEchoData, type Clock, type Disposer, type EchoEvent, type EchoRequest, type IcmpEcho, type SendError } from '@stack/core';
import { SendFlags, type Ipv4Output } from './output.js';
import { ICMPV4_HEADER_LENGTH, Icmpv4PacketView, Icmpv4Type, IpProtocol } from './wire/index.js';

/** Largest echo data in one datagram: 65535 − the 20-byte IPv4 header − the 8-byte ICMP header. */
const MAX_ECHO_SIZE = 65507;

/**
 * Sends ICMP echo requests (RFC 792) and routes replies, and errors quoting our requests, to the
 * listener of their identifier (core {@link EchoListeners}).
 */
export class EchoClient implements IcmpEcho {
  private readonly listeners: EchoListeners;
  private readonly view = new Icmpv4PacketView();

  constructor(
    private readonly output: Ipv4Output,
    clock: Clock,
    private readonly counter: { inc(): void },
  ) {
    this.listeners = new EchoListeners(clock, 1);
  }

  send(request: EchoRequest): SendError | null {
    const { destination } = request;
    if (destination.family !== 'ipv4') throw new TypeError(`destination: ${destination.toString()} is not an IPv4 address`);
    const size = echoRequestSize(request, MAX_ECHO_SIZE);
    if (request.source != null && request.source.family !== 'ipv4') throw new TypeError(`source: ${request.source.toString()} is not an IPv4 address`);
    const flags = (request.dontFragment ? SendFlags.DONT_FRAGMENT : 0) | (request.broadcast ? SendFlags.BROADCAST : 0);
    const src = request.source == null ? 0 : request.source.value;
    const buf = this.output.allocate4(request.fib ?? 0, destination.value, src, 0, ICMPV4_HEADER_LENGTH + size, flags);
    if (typeof buf === 'string') return buf;
    const v = this.view.reset(buf.data, buf.start, buf.length);
    v.type = Icmpv4Type.ECHO_REQUEST;
    v.code = 0;
    v.identifier = request.identifier;
    v.sequence = request.sequence;
    writeEchoData(request, buf.data, v.dataOffset, size);
    v.fillChecksum(buf.words);
    this.counter.inc();
    return this.output.send4(buf, IpProtocol.ICMP, request.ttl ?? 0, 0, flags, 0);
  }

  listen(identifier: number, listener: (event: EchoEvent) => void): Disposer {
    return this.listeners.listen(identifier, listener);
  }

  allocateIdentifier(): number {
    return this.listeners.allocateIdentifier();
  }

  /** An echo reply arrived: `bytes[offset..offset+length)` is the ICMP message. */
  reply(from: number, ttl: number, bytes: Uint8Array, offset: number, length: number): boolean {
    const v = this.view.reset(bytes, offset, length);
    if (!this.listeners.has(v.identifier)) return false;
    return this.listeners.reply(new Ipv4Address(from), v.identifier, v.sequence, ttl, bytes.slice(v.dataOffset, offset + length));
  }

  /** An ICMP error quoting one of our echo requests (identifier and sequence from the quote). */
  error(from: number, icmpType: number, icmpCode: number, identifier: number, sequence: number): void {
    if (this.listeners.has(identifier)) this.listeners.error(new Ipv4Address(from), icmpType, icmpCode, identifier, sequence);
  }
}
