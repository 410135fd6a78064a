import type { SendRequest } from '../contracts/network.js';
import type { InterfaceTable } from '../engine/interface-table.js';

/**
 * The FIB a send request routes in (`SendRequest.fib`): the one it names, else the default FIB of
 * the interface it is pinned to, else 0.
 * @public
 */
export function requestFib(interfaces: InterfaceTable, req: SendRequest): number {
  if (req.fib !== undefined) return req.fib;
  if (req.ifindex !== undefined && req.ifindex !== 0) return interfaces.byIndexFast(req.ifindex)?.fib ?? 0;
  return 0;
}
