import {
  InterfaceFlags,
  Verdict,
  type Counter,
  type DemuxTable,
  type HookSite,
  type NetInterface,
  type PacketBuffer,
  type UpperProtocolHandler,
} from '@stack/core';
import { copy16, isIpv4MappedAt, isLoopbackAt, isMulticastAt, isUnspecifiedAt } from './address-bytes.js';
import type { Forwarder } from './forwarder.js';
import { OffenceScratch, type Icmpv6Errors } from './icmp-errors.js';
import type { Ipv6Counters } from './ipv6-counters.js';
import type { LocalAddresses } from './local-addresses.js';
import type { NdLink } from './nd-link.js';
import type { OptionProcessor } from './option-processor.js';
import { PacketMarks } from './packet-marks.js';
import type { Reassembler } from './reassembly.js';
import type { UpperLayerLocator } from './upper-layer.js';
import {
  Icmpv6ParameterProblemCode,
  Icmpv6Type,
  Icmpv6UnreachableCode,
  ipv6ExtensionHeaderLength,
  IPV6_FRAGMENT_HEADER_LENGTH,
  IPV6_HEADER_LENGTH,
  Ipv6NextHeader,
  Ipv6PacketView,
} from './wire/index.js';

/** How a destination relates to this stack. */
const Destination = {
  NOT_OURS: 0,
  /** One of our active unicast addresses (for a link-local one: of the receiving interface). */
  UNICAST: 1,
  /** A multicast group joined on the receiving interface. */
  GROUP: 2,
  /** Configured here but not usable now (tentative, a CARP backup's): never forwarded. A duplicated address is not ours at all. */
  INACTIVE: 3,
} as const;
type Destination = (typeof Destination)[keyof typeof Destination];

/** Bounds on the extension header chain. */
export interface ChainLimits {
  readonly maxHeaders: number;
  readonly maxHeaderBytes: number;
}

/** Bytes an upper-layer header needs in a first fragment (RFC 7112): enough for ports and types. */
function upperLayerMinimum(protocol: number): number {
  switch (protocol) {
    case Ipv6NextHeader.TCP:
      return 20;
    case Ipv6NextHeader.UDP:
    case Ipv6NextHeader.ESP:
      return 8;
    case Ipv6NextHeader.ICMPV6:
      return 4;
    default:
      return 0;
  }
}

/**
 * IPv6 input (RFC 8200): fixed-header and address validation, the `ipv6.input` hooks, the
 * Hop-by-Hop options (first only, processed by every node), then forwarding or local delivery:
 * the extension header chain in order and within bounds, reassembly, and dispatch to the
 * upper-layer protocol. Every packet ends in exactly one `ipv6.in.*` counter.
 */
export class Ipv6Input {
  private readonly view = new Ipv6PacketView();
  private readonly from = new OffenceScratch();
  /** The LinkProtocols handler for ethertype 0x86DD. */
  readonly handler = (ifp: NetInterface, buf: PacketBuffer): void => this.input(ifp, buf);

  constructor(
    private readonly locals: LocalAddresses,
    private readonly nd: NdLink,
    private readonly options: OptionProcessor,
    private readonly reassembler: Reassembler,
    private readonly locator: UpperLayerLocator,
    private readonly uppers: DemuxTable<UpperProtocolHandler>,
    private readonly errors: Icmpv6Errors,
    private readonly forwarder: Forwarder,
    private readonly counters: Ipv6Counters,
    private readonly inputSite: HookSite<PacketBuffer>,
    private readonly forwarding: () => boolean,
    private readonly limits: ChainLimits,
  ) {}

  input(ifp: NetInterface, received: PacketBuffer): void {
    const c = this.counters.in;
    this.counters.received.inc();
    // RFC 4862 §5.4.5: IPv6 operation disabled on this interface; nothing is accepted there.
    if (this.nd.isDisabled(ifp.index)) return drop(received, c['interface-disabled']);
    let buf = received;
    const failure = this.view.reset(buf.data, buf.start, buf.length).check();
    if (failure !== null) return drop(buf, c[failure]);
    buf.trim(this.view.packetLength);
    const onLoopback = ifp.hasFlag(InterfaceFlags.LOOPBACK);
    const addressFailure = checkAddresses(buf.data, buf.start, onLoopback);
    if (addressFailure !== null) return drop(buf, c[addressFailure]);
    this.describe(buf);
    if (!this.inputSite.empty) {
      const b = this.inputSite.run(buf, ifp);
      if (b === null) return (this.inputSite.lastVerdict === Verdict.CONSUMED ? c['hook-consumed'] : c['hook-dropped']).inc();
      if (b !== buf) {
        buf = b;
        if (this.view.reset(buf.data, buf.start, buf.length).check() !== null) return drop(buf, c['hook-dropped']);
        buf.trim(this.view.packetLength);
        this.describe(buf);
      }
    }
    const from = this.from;
    from.ifindex = ifp.index;
    from.fib = buf.fib;
    from.linkFlags = buf.linkFlags;
    const d = buf.data;
    const net = buf.start;
    let field = net + 6;
    let nh = d[field];
    let at = net + IPV6_HEADER_LENGTH;
    let headerBytes = 0;
    // RFC 8200 §4.3: Hop-by-Hop options are examined by every node on the path, before anything else.
    if (nh === Ipv6NextHeader.HOP_BY_HOP) {
      const length = ipv6ExtensionHeaderLength(nh, d, at, buf.end);
      if (length < 0 || at + length > buf.end) return drop(buf, c['bad-extension-header']);
      if (length > this.limits.maxHeaderBytes) return drop(buf, c['headers-too-long']);
      if (!this.options.process(buf, at, length, true, from)) return buf.release();
      field = at;
      nh = d[at];
      at += length;
      headerBytes = length;
    }
    const kind = this.classify(d, net + 24, ifp);
    if (kind === Destination.NOT_OURS) {
      if (this.forwarding() && !onLoopback && !isMulticastAt(d, net + 24)) return this.forwarder.forward(ifp, buf);
      return drop(buf, c['not-for-us']);
    }
    if (kind === Destination.INACTIVE) return drop(buf, c['not-for-us']);
    this.deliver(buf, ifp, at, nh, field, headerBytes === 0 ? 0 : 1, headerBytes);
  }

  /**
   * Process the extension headers after the Hop-by-Hop header in order (RFC 8200 §4.1), then hand
   * the packet to its upper-layer protocol. `at` is the current header, of type `nh`, named by the
   * Next Header field at `field`. Takes ownership of `buf`.
   */
  private deliver(received: PacketBuffer, ifp: NetInterface, at: number, nh: number, field: number, headers: number, headerBytes: number): void {
    const c = this.counters.in;
    const from = this.from;
    let buf = received;
    let d = buf.data;
    let net = buf.networkOffset;
    for (;;) {
      const end = buf.end;
      switch (nh) {
        case Ipv6NextHeader.HOP_BY_HOP:
          // RFC 8200 §4.1: Hop-by-Hop anywhere but first is an unrecognised Next Header.
          this.parameterProblem(buf, Icmpv6ParameterProblemCode.UNRECOGNIZED_NEXT_HEADER, field - net);
          return drop(buf, c['unknown-next-header']);
        case Ipv6NextHeader.NO_NEXT_HEADER:
          return drop(buf, c['no-next-header']);
        case Ipv6NextHeader.DESTINATION_OPTIONS:
        case Ipv6NextHeader.ROUTING:
        case Ipv6NextHeader.FRAGMENT: {
          const length = ipv6ExtensionHeaderLength(nh, d, at, end);
          if (length < 0 || at + length > end) return drop(buf, c['bad-extension-header']);
          headers++;
          headerBytes += length;
          if (headers > this.limits.maxHeaders) return drop(buf, c['too-many-headers']);
          if (headerBytes > this.limits.maxHeaderBytes) return drop(buf, c['headers-too-long']);
          if (nh === Ipv6NextHeader.DESTINATION_OPTIONS) {
            if (!this.options.process(buf, at, length, false, from)) return buf.release();
          } else if (nh === Ipv6NextHeader.ROUTING) {
            // RFC 8200 §4.4 and RFC 5095 §3: no routing type is executed here (type 0 is deprecated);
            // with segments left, an unrecognised type earns a parameter problem at the type field.
            if (d[at + 3] !== 0) {
              this.parameterProblem(buf, Icmpv6ParameterProblemCode.HEADER_FIELD, at + 2 - net);
              return drop(buf, c['routing-header']);
            }
          } else if ((d[at + 2] | (d[at + 3] & 0xf9)) === 0) {
            // RFC 6946 §4: an atomic fragment is processed in isolation, no reassembly state.
            this.counters.reass.atomic.inc();
          } else {
            const whole = this.fragment(buf, at, field);
            if (whole === null) return;
            buf = whole;
            d = buf.data;
            net = buf.networkOffset;
            field = this.reassembler.resumeField;
            at = this.reassembler.resumeAt;
            nh = d[field];
            continue;
          }
          field = at;
          nh = d[at];
          at += length;
          continue;
        }
        default: {
          const handler = this.uppers.lookup(nh);
          if (handler === undefined) {
            this.parameterProblem(buf, Icmpv6ParameterProblemCode.UNRECOGNIZED_NEXT_HEADER, field - net);
            return drop(buf, c['unknown-next-header']);
          }
          c.delivered.inc();
          buf.transportOffset = at;
          buf.pull(at - buf.start);
          if (handler.input(buf, ifp)) return;
          // The transport found no endpoint: RFC 4443 §3.1 port unreachable.
          this.errors.send(Icmpv6Type.DESTINATION_UNREACHABLE, Icmpv6UnreachableCode.PORT, 0, d, net, buf.end - net, from);
          buf.release();
          return;
        }
      }
    }
  }

  /**
   * A fragment (not atomic) whose Fragment header is at `at`: check it (RFC 8200 §4.5, RFC 7112)
   * and hand it to reassembly. Returns the reassembled packet, or null when there is none yet
   * (`buf` then consumed or dropped).
   */
  private fragment(buf: PacketBuffer, at: number, field: number): PacketBuffer | null {
    const c = this.counters.in;
    const d = buf.data;
    const net = buf.networkOffset;
    const end = buf.end;
    // A fragment inside a reassembled packet would reassemble again: refused, so nesting is bounded.
    if ((buf.flags & PacketMarks.REASSEMBLED) !== 0) return dropNull(buf, c['bad-fragment']);
    const dataAt = at + IPV6_FRAGMENT_HEADER_LENGTH;
    const size = end - dataAt;
    const offset = ((d[at + 2] << 8) | d[at + 3]) & 0xfff8;
    const more = (d[at + 3] & 1) !== 0;
    if (more && (size & 7) !== 0) {
      // RFC 8200 §4.5: pointing at the Payload Length field.
      this.parameterProblem(buf, Icmpv6ParameterProblemCode.HEADER_FIELD, 4);
      return dropNull(buf, c['bad-fragment']);
    }
    if (at - net - IPV6_HEADER_LENGTH + offset + size > 65535) {
      // RFC 8200 §4.5: the reassembled Payload Length would exceed 65535; pointing at the offset.
      this.parameterProblem(buf, Icmpv6ParameterProblemCode.HEADER_FIELD, at + 2 - net);
      return dropNull(buf, c['bad-fragment']);
    }
    if (offset === 0) {
      // RFC 7112 §5 (RFC 8200 §4.5): the first fragment carries the whole header chain.
      const loc = this.locator;
      if (!loc.locateFrom(d, dataAt, end, d[at], at) || loc.offset + upperLayerMinimum(loc.protocol) > end) {
        this.parameterProblem(buf, Icmpv6ParameterProblemCode.INCOMPLETE_CHAIN, 0);
        return dropNull(buf, c['incomplete-chain']);
      }
    }
    c.fragments.inc();
    const whole = this.reassembler.add(buf, at, field);
    if (whole !== null) whole.flags |= PacketMarks.REASSEMBLED;
    return whole;
  }

  private parameterProblem(buf: PacketBuffer, code: number, pointer: number): void {
    const net = buf.networkOffset;
    this.errors.send(Icmpv6Type.PARAMETER_PROBLEM, code, pointer, buf.data, net, buf.end - net, this.from);
  }

  private classify(d: Uint8Array, dst: number, ifp: NetInterface): Destination {
    if (isMulticastAt(d, dst)) return this.nd.isMember(ifp.index, d, dst) ? Destination.GROUP : Destination.NOT_OURS;
    if (this.locals.active(d, dst, ifp.index) !== null) return Destination.UNICAST;
    if (this.locals.configured(d, dst)) return Destination.INACTIVE;
    return Destination.NOT_OURS;
  }

  /** Fill the packet metadata from its header at `buf.start`. */
  private describe(buf: PacketBuffer): void {
    const d = buf.data;
    const at = buf.start;
    buf.family = 'ipv6';
    buf.networkOffset = at;
    copy16(d, at + 8, buf.src, 0);
    copy16(d, at + 24, buf.dst, 0);
  }
}

/**
 * Source and destination rules for a received packet (RFC 4291): a multicast or IPv4-mapped source
 * never (§2.7, RFC 4038 §4.2); the loopback address never from the wire (§2.5.3); an unspecified,
 * IPv4-mapped, reserved-scope or (from the wire) interface-local multicast destination never (§2.7).
 */
function checkAddresses(d: Uint8Array, at: number, onLoopback: boolean): 'bad-source' | 'bad-destination' | null {
  const src = at + 8;
  const dst = at + 24;
  if (isMulticastAt(d, src) || isIpv4MappedAt(d, src)) return 'bad-source';
  if (!onLoopback && isLoopbackAt(d, src)) return 'bad-source';
  if (isUnspecifiedAt(d, dst) || isIpv4MappedAt(d, dst)) return 'bad-destination';
  if (!onLoopback && isLoopbackAt(d, dst)) return 'bad-destination';
  if (isMulticastAt(d, dst)) {
    const scope = d[dst + 1] & 0x0f;
    if (scope === 0 || (scope === 1 && !onLoopback)) return 'bad-destination';
  }
  return null;
}

function drop(buf: PacketBuffer, counter: Counter): void {
  counter.inc();
  buf.release();
}

function dropNull(buf: PacketBuffer, counter: Counter): null {
  counter.inc();
  buf.release();
  return null;
}
