import type { NeighbourInfo } from '../contracts/neighbour.js';
import type { NeighbourEntry } from './neighbour-entry.js';

/**
 * One interface's neighbour cache as a listing sees it.
 * @public
 */
export interface ListedNeighbourCache<E extends NeighbourEntry> {
  readonly ifindex: number;
  /** Every entry, in any order. */
  values(): Iterable<E>;
}

/**
 * `NeighbourResolver.list`: the entries of `caches` (only those of `ifindex` when given), sorted
 * by interface index, then address; `now` on the clock of the entries' timers.
 * @public
 */
export function listNeighbours<E extends NeighbourEntry>(caches: Iterable<ListedNeighbourCache<E>>, ifindex: number | undefined, now: number): NeighbourInfo[] {
  const out: NeighbourInfo[] = [];
  const sorted = [...caches].sort((a, b) => a.ifindex - b.ifindex);
  for (const cache of sorted) {
    if (ifindex !== undefined && cache.ifindex !== ifindex) continue;
    const entries = [...cache.values()].sort((a, b) => a.compare(b));
    for (const e of entries) out.push(e.info(now));
  }
  return out;
}
