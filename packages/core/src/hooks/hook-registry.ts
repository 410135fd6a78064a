import type { Counters } from '../counters/index.js';
import type { Disposer } from '../engine/disposer.js';
import type { HookPointKey, HookRegistration } from './hook-point.js';
import { type CompiledChain, HookSite } from './hook-site.js';
import { applyExplicitOrder, orderHooks, type OrderNode } from './order.js';

interface Registered {
  readonly reg: HookRegistration<unknown>;
  readonly owner: string;
  readonly seq: number;
  readonly counterName: string;
}

interface PointState {
  owner: string | null;
  readonly site: HookSite<unknown>;
  readonly hooks: Map<string, Registered>;
  /** Administrator's order per interface index; key ALL applies where no interface order is set. */
  readonly explicit: Map<number, string[]>;
  /** Per hook id: interface index → enabled (ALL = default for every interface). */
  readonly enabled: Map<string, Map<number, boolean>>;
}

/** Key meaning "every interface" in administrator settings. */
const ALL = -1;
const ID_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;

/** One hook in an effective chain listing. @public */
export interface HookListing {
  readonly id: string;
  readonly owner: string;
  readonly enabled: boolean;
  readonly drops: number;
}

/** Options when a layer declares a point. @public */
export interface HookPointOptions<A> {
  /** How to free an argument a hook dropped (packet points pass `(b) => b.release()`). */
  readonly release?: (arg: A) => void;
}

/**
 * Every hook point of one stack: declarations, registrations, the administrator's order and
 * per-interface enablement; compiles a {@link HookSite} chain per interface after each change.
 * @public
 */
export class HookRegistry {
  /** Keyed by point name, so a module can hook a point declared by a package it does not import. */
  private readonly points = new Map<string, PointState>();
  private seq = 0;
  private readonly counters: Counters;
  private readonly ifindexes: () => readonly number[];

  /** @internal */
  constructor(counters: Counters, ifindexes: () => readonly number[]) {
    this.counters = counters;
    this.ifindexes = ifindexes;
  }

  /**
   * Declare a point (done by the layer that runs it) and get its site. Hooks may register on a
   * point before its layer loads; they run once it is declared.
   */
  declare<A>(point: HookPointKey<A>, owner: string, options: HookPointOptions<A> = {}): { site: HookSite<A>; dispose: Disposer } {
    const state = this.state(point, options.release ?? null);
    if (state.owner !== null) throw new Error(`hook point "${point.name}" is already declared by "${state.owner}"`);
    state.owner = owner;
    return {
      site: state.site as HookSite<A>,
      dispose: () => {
        if (state.owner === owner) {
          state.owner = null;
          state.site.setRelease(null);
          this.forgetIfUnused(point, state);
        }
      },
    };
  }

  /** The site of a point (created on first use). */
  site<A>(point: HookPointKey<A>): HookSite<A> {
    return this.state(point, null).site as HookSite<A>;
  }

  /** Register a hook; returns a disposer. Errors name the conflicting holder or the cycle. */
  register<A>(point: HookPointKey<A>, reg: HookRegistration<A>, owner: string): Disposer {
    if (!ID_PATTERN.test(reg.id)) {
      throw new Error(`hook id "${reg.id}" must be lowercase letters, digits, '-' and '_'`);
    }
    const state = this.state(point, null);
    const holder = state.hooks.get(reg.id);
    if (holder) throw new Error(`hook "${reg.id}" at "${point.name}" is already registered by "${holder.owner}"`);
    const entry: Registered = {
      reg: reg as HookRegistration<unknown>,
      owner,
      seq: this.seq++,
      counterName: `hooks.${point.name}.${reg.id}.drops`,
    };
    state.hooks.set(reg.id, entry);
    const cycle = this.defaultOrder(state);
    if ('cycle' in cycle) {
      state.hooks.delete(reg.id);
      throw new Error(`hook "${reg.id}" at "${point.name}": before/after constraints form a cycle among ${cycle.cycle.join(', ')}`);
    }
    if (reg.interfaces) {
      const enabled = new Map<number, boolean>([[ALL, false]]);
      for (const i of reg.interfaces) enabled.set(i, true);
      state.enabled.set(reg.id, enabled);
    }
    this.counters.counter(entry.counterName, `packets dropped by hook ${reg.id} at ${point.name}`);
    this.rebuild(state);
    return () => {
      if (state.hooks.get(reg.id) !== entry) return;
      state.hooks.delete(reg.id);
      state.enabled.delete(reg.id);
      for (const [k, order] of state.explicit) {
        const rest = order.filter((id) => id !== reg.id);
        if (rest.length === 0) state.explicit.delete(k);
        else state.explicit.set(k, rest);
      }
      this.counters.remove(entry.counterName);
      this.rebuild(state);
      this.forgetIfUnused(point, state);
    };
  }

  /**
   * The administrator's order (pfilctl): the listed hooks run first, in this order, on one interface
   * or (ifindex omitted) on every interface without an order of its own.
   */
  setOrder(point: HookPointKey<unknown>, ids: readonly string[], ifindex?: number): void {
    const state = this.existing(point);
    const unknown = ids.filter((id) => !state.hooks.has(id));
    if (unknown.length > 0) throw new Error(`hook point "${point.name}" has no hook ${unknown.map((u) => `"${u}"`).join(', ')}`);
    if (new Set(ids).size !== ids.length) throw new Error(`hook order for "${point.name}" lists a hook twice`);
    state.explicit.set(ifindex ?? ALL, [...ids]);
    this.rebuild(state);
  }

  /** Drop an administrator's order, returning to the constraint order. */
  clearOrder(point: HookPointKey<unknown>, ifindex?: number): void {
    const state = this.existing(point);
    state.explicit.delete(ifindex ?? ALL);
    this.rebuild(state);
  }

  /** Enable or disable a hook on one interface or (ifindex omitted) on every interface. */
  setEnabled(point: HookPointKey<unknown>, id: string, enabled: boolean, ifindex?: number): void {
    const state = this.existing(point);
    if (!state.hooks.has(id)) throw new Error(`hook point "${point.name}" has no hook "${id}"`);
    let map = state.enabled.get(id);
    if (!map) {
      map = new Map([[ALL, true]]);
      state.enabled.set(id, map);
    }
    if (ifindex === undefined) {
      map.clear();
      map.set(ALL, enabled);
    } else {
      map.set(ifindex, enabled);
    }
    this.rebuild(state);
  }

  /** The effective chain on an interface (0: the interface-less chain), enabled hooks first in run order, then disabled ones. */
  list(point: HookPointKey<unknown>, ifindex: number): HookListing[] {
    const state = this.points.get(point.name);
    if (!state) return [];
    const running = state.site.chainFor(ifindex);
    const out: HookListing[] = running.map((id) => this.listing(state, id, true));
    for (const id of state.hooks.keys()) if (!running.includes(id)) out.push(this.listing(state, id, false));
    return out;
  }

  /** Names of the points that are declared or have hooks. */
  pointNames(): string[] {
    return [...this.points.keys()].sort();
  }

  /** Total registered hooks on every point (tests prove an unload left none). */
  get hookCount(): number {
    let n = 0;
    for (const s of this.points.values()) n += s.hooks.size;
    return n;
  }

  /** @internal Recompile every point (an interface appeared or went away). */
  rebuildAll(): void {
    for (const state of this.points.values()) this.rebuild(state);
  }

  private listing(state: PointState, id: string, enabled: boolean): HookListing {
    const entry = state.hooks.get(id)!;
    return { id, owner: entry.owner, enabled, drops: this.counters.get(entry.counterName) };
  }

  private state(point: HookPointKey<unknown>, release: ((arg: never) => void) | null): PointState {
    let state = this.points.get(point.name);
    if (!state) {
      const errors = this.counters.counter(`hooks.${point.name}.errors`, `hooks at ${point.name} that threw`);
      state = {
        owner: null,
        site: new HookSite(point, release as ((arg: unknown) => void) | null, errors),
        hooks: new Map(),
        explicit: new Map(),
        enabled: new Map(),
      };
      this.points.set(point.name, state);
    } else if (release !== null && state.owner === null) {
      // The layer declares after hooks registered early.
      state.site.setRelease(release as (arg: unknown) => void);
    }
    return state;
  }

  private existing(point: HookPointKey<unknown>): PointState {
    const state = this.points.get(point.name);
    if (!state) throw new Error(`hook point "${point.name}" is not known`);
    return state;
  }

  private forgetIfUnused(point: HookPointKey<unknown>, state: PointState): void {
    if (state.owner === null && state.hooks.size === 0) {
      this.points.delete(point.name);
      this.counters.remove(`hooks.${point.name}.errors`);
    }
  }

  private defaultOrder(state: PointState): { order: string[] } | { cycle: string[] } {
    const nodes: OrderNode[] = [...state.hooks.values()].map((e) => ({
      id: e.reg.id,
      before: e.reg.before ?? [],
      after: e.reg.after ?? [],
      seq: e.seq,
    }));
    return orderHooks(nodes);
  }

  private isEnabled(state: PointState, id: string, ifindex: number): boolean {
    const map = state.enabled.get(id);
    if (!map) return true;
    const own = map.get(ifindex);
    if (own !== undefined) return own;
    return map.get(ALL) ?? true;
  }

  private rebuild(state: PointState): void {
    const result = this.defaultOrder(state);
    const order = 'order' in result ? result.order : [];
    const chains: CompiledChain<unknown>[] = [];
    for (const ifindex of [0, ...this.ifindexes()]) {
      const ids = applyExplicitOrder(order, state.explicit.get(ifindex) ?? state.explicit.get(ALL)).filter((id) =>
        this.isEnabled(state, id, ifindex),
      );
      const entries = ids.map((id) => state.hooks.get(id)!);
      chains[ifindex] = Object.freeze({
        fns: entries.map((e) => e.reg.fn),
        ids,
        drops: entries.map((e) => this.counters.counter(e.counterName)),
      });
    }
    state.site.install(chains);
  }
}
