import { type LinkLayer, LinkProtocols, type ModuleContext, type NetInterface, type PacketBuffer } from '@stack/core';
import { etherCounters } from './ether-counters.js';
import { EtherInput } from './ether-input.js';
import { EtherOutput } from './ether-output.js';
import { EtherOutputHook, EtherPreInputHook } from './ether-hook-points.js';
import type { EtherConfig } from './ether-options.js';
import { EtherMulticastGroups, isJoinableGroup, LinkMulticastGroups } from './multicast-groups.js';
import { ETHERNET_HEADER_LENGTH } from './wire/index.js';

function macText(mac: Uint8Array): string {
  return [...mac].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/**
 * The Ethernet II link layer of one stack (the `LinkLayerService` variant `'ethernet'`): receive
 * with a destination filter and dispatch by ethertype, send with neighbour resolution, and
 * reference-counted multicast membership per interface.
 * @public
 */
export class EthernetLinkLayer implements LinkLayer {
  readonly type = 'ethernet';
  /** Ethernet II header; 802.1Q tags are not added on output. */
  readonly maxHeaderLength = ETHERNET_HEADER_LENGTH;
  private readonly ctx: ModuleContext;
  private readonly rx: EtherInput;
  private readonly tx: EtherOutput;

  /** @internal Created by {@link etherModule}. */
  constructor(ctx: ModuleContext, config: EtherConfig) {
    this.ctx = ctx;
    const release = (b: PacketBuffer): void => b.release();
    const preInput = ctx.declareHookPoint(EtherPreInputHook, { release });
    const output = ctx.declareHookPoint(EtherOutputHook, { release });
    const counters = etherCounters(ctx);
    this.rx = new EtherInput(config, counters, preInput, ctx.stack.demux(LinkProtocols));
    this.tx = new EtherOutput(ctx.stack, config, counters, output);
  }

  input(ifp: NetInterface, buf: PacketBuffer): void {
    this.rx.input(ifp, buf);
  }

  output(ifp: NetInterface, buf: PacketBuffer, protocol: number): void {
    this.tx.output(ifp, buf, protocol);
  }

  outputTo(ifp: NetInterface, buf: PacketBuffer, protocol: number, linkDst: Uint8Array, linkSrc?: Uint8Array): void {
    this.tx.outputTo(ifp, buf, protocol, linkDst, linkSrc);
  }

  /** Receive frames sent to the group `linkAddr` on `ifp` (one more reference). */
  joinMulticast(ifp: NetInterface, linkAddr: Uint8Array): void {
    if (!isJoinableGroup(linkAddr)) {
      throw new Error(`linkAddr: ${linkAddr instanceof Uint8Array ? macText(linkAddr) : String(linkAddr)} is not a 6-byte Ethernet multicast address`);
    }
    let groups = ifp.ext.get(EtherMulticastGroups);
    if (groups === undefined) {
      groups = new LinkMulticastGroups();
      this.ctx.setExt(ifp, EtherMulticastGroups, groups);
    }
    groups.join(linkAddr);
  }

  /** Drop one reference to the group `linkAddr` on `ifp`; leaving a group not joined does nothing. */
  leaveMulticast(ifp: NetInterface, linkAddr: Uint8Array): void {
    if (!(linkAddr instanceof Uint8Array)) throw new Error(`linkAddr: ${String(linkAddr)} is not a byte array`);
    ifp.ext.get(EtherMulticastGroups)?.leave(linkAddr);
  }

  /** The groups joined on `ifp`, as text (`netstat -g`-style listing). */
  multicastGroups(ifp: NetInterface): string[] {
    return ifp.ext.get(EtherMulticastGroups)?.list() ?? [];
  }
}
