import type { InterfaceAddress, NetInterface, Stack } from '@stack/core';
import type { ArpConfig } from './arp-options.js';
import type { ArpCounters } from './arp-counters.js';
import { ArpPacketWriter } from './arp-packet-writer.js';
import { requestSource } from './own-addresses.js';
import { ARP_ETHERTYPE } from './arp-ethertype.js';
import { ArpOperation } from './wire/index.js';

/**
 * Sends ARP requests, replies and announcements through whatever link layer the interface has
 * (`stack.linkLayerOf(ifp).outputTo`), with the hardware type the configuration gives for the
 * interface type and the hardware address length of the interface.
 * @internal
 */
export class ArpSender {
  private readonly writer: ArpPacketWriter;
  /** Broadcast link addresses and scratch copies, by hardware address length. */
  private readonly broadcasts: Uint8Array[] = [];
  private readonly scratch: Uint8Array[] = [];

  constructor(
    private readonly stack: Stack,
    private readonly config: ArpConfig,
    private readonly counters: ArpCounters,
  ) {
    this.writer = new ArpPacketWriter(stack.pool, stack.pool.headroom);
  }

  /** The ARP hardware type for `ifp`, or -1 when ARP does not run there (type not configured, no hardware address). */
  hardwareType(ifp: NetInterface): number {
    const hw = ifp.hardwareAddress;
    if (hw === null || hw.length === 0) return -1;
    return this.config.hardwareTypes.get(ifp.type) ?? -1;
  }

  /**
   * Ask who has `target`, from the best address of `ifp` (see `requestSource`); broadcast, or
   * unicast to `unicastTo` when refreshing a known entry (RFC 1122 §2.3.2.1).
   */
  request(ifp: NetInterface, target: number, preferredSource: number, unicastTo: Uint8Array | null): void {
    const source = requestSource(ifp, preferredSource, target);
    const sha = this.senderLinkAddress(ifp, source);
    const spa = source !== null && source.address.family === 'ipv4' ? source.address.value : 0;
    if (this.send(ifp, ArpOperation.REQUEST, sha, spa, null, 0, target, unicastTo)) this.counters.output.requests.inc();
  }

  /**
   * Answer a request for `target` from the sender at `bytes[shaOffset..)` / `requestSpa`, with the
   * link address the address's arbiter names (RFC 826 reply; DESIGN.md §5).
   */
  reply(ifp: NetInterface, target: InterfaceAddress, bytes: Uint8Array, shaOffset: number, requestSpa: number): void {
    if (target.address.family !== 'ipv4') return;
    const sha = this.senderLinkAddress(ifp, target);
    const hln = sha.length;
    const dst = this.scratchOf(hln);
    for (let i = 0; i < hln; i++) dst[i] = bytes[shaOffset + i];
    if (this.send(ifp, ArpOperation.REPLY, sha, target.address.value, bytes, shaOffset, requestSpa, dst)) this.counters.output.replies.inc();
  }

  /** Broadcast an announcement for `address` (RFC 5227 §2.3: a request with sender and target address both ours). */
  announce(ifp: NetInterface, address: number, linkAddress: Uint8Array): void {
    const hw = ifp.hardwareAddress;
    const sha = hw !== null && linkAddress.length === hw.length ? linkAddress : hw;
    if (sha === null) return;
    if (this.send(ifp, ArpOperation.REQUEST, sha, address, null, 0, address, null)) this.counters.output.announcements.inc();
  }

  /** The arbiter's link address for `source` when it fits the interface, else the interface's own. */
  private senderLinkAddress(ifp: NetInterface, source: InterfaceAddress | null): Uint8Array {
    const hw = ifp.hardwareAddress!;
    const named = source?.linkAddress(ifp) ?? null;
    return named !== null && named.length === hw.length ? named : hw;
  }

  private send(ifp: NetInterface, op: number, sha: Uint8Array, spa: number, tha: Uint8Array | null, thaOffset: number, tpa: number, dst: Uint8Array | null): boolean {
    const hrd = this.hardwareType(ifp);
    if (hrd < 0) return false;
    const layer = this.stack.linkLayerOf(ifp);
    if (layer === undefined) {
      this.counters.output['no-link-layer'].inc();
      return false;
    }
    const buf = this.writer.write(hrd, op, sha, spa, tha, thaOffset, tpa);
    buf.outIfindex = ifp.index;
    layer.outputTo(ifp, buf, ARP_ETHERTYPE, dst ?? this.broadcastOf(sha.length), sha);
    return true;
  }

  private broadcastOf(length: number): Uint8Array {
    return (this.broadcasts[length] ??= new Uint8Array(length).fill(0xff));
  }

  private scratchOf(length: number): Uint8Array {
    return (this.scratch[length] ??= new Uint8Array(length));
  }
}
