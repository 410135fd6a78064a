import {
  InterfaceFlags,
  isIpv4LimitedBroadcast,
  isIpv4Loopback,
  isIpv4Multicast,
  LinkRxFlags,
  type Stack,
  type TokenBucket,
} from '@stack/core';
import type { Ipv4Counters } from './ipv4-counters.js';
import type { LocalAddresses } from './local-addresses.js';
import type { Ipv4Output } from './output.js';
import { emitIcmpv4Error, icmpv4ErrorLength, IpProtocol, isIcmpv4ErrorType, Icmpv4Type } from './wire/index.js';

/** Where an offending datagram came from, for the rules about when not to answer. */
export interface OffenceContext {
  readonly ifindex: number;
  readonly fib: number;
  readonly linkFlags: number;
}

/**
 * Sends ICMP error messages about a datagram, after the rules of RFC 1122 §3.2.2 and RFC 1812
 * §4.3.2.7 (never about an ICMP error, an IP or link-layer broadcast or multicast, a non-first
 * fragment, or a source that is not one host) and a token-bucket rate limit (RFC 1812 §4.3.2.8).
 */
export class IcmpErrors {
  constructor(
    private readonly stack: Stack,
    private readonly output: Ipv4Output,
    private readonly locals: LocalAddresses,
    private readonly counters: Ipv4Counters,
    private readonly bucket: TokenBucket | null,
  ) {}

  /**
   * Answer the datagram at `bytes[offset..offset+length)` (starting at its IPv4 header) with an
   * error of `type`/`code` and rest-of-header `rest`. Returns whether one was sent.
   */
  send(type: number, code: number, rest: number, bytes: Uint8Array, offset: number, length: number, from: OffenceContext): boolean {
    const out = this.counters.icmpOut;
    if (!this.permitted(bytes, offset, length, from)) {
      out.suppressed.inc();
      return false;
    }
    if (this.bucket !== null && !this.bucket.take()) {
      out['rate-limited'].inc();
      return false;
    }
    const src = read32(bytes, offset + 12);
    const dst = read32(bytes, offset + 16);
    // Answer from the address the offending datagram was sent to when it is ours (RFC 1812
    // §4.3.2.4 allows either); otherwise let source selection choose.
    const from4 = this.locals.active(dst) !== null ? dst : 0;
    const messageLength = icmpv4ErrorLength(bytes, offset, length);
    const buf = this.output.allocate4(from.fib, src, from4, 0, messageLength, 0);
    if (typeof buf === 'string') {
      out.failed.inc();
      return false;
    }
    emitIcmpv4Error(type, code, rest, bytes, offset, length, buf.data, buf.start, undefined, buf.words);
    if (this.output.send4(buf, IpProtocol.ICMP, 0, 0, 0, 0) !== null) {
      out.failed.inc();
      return false;
    }
    if (type === Icmpv4Type.DESTINATION_UNREACHABLE) out.unreachable.inc();
    else if (type === Icmpv4Type.TIME_EXCEEDED) out['time-exceeded'].inc();
    else if (type === Icmpv4Type.PARAMETER_PROBLEM) out['parameter-problem'].inc();
    return true;
  }

  private permitted(bytes: Uint8Array, offset: number, length: number, from: OffenceContext): boolean {
    if (length < 20 || offset + length > bytes.length) return false;
    if ((from.linkFlags & (LinkRxFlags.BROADCAST | LinkRxFlags.MULTICAST)) !== 0) return false;
    const fragmentOffset = ((bytes[offset + 6] & 0x1f) << 8) | bytes[offset + 7];
    if (fragmentOffset !== 0) return false;
    const src = read32(bytes, offset + 12);
    const dst = read32(bytes, offset + 16);
    if (isIpv4Multicast(dst) || isIpv4LimitedBroadcast(dst) || this.locals.isDirectedBroadcast(dst)) return false;
    if (!this.isSingleHost(src, from.ifindex)) return false;
    if (bytes[offset + 9] === IpProtocol.ICMP) {
      const headerLength = (bytes[offset] & 0x0f) << 2;
      if (headerLength < length && isIcmpv4ErrorType(bytes[offset + headerLength])) return false;
    }
    return true;
  }

  /** RFC 1122 §3.2.2: not zero, broadcast, multicast, class E, nor loopback from the wire. */
  private isSingleHost(src: number, ifindex: number): boolean {
    if (src === 0 || src >>> 28 >= 0xe) return false;
    if (this.locals.isDirectedBroadcast(src)) return false;
    if (isIpv4Loopback(src)) {
      const ifp = this.stack.interfaces.byIndexFast(ifindex);
      return ifp !== undefined && ifp.hasFlag(InterfaceFlags.LOOPBACK);
    }
    return true;
  }
}

function read32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}
