import { LinkRxFlags, type TokenBucket } from '@stack/core';
import { isIpv4MappedAt, isLinkScopedAt, isMulticastAt, isUnspecifiedAt } from './address-bytes.js';
import type { Ipv6Counters } from './ipv6-counters.js';
import type { LocalAddresses } from './local-addresses.js';
import type { Ipv6Output } from './output.js';
import type { UpperLayerLocator } from './upper-layer.js';
import { emitIcmpv6Error, icmpv6ErrorLength, icmpv6PseudoHeaderSum, Icmpv6Type, IPV6_HEADER_LENGTH, Ipv6NextHeader } from './wire/index.js';

/** Where an invoking packet came from, for the rules about when not to answer. */
export interface Offence {
  /** Interface it arrived on (also the zone of a link-local source). */
  readonly ifindex: number;
  /** FIB to answer through: the one the packet arrived in. */
  readonly fib: number;
  readonly linkFlags: number;
}

/** A reusable {@link Offence}. */
export class OffenceScratch implements Offence {
  ifindex = 0;
  fib = 0;
  linkFlags = 0;
}

/**
 * Sends ICMPv6 error messages about an invoking packet after the rules of RFC 4443 §2.4 (e) — never
 * about an ICMPv6 error or a redirect, never to a multicast destination or a link-layer multicast
 * or broadcast (except packet too big and parameter problem code 2 for an option that asks for
 * it), never to an unspecified, multicast or IPv4-mapped source — and a token-bucket rate limit
 * (§2.4 (f)). The error quotes as much of the invoking packet as fits in 1280 bytes (§2.4 (c)).
 */
export class Icmpv6Errors {
  constructor(
    private readonly output: Ipv6Output,
    private readonly locals: LocalAddresses,
    private readonly locator: UpperLayerLocator,
    private readonly counters: Ipv6Counters,
    private readonly bucket: TokenBucket | null,
  ) {}

  /**
   * Answer the invoking packet at `bytes[offset..offset+length)` (starting at its IPv6 header) with
   * an error of `type`/`code` and the 32-bit word `rest` (MTU or pointer). `toMulticast` permits an
   * answer to a packet sent to a multicast group (the §2.4 (e.3) exceptions). Returns whether an
   * error was sent.
   */
  send(type: number, code: number, rest: number, bytes: Uint8Array, offset: number, length: number, from: Offence, toMulticast = false): boolean {
    const out = this.counters.icmpOut;
    if (!this.permitted(bytes, offset, length, from, toMulticast)) {
      out.suppressed.inc();
      return false;
    }
    if (this.bucket !== null && !this.bucket.take()) {
      out['rate-limited'].inc();
      return false;
    }
    const src = offset + 8;
    const dst = offset + 24;
    // Answer from the address the invoking packet was sent to when it is ours (RFC 4443 §2.2 (a)),
    // otherwise let source selection choose (§2.2 (b)–(d)).
    const ours = this.locals.active(bytes, dst, from.ifindex) !== null;
    const ifindex = isLinkScopedAt(bytes, src) ? from.ifindex : 0;
    const messageLength = icmpv6ErrorLength(length);
    const buf = this.output.allocate6(from.fib, bytes, src, ours ? bytes : null, dst, ifindex, messageLength, 0);
    if (typeof buf === 'string') {
      out.failed.inc();
      return false;
    }
    const pseudo = icmpv6PseudoHeaderSum(buf.src, 0, buf.dst, 0, messageLength);
    emitIcmpv6Error(type, code, rest, bytes, offset, length, buf.data, buf.start, pseudo, undefined, buf.words);
    if (this.output.send6(buf, Ipv6NextHeader.ICMPV6, 0, 0, 0, ifindex) !== null) {
      out.failed.inc();
      return false;
    }
    switch (type) {
      case Icmpv6Type.DESTINATION_UNREACHABLE:
        out['destination-unreachable'].inc();
        break;
      case Icmpv6Type.PACKET_TOO_BIG:
        out['packet-too-big'].inc();
        break;
      case Icmpv6Type.TIME_EXCEEDED:
        out['time-exceeded'].inc();
        break;
      case Icmpv6Type.PARAMETER_PROBLEM:
        out['parameter-problem'].inc();
        break;
    }
    return true;
  }

  private permitted(bytes: Uint8Array, offset: number, length: number, from: Offence, toMulticast: boolean): boolean {
    if (!(offset >= 0 && length >= IPV6_HEADER_LENGTH && offset + length <= bytes.length)) return false;
    const src = offset + 8;
    // §2.4 (e.4): the source must identify a single node.
    if (isUnspecifiedAt(bytes, src) || isMulticastAt(bytes, src) || isIpv4MappedAt(bytes, src)) return false;
    // §2.4 (e.2), (e.3): not to a multicast destination nor a link-layer multicast or broadcast.
    const groupAddressed = isMulticastAt(bytes, offset + 24) || (from.linkFlags & (LinkRxFlags.BROADCAST | LinkRxFlags.MULTICAST)) !== 0;
    if (groupAddressed && !toMulticast) return false;
    // §2.4 (e.1): never about an ICMPv6 error message or a redirect.
    const loc = this.locator;
    if (loc.locate(bytes, offset, offset + length) && loc.protocol === Ipv6NextHeader.ICMPV6 && loc.offset < offset + length) {
      const t = bytes[loc.offset];
      if (t < 128 || t === Icmpv6Type.REDIRECT) return false;
    }
    return true;
  }
}
