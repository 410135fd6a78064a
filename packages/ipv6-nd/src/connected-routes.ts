import { maskAddress, RouteFlags, type Disposer, type InterfaceAddress, type InterfaceTable, type RouteTables } from '@stack/core';

interface Installed {
  readonly dispose: Disposer;
  count: number;
}

/**
 * Connected routes for IPv6 interface addresses: one route per (prefix, interface), shared by every
 * address of that prefix on the interface, removed with the last of them. Link-local prefixes get
 * none: fe80::/10 is on every link, so those destinations are sent with an explicit interface
 * (RFC 4007 §6) rather than routed.
 */
export class ConnectedRoutes {
  private readonly installed = new Map<string, Installed>();

  constructor(
    private readonly routes: RouteTables,
    private readonly interfaces: InterfaceTable,
    private readonly allFibs: boolean,
  ) {}

  add(addr: InterfaceAddress): void {
    if (!applies(addr)) return;
    const key = keyOf(addr);
    const entry = this.installed.get(key);
    if (entry !== undefined) {
      entry.count++;
      return;
    }
    const ifp = this.interfaces.get(addr.ifindex);
    if (ifp === undefined) return;
    const dispose = this.routes.addConnected(
      { prefix: maskAddress(addr.address, addr.prefixLength), prefixLength: addr.prefixLength, ifindex: addr.ifindex, flags: RouteFlags.CONNECTED, source: 'connected' },
      ifp.fib,
      this.allFibs,
    );
    this.installed.set(key, { dispose, count: 1 });
  }

  remove(addr: InterfaceAddress): void {
    if (!applies(addr)) return;
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

function applies(addr: InterfaceAddress): boolean {
  return addr.address.family === 'ipv6' && !addr.address.isLinkLocal();
}

function keyOf(addr: InterfaceAddress): string {
  return `${maskAddress(addr.address, addr.prefixLength).toString()}/${addr.prefixLength}@${addr.ifindex}`;
}
