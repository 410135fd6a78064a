import type { AddressFamily } from '../addr/index.js';
import { AddressEvents } from './core-events.js';
import type { InterfaceAddress } from './interface-address.js';
import type { ModuleContext } from './module.js';

/**
 * Per-address state a module keeps for one family (local address tables, connected routes).
 * @public
 */
export interface AddressFollower {
  add(addr: InterfaceAddress): void;
  remove(addr: InterfaceAddress): void;
}

/**
 * Tells each of `followers`, in order, of every `family` address configured now, then of each one
 * added or deleted until the module unloads (`AddressEvents`).
 * @public
 */
export function followAddresses(ctx: ModuleContext, family: AddressFamily, followers: readonly AddressFollower[]): void {
  for (const ifp of ctx.stack.interfaces.list()) {
    for (const addr of ifp.addresses) {
      if (addr.family !== family) continue;
      for (const f of followers) f.add(addr);
    }
  }
  ctx.on(AddressEvents, (e) => {
    if (e.family !== family) return;
    if (e.type === 'ADD') for (const f of followers) f.add(e.addr);
    else if (e.type === 'DELETE') for (const f of followers) f.remove(e.addr);
  });
}
