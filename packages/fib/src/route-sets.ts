import { RouteError } from '@stack/core';
import type { NextHopTable } from './next-hops.js';

/** A route to one prefix from one source, as the control plane handles it. */
export interface RouteCandidate {
  readonly source: number;
  readonly nextHop: number;
  readonly metric: number;
}

/** At most this many distinct route sets live at once (set ids are packed into 24 bits). */
export const MAX_ROUTE_SETS = 1 << 24;

interface RouteSet {
  readonly key: string | number;
  readonly routes: readonly RouteCandidate[];
  refs: number;
}

/**
 * The routes to a prefix (every source's candidate, the installed one first), interned: prefixes
 * in every FIB that carry the same routes share one set id, so a prefix costs one integer in the
 * control plane however many sources it has. Sets hold references to their next hops and are
 * counted by the prefixes that use them.
 */
export class RouteSetTable {
  /** Installed (first) next-hop id of each set. */
  installed = new Int32Array(64);
  private readonly sets: (RouteSet | undefined)[] = [];
  private readonly byKey = new Map<string | number, number>();
  private readonly free: number[] = [];
  private readonly hops: NextHopTable;

  constructor(hops: NextHopTable) {
    this.hops = hops;
  }

  /** The id of the set holding `routes` (installed first), taking a reference. */
  intern(routes: readonly RouteCandidate[]): number {
    const key = setKey(routes);
    const known = this.byKey.get(key);
    if (known !== undefined) {
      this.sets[known]!.refs++;
      return known;
    }
    if (this.free.length === 0 && this.sets.length >= MAX_ROUTE_SETS) throw new RouteError('route', `more than ${MAX_ROUTE_SETS} distinct route sets`);
    const id = this.free.length > 0 ? this.free.pop()! : this.sets.length;
    for (const r of routes) this.hops.retain(r.nextHop);
    this.sets[id] = { key, routes: routes.map((r) => ({ source: r.source, nextHop: r.nextHop, metric: r.metric })), refs: 1 };
    if (id >= this.installed.length) {
      const grown = new Int32Array(this.installed.length * 2);
      grown.set(this.installed);
      this.installed = grown;
    }
    this.installed[id] = routes[0].nextHop;
    this.byKey.set(key, id);
    return id;
  }

  retain(id: number): void {
    this.sets[id]!.refs++;
  }

  release(id: number): void {
    const s = this.sets[id]!;
    if (--s.refs > 0) return;
    this.byKey.delete(s.key);
    this.sets[id] = undefined;
    this.free.push(id);
    for (const r of s.routes) this.hops.release(r.nextHop);
  }

  /** Every route of a set, the installed one first. */
  routes(id: number): readonly RouteCandidate[] {
    return this.sets[id]!.routes;
  }

  /** The installed route of a set. */
  best(id: number): RouteCandidate {
    return this.sets[id]!.routes[0];
  }

  /** Number of live sets. */
  count(): number {
    return this.sets.length - this.free.length;
  }
}

/** A number for the common single-route case (no string to build), else a text key. */
function setKey(routes: readonly RouteCandidate[]): string | number {
  if (routes.length === 1) {
    const r = routes[0];
    if (r.metric === 0 && r.source < 1 << 20) return r.nextHop * (1 << 20) + r.source;
  }
  let key = '';
  for (const r of routes) key += `${r.source}:${r.nextHop}:${r.metric};`;
  return key;
}
