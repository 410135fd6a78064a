import { type InterfaceAddress, type NetInterface, type PacketBuffer, writeSolicitedNodeMulticast } from '@stack/core';
import type { NdHost } from '../../nd-seam.js';
import { NaFlags, ND_HOP_LIMIT, NdMessageType, NdOptionType } from '../wire/index.js';
import type { DisabledInterfaces } from './disabled-interfaces.js';
import type { NdCounters } from './nd-counters.js';

const ALL_ROUTERS = Uint8Array.of(0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2);
const ALL_NODES = Uint8Array.of(0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);

/** Bytes of a link-layer address option carrying `length` address bytes (RFC 4861 §4.6.1). */
function linkOptionLength(length: number): number {
  return (2 + length + 7) & ~7;
}

/**
 * Builds and sends the ND messages this node originates (NS, NA, RS) through the IPv6 layer,
 * with hop limit 255 (RFC 4861 §6.1, §7.1). Reuses its address scratch space; allocation beyond
 * the packet buffer happens only in the IPv6 layer. Sends nothing on an interface where IPv6 is
 * disabled (RFC 4862 §5.4.5).
 * @internal
 */
export class NdSender {
  private readonly src = new Uint8Array(16);
  private readonly dst = new Uint8Array(16);

  constructor(
    private readonly host: NdHost,
    private readonly counters: NdCounters,
    private readonly disabled: DisabledInterfaces,
  ) {}

  /**
   * A Neighbor Solicitation for the target at `target[at..at+16)` (RFC 4861 §7.2.2). `source` null
   * means the unspecified address (DAD, RFC 4862 §5.4.2): then no source link-layer option, and
   * `nonce` (RFC 7527) when given. Multicast goes to the target's solicited-node group.
   */
  solicit(ifp: NetInterface, target: Uint8Array, at: number, source: InterfaceAddress | null, unicast: boolean, nonce: Uint8Array | null): boolean {
    const link = source === null ? null : (source.linkAddress(ifp) ?? ifp.hardwareAddress);
    const length = 24 + (link !== null ? linkOptionLength(link.length) : 0) + (nonce !== null ? linkOptionLength(nonce.length) : 0);
    if (source === null) this.src.fill(0);
    else source.address.copyTo(this.src, 0);
    if (unicast) for (let i = 0; i < 16; i++) this.dst[i] = target[at + i];
    else writeSolicitedNodeMulticast(target, at, this.dst, 0);
    const buf = this.allocate(ifp, length, ND_HOP_LIMIT, false);
    if (buf === null) return false;
    const d = buf.data;
    let p = buf.start;
    d[p] = NdMessageType.NEIGHBOR_SOLICITATION;
    d.fill(0, p + 1, p + 8);
    for (let i = 0; i < 16; i++) d[p + 8 + i] = target[at + i];
    p += 24;
    if (link !== null) p = writeOption(d, p, NdOptionType.SOURCE_LINK_ADDRESS, link);
    if (nonce !== null) writeOption(d, p, NdOptionType.NONCE, nonce);
    (source === null ? this.counters.tx['dad-ns'] : this.counters.tx.ns).inc();
    this.host.sendIcmp(ifp, buf);
    return true;
  }

  /**
   * A Neighbor Advertisement for `target` (RFC 4861 §7.2.4, §7.2.6) from `target` itself, to
   * `dst[dstAt..+16)` or to all nodes when `dst` is null, carrying `linkAddress` as the target
   * link-layer address. `flags` are {@link NaFlags} bits.
   */
  advertise(ifp: NetInterface, target: InterfaceAddress, dst: Uint8Array | null, dstAt: number, flags: number, linkAddress: Uint8Array, unsolicited: boolean): boolean {
    target.address.copyTo(this.src, 0);
    if (dst === null) this.dst.set(ALL_NODES);
    else for (let i = 0; i < 16; i++) this.dst[i] = dst[dstAt + i];
    const buf = this.allocate(ifp, 24 + linkOptionLength(linkAddress.length), ND_HOP_LIMIT, false);
    if (buf === null) return false;
    const d = buf.data;
    const p = buf.start;
    d[p] = NdMessageType.NEIGHBOR_ADVERTISEMENT;
    d.fill(0, p + 1, p + 8);
    d[p + 4] = flags & (NaFlags.ROUTER | NaFlags.SOLICITED | NaFlags.OVERRIDE);
    target.address.copyTo(d, p + 8);
    writeOption(d, p + 24, NdOptionType.TARGET_LINK_ADDRESS, linkAddress);
    (unsolicited ? this.counters.tx['unsolicited-na'] : this.counters.tx.na).inc();
    this.host.sendIcmp(ifp, buf);
    return true;
  }

  /** A Router Solicitation to all routers (RFC 4861 §6.3.7), from `source` or from :: without options. */
  solicitRouter(ifp: NetInterface, source: InterfaceAddress | null): boolean {
    const link = source === null ? null : (source.linkAddress(ifp) ?? ifp.hardwareAddress);
    if (source === null) this.src.fill(0);
    else source.address.copyTo(this.src, 0);
    this.dst.set(ALL_ROUTERS);
    const buf = this.allocate(ifp, 8 + (link !== null ? linkOptionLength(link.length) : 0), ND_HOP_LIMIT, false);
    if (buf === null) return false;
    const d = buf.data;
    const p = buf.start;
    d[p] = NdMessageType.ROUTER_SOLICITATION;
    d.fill(0, p + 1, p + 8);
    if (link !== null) writeOption(d, p + 8, NdOptionType.SOURCE_LINK_ADDRESS, link);
    this.counters.tx.rs.inc();
    this.host.sendIcmp(ifp, buf);
    return true;
  }

  /** A buffer from the IPv6 layer for a message from `this.src` to `this.dst`, or null (counted). */
  private allocate(ifp: NetInterface, length: number, hopLimit: number, routerAlert: boolean): PacketBuffer | null {
    if (this.disabled.has(ifp.index)) {
      this.counters.tx['ipv6-disabled'].inc();
      return null;
    }
    const buf = this.host.allocateIcmp(ifp, this.src, this.dst, length, hopLimit, routerAlert);
    if (typeof buf === 'string') {
      this.counters.tx['alloc-failed'].inc();
      return null;
    }
    return buf;
  }
}

/** Writes a type/length/value option padded with zeros to 8 bytes; returns the offset after it. */
function writeOption(d: Uint8Array, p: number, type: number, value: Uint8Array): number {
  const length = linkOptionLength(value.length);
  d[p] = type;
  d[p + 1] = length >> 3;
  d.set(value, p + 2);
  d.fill(0, p + 2 + value.length, p + length);
  return p + length;
}
