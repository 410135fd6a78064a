import { type DemuxTable, type HookSite, type LinkProtocolHandler, LinkRxFlags, type NetInterface, type PacketBuffer } from '@stack/core';
import { classifyDestination, GROUP_NOT_JOINED, NOT_FOR_US } from './destination-filter.js';
import type { EtherConfig } from './ether-options.js';
import type { EtherCounters } from './ether-counters.js';
import { EtherMulticastGroups } from './multicast-groups.js';
import { EthernetFrameView, type EthernetFailure, EtherType, isGroupMac } from './wire/index.js';

/**
 * The receive path of the Ethernet layer: check, filter by destination, run `ether.pre-input`,
 * pull the header and dispatch by ethertype. Every refusal releases the frame and bumps a counter.
 * @internal
 */
export class EtherInput {
  private readonly view = new EthernetFrameView();
  private readonly counters: EtherCounters['input'];

  constructor(
    private readonly config: EtherConfig,
    counters: EtherCounters,
    private readonly preInput: HookSite<PacketBuffer>,
    private readonly protocols: DemuxTable<LinkProtocolHandler>,
  ) {
    this.counters = counters.input;
  }

  input(ifp: NetInterface, buf: PacketBuffer): void {
    const c = this.counters;
    const view = this.view.reset(buf.data, buf.start, buf.end - buf.start);
    const failure = view.check();
    if (failure !== null) return this.malformed(ifp, buf, failure);
    if (view.vlanTagCount !== 0 && !this.isPriorityTagged(view)) return this.drop(ifp, buf, c['vlan-unconfigured']);
    // IEEE 802 §8.2: a source address is always an individual address.
    if (isGroupMac(buf.data, view.srcOffset)) return this.malformedCount(ifp, buf, c['bad-source']);

    const flags = classifyDestination(ifp, buf.data, view.dstOffset, ifp.ext.get(EtherMulticastGroups));
    if (flags === NOT_FOR_US) return this.drop(ifp, buf, c['not-for-us']);
    if (flags === GROUP_NOT_JOINED) return this.drop(ifp, buf, c['multicast-filtered']);
    if ((flags & (LinkRxFlags.BROADCAST | LinkRxFlags.MULTICAST)) !== 0) ifp.counters.rxMulticast++;
    if ((flags & LinkRxFlags.OTHERHOST) !== 0) c.promiscuous.inc();

    const etherType = view.etherType;
    const headerLength = view.headerLength;
    buf.linkFlags = flags;
    buf.linkProtocol = etherType;

    let frame: PacketBuffer | null = buf;
    if (!this.preInput.empty) {
      frame = this.preInput.run(buf, ifp);
      if (frame === null) return;
    }
    // A hook may have changed linkProtocol to steer the dispatch.
    const handler = this.protocols.lookup(frame.linkProtocol);
    if (handler === undefined) return this.drop(ifp, frame, c['unknown-ethertype']);
    frame.pull(headerLength);
    handler(ifp, frame);
  }

  /** A single 802.1Q tag with VLAN id 0 only carries a priority (IEEE 802.1Q §6.9.1). */
  private isPriorityTagged(view: EthernetFrameView): boolean {
    return this.config.acceptPriorityTagged && view.vlanTagCount === 1 && view.vlanTpid(0) === EtherType.VLAN && view.vlanId === 0;
  }

  private malformed(ifp: NetInterface, buf: PacketBuffer, failure: EthernetFailure): void {
    const c = this.counters;
    this.malformedCount(ifp, buf, failure === 'truncated' ? c.truncated : failure === 'llc-unsupported' ? c['llc-unsupported'] : c['too-many-vlan-tags']);
  }

  private malformedCount(ifp: NetInterface, buf: PacketBuffer, counter: { inc(): void }): void {
    ifp.counters.rxErrors++;
    counter.inc();
    buf.release();
  }

  private drop(ifp: NetInterface, buf: PacketBuffer, counter: { inc(): void }): void {
    ifp.counters.rxDropped++;
    counter.inc();
    buf.release();
  }
}
