import { Ipv4Address, type Clock, type Disposer, type EchoEvent, type EchoRequest, type IcmpEcho, type SendError } from '@stack/core';
import { SendFlags, type Ipv4Output } from './output.js';
import { ICMPV4_HEADER_LENGTH, Icmpv4PacketView, Icmpv4Type, IpProtocol } from './wire/index.js';

/** Echo data `ping` sends by default (RFC 792 leaves the size to the sender). */
const DEFAULT_ECHO_SIZE = 56;

/**
 * Sends ICMP echo requests (RFC 792) and routes replies, and errors quoting our requests, to the
 * listener of their identifier.
 */
export class EchoClient implements IcmpEcho {
  private readonly listeners = new Map<number, (event: EchoEvent) => void>();
  private readonly view = new Icmpv4PacketView();
  private nextIdentifier: number;

  constructor(
    private readonly output: Ipv4Output,
    private readonly clock: Clock,
    private readonly counter: { inc(): void },
  ) {
    this.nextIdentifier = (clock.now() * 40503 + 1) & 0xffff;
  }

  send(request: EchoRequest): SendError | null {
    const { destination } = request;
    if (destination.family !== 'ipv4') throw new TypeError(`destination: ${destination.toString()} is not an IPv4 address`);
    checkField('identifier', request.identifier, 0xffff);
    checkField('sequence', request.sequence, 0xffff);
    const size = request.data?.length ?? request.size ?? DEFAULT_ECHO_SIZE;
    checkField('size', size, 65507);
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
    const at = v.dataOffset;
    if (request.data !== undefined) buf.data.set(request.data, at);
    else for (let i = 0; i < size; i++) buf.data[at + i] = i & 0xff;
    v.fillChecksum();
    this.counter.inc();
    return this.output.send4(buf, IpProtocol.ICMP, request.ttl ?? 0, 0, flags, 0);
  }

  listen(identifier: number, listener: (event: EchoEvent) => void): Disposer {
    checkField('identifier', identifier, 0xffff);
    if (this.listeners.has(identifier)) throw new Error(`identifier: echo identifier ${identifier} already has a listener`);
    this.listeners.set(identifier, listener);
    return () => {
      if (this.listeners.get(identifier) === listener) this.listeners.delete(identifier);
    };
  }

  allocateIdentifier(): number {
    for (let i = 0; i <= 0xffff; i++) {
      const id = (this.nextIdentifier + i) & 0xffff;
      if (!this.listeners.has(id)) {
        this.nextIdentifier = (id + 1) & 0xffff;
        return id;
      }
    }
    throw new Error('identifier: every echo identifier is in use');
  }

  /** An echo reply arrived: `bytes[offset..offset+length)` is the ICMP message. */
  reply(from: number, ttl: number, bytes: Uint8Array, offset: number, length: number): boolean {
    const v = this.view.reset(bytes, offset, length);
    const listener = this.listeners.get(v.identifier);
    if (listener === undefined) return false;
    const data = bytes.slice(v.dataOffset, offset + length);
    const event: EchoEvent = {
      type: 'reply',
      from: new Ipv4Address(from),
      identifier: v.identifier,
      sequence: v.sequence,
      size: data.length,
      ttl,
      receivedAt: this.clock.now(),
      data,
    };
    notify(listener, event);
    return true;
  }

  /** An ICMP error quoting one of our echo requests (identifier and sequence from the quote). */
  error(from: number, icmpType: number, icmpCode: number, identifier: number, sequence: number): void {
    const listener = this.listeners.get(identifier);
    if (listener === undefined) return;
    notify(listener, { type: 'error', from: new Ipv4Address(from), identifier, sequence, icmpType, icmpCode, receivedAt: this.clock.now() });
  }
}

/** Call an application listener; its exception must not unwind the stack, so it is rethrown later. */
function notify(listener: (event: EchoEvent) => void, event: EchoEvent): void {
  try {
    listener(event);
  } catch (e) {
    void Promise.reject(e);
  }
}

function checkField(field: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new RangeError(`${field}: must be an integer in 0..${max}, got ${String(value)}`);
}
