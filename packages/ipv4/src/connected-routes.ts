import { Ipv4Address, netmask4, RouteFlags, type Disposer, type InterfaceAddress, type InterfaceTable, type RouteTables } from '@stack/core';

interface Installed {
  readonly dispose: Disposer;
  count: number;
}

/**
 * Connected routes for interface addresses: one route per (prefix, interface), shared by every
 * address of that prefix on the interface, removed with the last of them.
 */
export class ConnectedRoutes {
  private readonly installed = new Map<string, Installed>();

  constructor(
    private readonly routes: RouteTables,
    private readonly interfaces: InterfaceTable,
    private readonly allFibs: boolean,
  ) {}

  add(addr: InterfaceAddress): void {
    if (addr.address.family !== 'ipv4') return;
    const key = keyOf(addr);
    const entry = this.installed.get(key);
    if (entry !== undefined) {
      entry.count++;
      return;
    }
    const ifp = this.interfaces.get(addr.ifindex);
    if (ifp === undefined) return;
    const prefix = new Ipv4Address((addr.address.value & netmask4(addr.prefixLength)) >>> 0);
    const dispose = this.routes.addConnected(
      { prefix, prefixLength: addr.prefixLength, ifindex: addr.ifindex, flags: RouteFlags.CONNECTED, source: 'connected' },
      ifp.fib,
      this.allFibs,
    );
    this.installed.set(key, { dispose, count: 1 });
  }

  remove(addr: InterfaceAddress): void {
    if (addr.address.family !== 'ipv4') return;
    const key = keyOf(addr);
    const entry = this.installed.get(key);
    if (entry === undefined || --entry.count > 0) return;
    this.installed.delete(key);
    entry.dispose();
  }

  /** Remove every route this module installed. */
  clear(): void {
    for (const entry of this.installed.values()) entry.dispose();
    this.installed.clear();
  }
}

function keyOf(addr: InterfaceAddress): string {
  const value = addr.address.family === 'ipv4' ? addr.address.value : 0;
  return `${(value & netmask4(addr.prefixLength)) >>> 0}/${addr.prefixLength}@${addr.ifindex}`;
}
