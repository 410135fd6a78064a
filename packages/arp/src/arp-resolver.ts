import {
  isIpv4LimitedBroadcast,
  isIpv4Multicast,
  type NeighbourInfo,
  type NeighbourResolver,
  type NeighbourTransmit,
  type NetInterface,
  type PacketBuffer,
  parseStaticLinkAddress,
  type Stack,
  tryParseIpv4,
} from '@stack/core';
import type { Announcer } from './announcer.js';
import type { ArpNeighbours } from './arp-neighbours.js';
import type { ArpSender } from './arp-sender.js';
import { findOwnIpv4 } from './own-addresses.js';

/**
 * ARP as the IPv4 `NeighbourResolverService`: resolution with queueing, the `arp -a` listing,
 * static entries (`arp -s`), removal (`arp -d`) and announcements. Configuration mistakes throw
 * errors naming the argument.
 * @public
 */
export class ArpResolver implements NeighbourResolver {
  /** @internal Created by {@link arpModule}. */
  constructor(
    private readonly stack: Stack,
    private readonly neighbours: ArpNeighbours,
    private readonly announcer: Announcer,
    private readonly sender: ArpSender,
  ) {}

  resolve(ifp: NetInterface, buf: PacketBuffer, out: Uint8Array, transmit: NeighbourTransmit): number {
    return this.neighbours.resolve(ifp, buf, out, transmit);
  }

  /** Entries sorted by interface index, then address (`arp -a`). */
  list(ifindex?: number): NeighbourInfo[] {
    return this.neighbours.list(ifindex);
  }

  /** Lines in the shape of FreeBSD's `arp -a`: `? (192.0.2.2) at 02:00:00:00:00:02 on em0 expires in 1199 seconds [ethernet]`. */
  format(ifindex?: number): string[] {
    return this.list(ifindex).map((e) => {
      const ifp = this.stack.interfaces.get(e.ifindex);
      const at = e.linkAddress ?? '(incomplete)';
      const expiry = e.state === 'permanent' ? 'permanent' : Number.isNaN(e.expiresIn) ? 'expired' : `expires in ${Math.ceil(e.expiresIn / 1000)} seconds`;
      return `? (${e.address}) at ${at} on ${ifp?.name ?? e.ifindex} ${expiry} [${ifp?.type ?? '?'}] ${e.state}`;
    });
  }

  addStatic(ifindex: number, address: string, linkAddress: string): void {
    const ifp = this.arpInterface(ifindex);
    const value = this.parseNeighbour(address);
    const link = parseStaticLinkAddress(ifp, linkAddress);
    this.neighbours.setStatic(ifp, value, link);
  }

  remove(ifindex: number, address: string): boolean {
    const value = tryParseIpv4(address);
    if (value < 0) throw new Error(`address: "${String(address)}" is not an IPv4 address`);
    return this.neighbours.remove(ifindex, value);
  }

  flush(ifindex?: number): void {
    this.neighbours.flush(ifindex);
  }

  /**
   * Gratuitous ARP for an address configured on `ifp` (RFC 5227 §2.3), repeated as configured;
   * sent only while the address is active. `linkAddress` defaults to the address's link address.
   */
  announce(ifp: NetInterface, address: string, linkAddress?: Uint8Array): void {
    const value = tryParseIpv4(address);
    if (value < 0) throw new Error(`address: "${String(address)}" is not an IPv4 address`);
    if (findOwnIpv4(ifp, value) === undefined) throw new Error(`address: ${address} is not configured on ${ifp.name}`);
    if (linkAddress !== undefined && (!(linkAddress instanceof Uint8Array) || linkAddress.length !== ifp.hardwareAddress?.length)) {
      throw new Error(`linkAddress: must be ${ifp.hardwareAddress?.length ?? 0} bytes for ${ifp.name}`);
    }
    this.announcer.start(ifp, value, linkAddress ?? null);
  }

  private arpInterface(ifindex: number): NetInterface {
    const ifp = this.stack.interfaces.get(ifindex);
    if (ifp === undefined) throw new Error(`ifindex: no interface with index ${String(ifindex)}`);
    if (this.sender.hardwareType(ifp) < 0) throw new Error(`ifindex: ARP does not run on ${ifp.name} (type ${ifp.type})`);
    return ifp;
  }

  private parseNeighbour(address: string): number {
    const value = tryParseIpv4(address);
    if (value < 0) throw new Error(`address: "${String(address)}" is not an IPv4 address`);
    if (value === 0 || isIpv4Multicast(value) || isIpv4LimitedBroadcast(value)) throw new Error(`address: ${address} cannot be a neighbour`);
    return value;
  }
}
