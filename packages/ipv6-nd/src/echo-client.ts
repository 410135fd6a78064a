import { Ipv6Address, type Clock, type Disposer, type EchoEvent, type EchoRequest, type IcmpEcho, type SendError } from '@stack/core';
import { SendFlags, type Ipv6Output } from './output.js';
import { ICMPV6_HEADER_LENGTH, Icmpv6PacketView, icmpv6PseudoHeaderSum, Icmpv6Type, Ipv6NextHeader } from './wire/index.js';

/** Echo data `ping` sends by default. */
const DEFAULT_ECHO_SIZE = 56;
/** Largest echo data in one packet: 65535 − the 8-byte ICMPv6 header. */
const MAX_ECHO_SIZE = 65535 - ICMPV6_HEADER_LENGTH;

/**
 * Sends ICMPv6 echo requests (RFC 4443 §4.1) and routes replies, and errors quoting our requests,
 * to the listener of their identifier: the `IcmpEchoService` variant `'ipv6'`.
 */
export class EchoClient implements IcmpEcho {
  private readonly listeners = new Map<number, (event: EchoEvent) => void>();
  private readonly view = new Icmpv6PacketView();
  private nextIdentifier: number;

  constructor(
    private readonly output: Ipv6Output,
    private readonly clock: Clock,
    private readonly counter: { inc(): void },
  ) {
    this.nextIdentifier = (clock.now() * 40503 + 7) & 0xffff;
  }

  send(request: EchoRequest): SendError | null {
    const { destination } = request;
    if (destination?.family !== 'ipv6') throw new TypeError(`destination: ${String(destination)} is not an IPv6 address`);
    checkField('identifier', request.identifier, 0xffff);
    checkField('sequence', request.sequence, 0xffff);
    const size = request.data?.length ?? request.size ?? DEFAULT_ECHO_SIZE;
    checkField('size', size, MAX_ECHO_SIZE);
    if (request.ttl !== undefined) checkField('ttl', request.ttl, 255);
    if (request.ifindex !== undefined) checkField('ifindex', request.ifindex, 0xffffffff);
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
    const at = v.dataOffset;
    if (request.data !== undefined) buf.data.set(request.data, at);
    else for (let i = 0; i < size; i++) buf.data[at + i] = i & 0xff;
    v.fillChecksum(icmpv6PseudoHeaderSum(buf.src, 0, buf.dst, 0, length));
    this.counter.inc();
    return this.output.send6(buf, Ipv6NextHeader.ICMPV6, request.ttl ?? 0, 0, flags, ifindex);
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

  /** An echo reply arrived from `from[0..16)` with `hopLimit`: `bytes[offset..offset+length)` is the ICMPv6 message. */
  reply(from: Uint8Array, hopLimit: number, bytes: Uint8Array, offset: number, length: number): void {
    const v = this.view.reset(bytes, offset, length);
    const listener = this.listeners.get(v.identifier);
    if (listener === undefined) return;
    const data = bytes.slice(v.dataOffset, offset + length);
    notify(listener, {
      type: 'reply',
      from: new Ipv6Address(from),
      identifier: v.identifier,
      sequence: v.sequence,
      size: data.length,
      ttl: hopLimit,
      receivedAt: this.clock.now(),
      data,
    });
  }

  /** An ICMPv6 error from `from[0..16)` quoting one of our echo requests. */
  error(from: Uint8Array, icmpType: number, icmpCode: number, identifier: number, sequence: number): void {
    const listener = this.listeners.get(identifier);
    if (listener === undefined) return;
    notify(listener, { type: 'error', from: new Ipv6Address(from), identifier, sequence, icmpType, icmpCode, receivedAt: this.clock.now() });
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
