import type { SendRequest } from '../contracts/network.js';
import type { InterfaceTable } from '../engine/interface-table.js';

/**
 * The FIB a send request routes in (`SendRequest.fib`): the one it names, else the default FIB of
 * the interface it is pinned to, else 0.
 * @public
 */
export function requestFib(interfaces: InterfaceTable, req: SendRequest): number {
  return routingFib(interfaces, req.fib, req.ifindex);
}

/**
 * The FIB to route in: `fib` when given, else the default FIB of interface `ifindex` (0 or absent:
 * none), else 0. The rule of {@link requestFib} for callers without a request object.
 * @public
 */
export function routingFib(interfaces: InterfaceTable, fib: number | undefined, ifindex: number | undefined): number {
  if (fib !== undefined) return fib;
  if (ifindex !== undefined && ifindex !== 0) return interfaces.byIndexFast(ifindex)?.fib ?? 0;
  return 0;
}
