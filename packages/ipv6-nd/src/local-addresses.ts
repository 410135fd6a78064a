import { AddressFlags, InterfaceFlags, type InterfaceAddress, type InterfaceTable } from '@stack/core';
import { bytesOf, equal16, hash16, isLinkScopedAt } from './address-bytes.js';

/**
 * This stack's IPv6 addresses, for the accept decision on input and for source selection. Entries
 * are kept for every configured address, tentative and duplicated ones included; whether one is
 * usable is asked at use time (`InterfaceAddress.isActive`: not TENTATIVE or DUPLICATED, and its
 * arbiter agrees), so output to a duplicated address goes to the wire, never to `lo0`.
 * Link-local addresses belong to their interface (RFC 4007 §6): they match only packets of that
 * interface, or of the loopback interface (our own traffic to ourselves).
 */
export class LocalAddresses {
  /** Every IPv6 interface address, in the order added. */
  readonly all: InterfaceAddress[] = [];
  private readonly byHash = new Map<number, InterfaceAddress[]>();

  constructor(private readonly interfaces: InterfaceTable) {}

  add(addr: InterfaceAddress): void {
    if (addr.family !== 'ipv6' || this.all.includes(addr)) return;
    this.all.push(addr);
    const key = hash16(bytesOf(addr), 0);
    const list = this.byHash.get(key);
    if (list === undefined) this.byHash.set(key, [addr]);
    else list.push(addr);
  }

  remove(addr: InterfaceAddress): void {
    const i = this.all.indexOf(addr);
    if (i < 0) return;
    this.all.splice(i, 1);
    const key = hash16(bytesOf(addr), 0);
    const list = this.byHash.get(key);
    if (list === undefined) return;
    list.splice(list.indexOf(addr), 1);
    if (list.length === 0) this.byHash.delete(key);
  }

  /**
   * The active address equal to `b[o..o+16)` that a packet on interface `ifindex` may use (0: any
   * interface), or null.
   */
  active(b: Uint8Array, o: number, ifindex: number): InterfaceAddress | null {
    const list = this.byHash.get(hash16(b, o));
    if (list === undefined) return null;
    for (let i = 0; i < list.length; i++) {
      const a = list[i];
      if (!equal16(bytesOf(a), 0, b, o)) continue;
      const ifp = this.interfaces.byIndexFast(a.ifindex);
      if (ifp === undefined || !a.isActive(ifp)) continue;
      if (ifindex !== 0 && a.ifindex !== ifindex && isLinkScopedAt(b, o) && !this.isLoopback(ifindex)) continue;
      return a;
    }
    return null;
  }

  /**
   * Whether `b[o..o+16)` is claimed here: configured, even if tentative or held inactive by its
   * arbiter, but not DUPLICATED — a duplicated address belongs to the node that defended it
   * (RFC 4862 §5.4.5), so packets to it are not ours, and a router forwards them.
   */
  configured(b: Uint8Array, o: number): boolean {
    const list = this.byHash.get(hash16(b, o));
    if (list === undefined) return false;
    for (let i = 0; i < list.length; i++) {
      const a = list[i];
      if ((a.flags & AddressFlags.DUPLICATED) === 0 && equal16(bytesOf(a), 0, b, o)) return true;
    }
    return false;
  }

  clear(): void {
    this.all.length = 0;
    this.byHash.clear();
  }

  private isLoopback(ifindex: number): boolean {
    const ifp = this.interfaces.byIndexFast(ifindex);
    return ifp !== undefined && ifp.hasFlag(InterfaceFlags.LOOPBACK);
  }
}
