import { InterfaceEvents, RouteEvents, RouteTablesService } from '@stack/core';
import type { ModuleContext, StackModule } from '@stack/core';
import { createRouteTables } from './route-tables.js';

/**
 * Options of {@link fibModule}.
 * @public
 */
export interface FibModuleOptions {
  /** Connected routes go into every FIB (FreeBSD `net.add_addr_allfibs`). Default true. */
  readonly addAddrAllFibs?: boolean;
  /** Number of FIBs created at load (0..fibs-1). Default 1. */
  readonly fibs?: number;
}

/**
 * The forwarding tables as a stack module: provides `RouteTablesService`, emits `RouteEvents`,
 * and drops the routes of an interface when it detaches.
 * @public
 */
export function fibModule(options: FibModuleOptions = {}): StackModule {
  return {
    name: 'fib',
    attach(ctx: ModuleContext): void {
      const events = ctx.stack.events;
      const tables = createRouteTables({
        fibs: options.fibs,
        addAddrAllFibs: options.addAddrAllFibs,
        onChange: (e) => events.emit(RouteEvents, e),
        wantsEvents: () => events.hasListeners(RouteEvents),
      });
      ctx.provide(RouteTablesService, tables);
      ctx.on(InterfaceEvents, (e) => {
        if (e.type === 'DETACH') tables.removeInterface(e.ifindex);
      });
    },
  };
}
