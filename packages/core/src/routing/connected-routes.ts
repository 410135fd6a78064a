import { maskAddress } from '../addr/index.js';
import { RouteFlags, type RouteTables } from '../contracts/route-table.js';
import type { Disposer } from '../engine/disposer.js';
import type { InterfaceAddress } from '../engine/interface-address.js';
import type { InterfaceTable } from '../engine/interface-table.js';

interface Installed {
  readonly dispose: Disposer;
  count: number;
}

/**
 * Connected routes for a network protocol's interface addresses (DESIGN.md §6): one route per
 * (prefix, interface), shared by every address of that prefix on the interface and removed with
 * the last of them; into every FIB, or only the interface's when `allFibs` is false. `applies`
 * picks the addresses that get one (a family's, and IPv6 leaves out link-local ones).
 * @public
 */
export class ConnectedRoutes {
  private readonly installed = new Map<string, Installed>();

  constructor(
    private readonly routes: RouteTables,
    private readonly interfaces: InterfaceTable,
    private readonly allFibs: boolean,
    private readonly applies: (addr: InterfaceAddress) => boolean,
  ) {}

  /** An address was configured. */
  add(addr: InterfaceAddress): void {
    if (!this.applies(addr)) return;
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

  /** An address was removed. */
  remove(addr: InterfaceAddress): void {
    if (!this.applies(addr)) return;
    const key = keyOf(addr);
    const entry = this.installed.get(key);
    if (entry === undefined || --entry.count > 0) return;
    this.installed.delete(key);
    entry.dispose();
  }

  /** Remove every route installed. */
  clear(): void {
    for (const entry of this.installed.values()) entry.dispose();
    this.installed.clear();
  }
}

function keyOf(addr: InterfaceAddress): string {
  return `${maskAddress(addr.address, addr.prefixLength).toString()}/${addr.prefixLength}@${addr.ifindex}`;
}
