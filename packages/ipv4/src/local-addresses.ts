import { directedBroadcast4, type InterfaceAddress, type InterfaceTable } from '@stack/core';

/**
 * This stack's IPv4 addresses by value, for the accept decision on input. Entries are kept for
 * every configured address; whether one is usable is asked at accept time
 * (`InterfaceAddress.isActive`, which consults the address arbiter, DESIGN.md §5).
 */
export class LocalAddresses {
  private readonly unicast = new Map<number, InterfaceAddress[]>();
  /** Directed broadcast address → the addresses whose prefix it belongs to (RFC 919, RFC 922). */
  private readonly broadcast = new Map<number, InterfaceAddress[]>();

  constructor(private readonly interfaces: InterfaceTable) {}

  add(addr: InterfaceAddress): void {
    if (addr.address.family !== 'ipv4') return;
    push(this.unicast, addr.address.value, addr);
    const bcast = directedBroadcast4(addr.address.value, addr.prefixLength);
    if (bcast >= 0) push(this.broadcast, bcast, addr);
  }

  remove(addr: InterfaceAddress): void {
    if (addr.address.family !== 'ipv4') return;
    pull(this.unicast, addr.address.value, addr);
    const bcast = directedBroadcast4(addr.address.value, addr.prefixLength);
    if (bcast >= 0) pull(this.broadcast, bcast, addr);
  }

  /** The active address equal to `value`, or null. */
  active(value: number): InterfaceAddress | null {
    const list = this.unicast.get(value);
    if (list === undefined) return null;
    for (let i = 0; i < list.length; i++) {
      const a = list[i];
      const ifp = this.interfaces.byIndexFast(a.ifindex);
      if (ifp !== undefined && a.isActive(ifp)) return a;
    }
    return null;
  }

  /** Whether `value` is configured here at all (active or not). */
  configured(value: number): boolean {
    return this.unicast.has(value);
  }

  /** Whether `value` is the directed broadcast address of one of our prefixes. */
  isDirectedBroadcast(value: number): boolean {
    return this.broadcast.has(value);
  }

  /** Whether `value` is the directed broadcast of a prefix configured on interface `ifindex`. */
  isDirectedBroadcastOn(value: number, ifindex: number): boolean {
    const list = this.broadcast.get(value);
    if (list === undefined) return false;
    for (let i = 0; i < list.length; i++) if (list[i].ifindex === ifindex) return true;
    return false;
  }

  clear(): void {
    this.unicast.clear();
    this.broadcast.clear();
  }
}

function push(map: Map<number, InterfaceAddress[]>, key: number, addr: InterfaceAddress): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [addr]);
  else if (!list.includes(addr)) list.push(addr);
}

function pull(map: Map<number, InterfaceAddress[]>, key: number, addr: InterfaceAddress): void {
  const list = map.get(key);
  if (list === undefined) return;
  const i = list.indexOf(addr);
  if (i >= 0) list.splice(i, 1);
  if (list.length === 0) map.delete(key);
}
