import {
  Ipv6Address,
  type NeighbourInfo,
  type NeighbourResolver,
  type NeighbourTransmit,
  type NetInterface,
  type PacketBuffer,
  parseStaticLinkAddress,
  type Stack,
} from '@stack/core';
import { runsNd } from '../runtime/nd-runtime.js';
import type { Announcer } from './announcer.js';
import type { Neighbours } from './neighbours.js';

/**
 * Neighbour discovery as the IPv6 `NeighbourResolver` (core contract): resolution with queueing,
 * reachability confirmation, the `ndp -a` listing, permanent entries (`ndp -s`), removal
 * (`ndp -d`) and unsolicited advertisements. Configuration mistakes throw errors naming the argument.
 * @public
 */
export class NdResolver implements NeighbourResolver {
  /** @internal */
  constructor(
    private readonly stack: Stack,
    private readonly neighbours: Neighbours,
    private readonly announcer: Announcer,
  ) {}

  resolve(ifp: NetInterface, buf: PacketBuffer, out: Uint8Array, transmit: NeighbourTransmit): number {
    return this.neighbours.resolve(ifp, buf, out, transmit);
  }

  confirm(ifp: NetInterface, address: Uint8Array, offset: number): void {
    this.neighbours.confirm(ifp, address, offset);
  }

  /** Entries sorted by interface index, then address. */
  list(ifindex?: number): NeighbourInfo[] {
    return this.neighbours.list(ifindex);
  }

  addStatic(ifindex: number, address: string, linkAddress: string): void {
    const ifp = this.ndInterface(ifindex);
    const value = parseNeighbour(address);
    const link = parseStaticLinkAddress(ifp, linkAddress);
    this.neighbours.setStatic(ifp, value.toBytes(), link);
  }

  remove(ifindex: number, address: string): boolean {
    return this.neighbours.remove(ifindex, parseAddress(address).toBytes());
  }

  flush(ifindex?: number): void {
    this.neighbours.flush(ifindex);
  }

  /**
   * Unsolicited neighbour advertisements with the Override flag for an address configured on `ifp`
   * (RFC 4861 §7.2.6), repeated as configured and sent only while the address is active.
   * `linkAddress` defaults to the address's link address (its arbiter's, else the interface's).
   */
  announce(ifp: NetInterface, address: string, linkAddress?: Uint8Array): void {
    const value = parseAddress(address);
    const addr = ifp.findAddress(value);
    if (addr === undefined) throw new Error(`address: ${address} is not configured on ${ifp.name}`);
    if (!runsNd(ifp)) throw new Error(`ifindex: neighbour discovery does not run on ${ifp.name} (type ${ifp.type})`);
    if (linkAddress !== undefined && (!(linkAddress instanceof Uint8Array) || linkAddress.length !== ifp.hardwareAddress!.length)) {
      throw new Error(`linkAddress: must be ${ifp.hardwareAddress!.length} bytes for ${ifp.name}`);
    }
    this.announcer.start(ifp, addr, linkAddress ?? null);
  }

  private ndInterface(ifindex: number): NetInterface {
    const ifp = this.stack.interfaces.get(ifindex);
    if (ifp === undefined) throw new Error(`ifindex: no interface with index ${String(ifindex)}`);
    if (!runsNd(ifp)) throw new Error(`ifindex: neighbour discovery does not run on ${ifp.name} (type ${ifp.type})`);
    return ifp;
  }
}

function parseAddress(text: string): Ipv6Address {
  const value = typeof text === 'string' ? Ipv6Address.tryParse(text.split('%')[0]) : null;
  if (value === null) throw new Error(`address: "${String(text)}" is not an IPv6 address`);
  return value;
}

function parseNeighbour(text: string): Ipv6Address {
  const value = parseAddress(text);
  if (value.isMulticast() || value.isUnspecified() || value.isLoopback()) throw new Error(`address: ${text} cannot be a neighbour`);
  return value;
}
