import {
  type HookSite,
  ipv4FromBytes,
  ipv4MulticastMac,
  ipv6MulticastMac,
  isIpv4LimitedBroadcast,
  isIpv4Multicast,
  LinkRxFlags,
  type NeighbourResolver,
  NeighbourResolverService,
  type NeighbourTransmit,
  type NetInterface,
  type PacketBuffer,
  type Stack,
} from '@stack/core';
import type { EtherCounters } from './ether-counters.js';
import type { EtherConfig } from './ether-options.js';
import { sourceLinkAddress } from './source-link-address.js';
import { ETHERNET_HEADER_LENGTH, ETHERNET_MIN_FRAME_LENGTH, MAC_LENGTH } from './wire/index.js';

/** Headroom given to a packet copied for lack of room (the header plus one VLAN tag). */
const COPY_HEADROOM = 18;

/** An offset into one buffer's data moved to the same byte of a copy starting elsewhere; -1 stays -1. */
function moveOffset(offset: number, from: number, to: number): number {
  const moved = offset - from + to;
  return offset < 0 || moved < 0 ? -1 : moved;
}

/**
 * The send path of the Ethernet layer: choose the destination MAC (broadcast, multicast mapping or
 * the neighbour resolver of the packet's family), choose the source MAC, prepend the header, pad,
 * run `ether.output` and hand the frame to the interface.
 * @internal
 */
export class EtherOutput {
  /** Where resolvers write the link address (16 bytes: room for any resolver's answer). */
  private readonly resolved = new Uint8Array(16);
  private readonly broadcast = new Uint8Array(MAC_LENGTH).fill(0xff);
  private readonly counters: EtherCounters['output'];
  private generation = -1;
  private ipv4Resolver: NeighbourResolver | undefined;
  private ipv6Resolver: NeighbourResolver | undefined;
  /** Called by a resolver once a queued packet's next hop is known; the protocol rides in `buf.linkProtocol`. */
  readonly transmitResolved: NeighbourTransmit = (ifp, buf, linkDst) => {
    if (linkDst.length !== MAC_LENGTH) return this.drop(ifp, buf, this.counters['bad-link-address']);
    this.frame(ifp, buf, buf.linkProtocol, linkDst, null);
  };

  constructor(
    private readonly stack: Stack,
    private readonly config: EtherConfig,
    counters: EtherCounters,
    private readonly outputSite: HookSite<PacketBuffer>,
  ) {
    this.counters = counters.output;
  }

  output(ifp: NetInterface, buf: PacketBuffer, protocol: number): void {
    const c = this.counters;
    buf.linkProtocol = protocol;
    const family = buf.family;
    const nextHop = buf.nextHop;
    let dst = this.resolved;
    if ((buf.linkFlags & LinkRxFlags.BROADCAST) !== 0) {
      dst = this.broadcast;
    } else if (family === 'ipv4') {
      const hop = ipv4FromBytes(nextHop, 0);
      // RFC 1112 §6.4: IPv4 multicast maps onto 01:00:5e + the low 23 bits.
      if (isIpv4Multicast(hop)) ipv4MulticastMac(hop, dst, 0);
      else if (isIpv4LimitedBroadcast(hop)) dst = this.broadcast;
      else if (!this.resolve(ifp, buf, family)) return;
    } else if (family === 'ipv6') {
      // RFC 2464 §7: IPv6 multicast maps onto 33:33 + the last 32 bits.
      if (nextHop[0] === 0xff) ipv6MulticastMac(nextHop, 0, dst, 0);
      else if (!this.resolve(ifp, buf, family)) return;
    } else {
      return this.drop(ifp, buf, c['no-family']);
    }
    this.frame(ifp, buf, protocol, dst, null);
  }

  outputTo(ifp: NetInterface, buf: PacketBuffer, protocol: number, linkDst: Uint8Array, linkSrc?: Uint8Array): void {
    if (linkDst.length !== MAC_LENGTH || (linkSrc !== undefined && linkSrc.length !== MAC_LENGTH)) {
      return this.drop(ifp, buf, this.counters['bad-link-address']);
    }
    buf.linkProtocol = protocol;
    this.frame(ifp, buf, protocol, linkDst, linkSrc ?? null);
  }

  /** Ask the family's resolver; true when `this.resolved` holds the MAC and the caller still owns `buf`. */
  private resolve(ifp: NetInterface, buf: PacketBuffer, family: 'ipv4' | 'ipv6'): boolean {
    const c = this.counters;
    const resolver = this.resolverFor(family);
    if (resolver === undefined) {
      this.drop(ifp, buf, c['no-resolver']);
      return false;
    }
    const length = resolver.resolve(ifp, buf, this.resolved, this.transmitResolved);
    if (length === 0) {
      c.resolving.inc();
      return false;
    }
    if (length !== MAC_LENGTH) {
      this.drop(ifp, buf, c['bad-link-address']);
      return false;
    }
    return true;
  }

  private resolverFor(family: 'ipv4' | 'ipv6'): NeighbourResolver | undefined {
    const services = this.stack.services;
    if (services.generation !== this.generation) {
      this.generation = services.generation;
      this.ipv4Resolver = services.tryGet(NeighbourResolverService, 'ipv4');
      this.ipv6Resolver = services.tryGet(NeighbourResolverService, 'ipv6');
    }
    return family === 'ipv4' ? this.ipv4Resolver : this.ipv6Resolver;
  }

  /** Prepend the header, pad, run `ether.output`, transmit. Owns `buf`. */
  private frame(ifp: NetInterface, buf: PacketBuffer, protocol: number, dst: Uint8Array, src: Uint8Array | null): void {
    const source = src ?? sourceLinkAddress(ifp, buf);
    if (source === null || source.length !== MAC_LENGTH) return this.drop(ifp, buf, this.counters['no-hardware-address']);
    const payload = buf.end - buf.start;
    const short = ETHERNET_MIN_FRAME_LENGTH - ETHERNET_HEADER_LENGTH - payload;
    const padding = this.config.padShortFrames && short > 0 ? short : 0;
    let b = buf;
    if (b.start < ETHERNET_HEADER_LENGTH || b.data.length - b.end < padding) b = this.copyWithRoom(buf, padding);
    const at = b.prepend(ETHERNET_HEADER_LENGTH);
    const data = b.data;
    for (let i = 0; i < MAC_LENGTH; i++) {
      data[at + i] = dst[i];
      data[at + MAC_LENGTH + i] = source[i];
    }
    data[at + 12] = protocol >>> 8;
    data[at + 13] = protocol & 0xff;
    if (padding > 0) data.fill(0, b.append(padding), b.end);
    if (!this.outputSite.empty) {
      const out = this.outputSite.run(b, ifp);
      if (out === null) return;
      b = out;
    }
    ifp.transmit(b);
  }

  /** A copy of `buf` from the pool with room for the header in front and `padding` behind. */
  private copyWithRoom(buf: PacketBuffer, padding: number): PacketBuffer {
    this.counters['headroom-copy'].inc();
    const length = buf.end - buf.start;
    const copy = this.stack.pool.alloc(length + padding, COPY_HEADROOM);
    copy.copyFrom(buf.data, buf.start, length);
    copy.copyMetadataFrom(buf);
    copy.networkOffset = moveOffset(buf.networkOffset, buf.start, copy.start);
    copy.transportOffset = moveOffset(buf.transportOffset, buf.start, copy.start);
    buf.release();
    return copy;
  }

  private drop(ifp: NetInterface, buf: PacketBuffer, counter: { inc(): void }): void {
    ifp.counters.txDropped++;
    counter.inc();
    buf.release();
  }
}
