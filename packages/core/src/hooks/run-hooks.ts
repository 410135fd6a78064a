import type { Counter } from '../counters/index.js';
import type { NetInterface } from '../engine/interface.js';
import type { HookSite } from './hook-site.js';

/**
 * Runs the hooks of `site` on `arg` (nothing to do while the point has none): returns what to go on
 * with (`arg` or its replacement), or null when a hook dropped or consumed it, counted in
 * `stopped`. For layers that treat both verdicts alike; allocation-free.
 * @public
 */
export function runHooks<A>(site: HookSite<A>, arg: A, ifp: NetInterface | null, stopped: Counter): A | null {
  if (site.empty) return arg;
  const out = site.run(arg, ifp);
  if (out === null) stopped.inc();
  return out;
}
