import { checkEchoField, EchoListeners, echoRequestSize, Ipv6Address, writeEchoData, type Clock, type Disposer, type EchoEvent, type EchoRequest, type IcmpEcho, type SendError } from '@stack/core';
import { SendFlags, type Ipv6Output } from './output.js';
import { ICMPV6_HEADER_LENGTH, Icmpv6PacketView, icmpv6PseudoHeaderSum, Icmpv6Type, Ipv6NextHeader } from './wire/index.js';

/** Largest echo data in one packet: 65535 − the 8-byte ICMPv6 header. */
const MAX_ECHO_SIZE = 65535 - ICMPV6_HEADER_LENGTH;

/**
 * Sends ICMPv6 echo requests (RFC 4443 §4.1) and routes replies, and errors quoting our requests,
 * to the listener of their identifier (core {@link EchoListeners}): the `IcmpEchoService` variant
 * `'ipv6'`.
 */
export class EchoClient implements IcmpEcho {
  private readonly listeners: EchoListeners;
  private readonly view = new Icmpv6PacketView();

  constructor(
    private readonly output: Ipv6Output,
    clock: Clock,
    private readonly counter: { inc(): void },
  ) {
    this.listeners = new EchoListeners(clock, 7);
  }

  send(request: EchoRequest): SendError | null {
    const { destination } = request;
    if (destination?.family !== 'ipv6') throw new TypeError(`destination: ${String(destination)} is not an IPv6 address`);
    const size = echoRequestSize(request, MAX_ECHO_SIZE);
    if (request.ttl !== undefined) checkEchoField('ttl', request.ttl, 255);
    if (request.ifindex !== undefined) checkEchoField('ifindex', request.ifindex, 0xffffffff);
    const source = request.source ?? null;
    if (source !== null && source.family !== 'ipv6') throw new TypeError(`source: ${source.toString()} is not an IPv6 address`);
    const flags = request.dontFragment ? SendFlags.DONT_FRAGMENT : 0;
    const ifindex = request.ifindex ?? 0;
    const length = ICMPV6_HEADER_LENGTH + size;
    const buf = this.output.allocate6(
      request.fib ?? 0,
      destination.bytes as Uint8Array,
      0,
      source === null ? null : (source.bytes as Uint8Array),
      0,
      ifindex,
      length,
      flags,
    );
    if (typeof buf === 'string') return buf;
    const v = this.view.reset(buf.data, buf.start, length);
    v.type = Icmpv6Type.ECHO_REQUEST;
    v.code = 0;
    v.identifier = request.identifier;
    v.sequence = request.sequence;
    writeEchoData(request, buf.data, v.dataOffset, size);
    v.fillChecksum(icmpv6PseudoHeaderSum(buf.src, 0, buf.dst, 0, length), buf.words);
    this.counter.inc();
    return this.output.send6(buf, Ipv6NextHeader.ICMPV6, request.ttl ?? 0, 0, flags, ifindex);
  }

  listen(identifier: number, listener: (event: EchoEvent) => void): Disposer {
    return this.listeners.listen(identifier, listener);
  }

  allocateIdentifier(): number {
    return this.listeners.allocateIdentifier();
  }

  /** An echo reply arrived from `from[0..16)` with `hopLimit`: `bytes[offset..offset+length)` is the ICMPv6 message. */
  reply(from: Uint8Array, hopLimit: number, bytes: Uint8Array, offset: number, length: number): void {
    const v = this.view.reset(bytes, offset, length);
    if (!this.listeners.has(v.identifier)) return;
    this.listeners.reply(new Ipv6Address(from), v.identifier, v.sequence, hopLimit, bytes.slice(v.dataOffset, offset + length));
  }

  /** An ICMPv6 error from `from[0..16)` quoting one of our echo requests. */
  error(from: Uint8Array, icmpType: number, icmpCode: number, identifier: number, sequence: number): void {
    if (this.listeners.has(identifier)) this.listeners.error(new Ipv6Address(from), icmpType, icmpCode, identifier, sequence);
  }
}
