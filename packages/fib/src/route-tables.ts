import { Ipv4Address, Ipv6Address, RouteError, RouteFlags } from '@stack/core';
import type { AddressFamily, Disposer, IpAddress, NextHop, RouteChangeEvent, RouteInfo, RouteSpec, RouteTables } from '@stack/core';
import { Fib, type FamilyTable } from './family-table.js';
import type { LpmTrie } from './lpm-trie.js';
import { GROUP_BASE, NextHopTable } from './next-hops.js';
import { addressFromKey, addressKey, validatePrefix, validateRoute, type ValidRoute } from './route-spec.js';
import { trieLookup4, trieLookup4Burst, trieLookup6, trieLookup6Words } from './trie-lookup.js';

/**
 * Options of {@link createRouteTables}.
 * @public
 */
export interface RouteTablesOptions {
  /** FIBs 0..fibs-1 exist from the start. Default 1. */
  readonly fibs?: number;
  /** Connected routes go into every FIB (FreeBSD `net.add_addr_allfibs`). Default true. */
  readonly addAddrAllFibs?: boolean;
  /** Called for every change of an installed route (after the lookup structure is updated). */
  readonly onChange?: (event: RouteChangeEvent) => void;
  /** Lets a caller skip building events nobody listens to. */
  readonly wantsEvents?: () => boolean;
  /** Bits of the IPv4 direct-pointing level (8..24). Default 19. */
  readonly ipv4TopBits?: number;
  /** Bits of the IPv6 direct-pointing level (8..24). Default 18. */
  readonly ipv6TopBits?: number;
}

/**
 * Typed-array bytes of one FIB.
 * @public
 */
export interface FibMemory {
  /** What lookups read (trie arrays), per family. */
  readonly lookup4: number;
  readonly lookup6: number;
  /** The control plane (sorted prefix store), per family. */
  readonly control4: number;
  readonly control6: number;
}

/** A route to one prefix from one source, as the control plane handles it. */
interface Candidate {
  readonly source: number;
  readonly nextHop: number;
  readonly metric: number;
}

/** A connected route registration, replayed into FIBs created later. */
interface ConnectedRoute {
  readonly spec: RouteSpec;
  readonly allFibs: boolean;
  readonly fibs: Set<number>;
}

const MAX_FIB = 0xffff;

/**
 * Many FIBs holding IPv4 and IPv6 routes, with allocation-free longest-prefix-match lookups.
 * Create one with {@link createRouteTables}.
 * @public
 */
export class FibSet implements RouteTables {
  /** Next hops and ECMP groups, shared by every FIB. */
  private readonly hops = new NextHopTable();
  private readonly tables = new Map<number, Fib>();
  /** Tries by FIB id, for the lookup paths (holes for absent FIBs). */
  private readonly tries4: (LpmTrie | undefined)[] = [];
  private readonly tries6: (LpmTrie | undefined)[] = [];
  private readonly sourceNames: string[] = [];
  private readonly sourceIds = new Map<string, number>();
  private readonly connected = new Set<ConnectedRoute>();
  private readonly dirty = new Set<LpmTrie>();
  private pending: RouteChangeEvent[] = [];
  private batchDepth = 0;
  private readonly addAddrAllFibs: boolean;
  private readonly onChange: ((event: RouteChangeEvent) => void) | undefined;
  private readonly wantsEvents: (() => boolean) | undefined;
  private readonly topBits4: number;
  private readonly topBits6: number;

  constructor(options: RouteTablesOptions = {}) {
    this.addAddrAllFibs = options.addAddrAllFibs ?? true;
    this.onChange = options.onChange;
    this.wantsEvents = options.wantsEvents;
    this.topBits4 = checkTopBits(options.ipv4TopBits ?? 19, 'ipv4TopBits');
    this.topBits6 = checkTopBits(options.ipv6TopBits ?? 18, 'ipv6TopBits');
    const count = options.fibs ?? 1;
    if (!Number.isInteger(count) || count < 1 || count > MAX_FIB + 1) throw new RouteError('fibs', `fibs must be an integer in 1..${MAX_FIB + 1}`);
    for (let i = 0; i < count; i++) this.createFib(i);
  }

  // ---- FIBs ----

  fibs(): number[] {
    return [...this.tables.keys()].sort((a, b) => a - b);
  }

  hasFib(fib: number): boolean {
    return this.tables.has(fib);
  }

  createFib(fib: number): void {
    if (!Number.isInteger(fib) || fib < 0 || fib > MAX_FIB) throw new RouteError('fib', `FIB id must be an integer in 0..${MAX_FIB}, got ${String(fib)}`);
    if (this.tables.has(fib)) throw new RouteError('fib', `FIB ${fib} already exists`);
    const table = new Fib(fib, this.topBits4, this.topBits6);
    this.tables.set(fib, table);
    this.tries4[fib] = table.v4.trie;
    this.tries6[fib] = table.v6.trie;
    this.batch(() => {
      for (const c of this.connected) {
        if (!c.allFibs) continue;
        this.add(fib, c.spec);
        c.fibs.add(fib);
      }
    });
  }

  deleteFib(fib: number): void {
    const table = this.requireFib(fib);
    if (fib === 0) throw new RouteError('fib', 'FIB 0 cannot be deleted');
    for (const family of [table.v4, table.v6]) {
      const store = family.store;
      for (let c = 0; c < store.chunkCount.length; c++) {
        for (let i = 0; i < store.chunkCount[c]; i++) {
          for (const r of this.readRoutes(store, store.entryAt(c, i))) this.hops.release(r.nextHop);
        }
      }
    }
    this.tables.delete(fib);
    this.tries4[fib] = undefined;
    this.tries6[fib] = undefined;
    for (const t of [table.v4.trie, table.v6.trie]) this.dirty.delete(t);
    for (const c of this.connected) c.fibs.delete(fib);
  }

  // ---- changes ----

  add(fib: number, route: RouteSpec): void {
    const table = this.requireFib(fib);
    const r = validateRoute(route);
    const family = r.family === 'ipv4' ? table.v4 : table.v6;
    const nextHop = this.acquireNextHop(r);
    const source = this.sourceId(r.source);
    const store = family.store;
    const pos = store.find(r.key, 0, r.prefixLength);
    const routes = pos < 0 ? [] : this.readRoutes(store, pos);
    const same = routes.findIndex((c) => c.source === source);
    const candidate = { source, nextHop, metric: r.metric };
    if (same >= 0) {
      this.hops.release(routes[same].nextHop);
      routes[same] = candidate;
    } else {
      routes.push(candidate);
    }
    this.commit(fib, r.family, family, r.key, r.prefixLength, pos, routes);
  }

  remove(fib: number, prefix: IpAddress, prefixLength: number, source?: string): boolean {
    const table = this.requireFib(fib);
    const key = validatePrefix(prefix, prefixLength);
    let sourceId = -1;
    if (source !== undefined) {
      const id = this.sourceIds.get(source);
      if (id === undefined) return false;
      sourceId = id;
    }
    return this.withdraw(fib, prefix.family, key, prefixLength, table, (c) => sourceId < 0 || c.source === sourceId);
  }

  addConnected(route: RouteSpec, ifaceFib: number, allFibs: boolean = this.addAddrAllFibs): Disposer {
    this.requireFib(ifaceFib);
    const spec: RouteSpec = { ...route, source: 'connected', flags: (route.flags ?? 0) | RouteFlags.CONNECTED };
    const valid = validateRoute(spec);
    const entry: ConnectedRoute = { spec, allFibs, fibs: new Set() };
    this.batch(() => {
      for (const fib of allFibs ? this.fibs() : [ifaceFib]) {
        this.add(fib, spec);
        entry.fibs.add(fib);
      }
    });
    this.connected.add(entry);
    const ifindex = valid.members[0].ifindex;
    return () => {
      if (!this.connected.delete(entry)) return;
      const connectedId = this.sourceId('connected');
      this.batch(() => {
        for (const fib of entry.fibs) {
          const table = this.tables.get(fib);
          if (table === undefined) continue;
          // Only this registration's route: another interface may have taken the prefix over since.
          this.withdraw(fib, valid.family, valid.key, valid.prefixLength, table, (c) => c.source === connectedId && this.hops.get(c.nextHop).ifindex === ifindex);
        }
      });
    };
  }

  removeInterface(ifindex: number): void {
    for (const c of [...this.connected]) if (c.spec.ifindex === ifindex) this.connected.delete(c);
    this.batch(() => {
      for (const table of this.tables.values()) {
        for (const [family, ft] of [['ipv4', table.v4], ['ipv6', table.v6]] as const) {
          for (const { key, length } of this.prefixesUsing(ft, ifindex)) {
            const pos = ft.store.find(key, 0, length);
            const routes: Candidate[] = [];
            for (const c of this.readRoutes(ft.store, pos)) {
              const kept = this.withoutInterface(c.nextHop, ifindex);
              if (kept >= 0) routes.push({ source: c.source, nextHop: kept, metric: c.metric });
              this.hops.release(c.nextHop);
            }
            this.commit(table.id, family, ft, key, length, pos, routes);
          }
        }
      }
    });
  }

  batch(fn: () => void): void {
    this.batchDepth++;
    try {
      fn();
    } finally {
      if (--this.batchDepth === 0) {
        // Publish whatever was applied, even when fn threw: the tables stay consistent.
        for (const trie of this.dirty) trie.flush();
        this.dirty.clear();
        const events = this.pending;
        this.pending = [];
        if (this.onChange !== undefined) for (const e of events) this.onChange(e);
      }
    }
  }

  // ---- lookups (no allocation) ----

  lookup4(fib: number, dst: number, flowHash = 0): number {
    const trie = this.tries4[fib];
    if (trie === undefined) return -1;
    const id = trieLookup4(trie, dst);
    return id >= GROUP_BASE ? this.hops.select(id, flowHash) : id;
  }

  lookup6(fib: number, bytes: Uint8Array, offset: number, flowHash = 0): number {
    const trie = this.tries6[fib];
    if (trie === undefined) return -1;
    const id = trieLookup6(trie, bytes, offset);
    return id >= GROUP_BASE ? this.hops.select(id, flowHash) : id;
  }

  /** Like {@link FibSet.lookup6}, for an address held as four big-endian 32-bit words at `words[offset..offset+4)`. */
  lookup6Words(fib: number, words: Uint32Array | Int32Array, offset: number, flowHash = 0): number {
    const trie = this.tries6[fib];
    if (trie === undefined) return -1;
    const id = trieLookup6Words(trie, words, offset);
    return id >= GROUP_BASE ? this.hops.select(id, flowHash) : id;
  }

  /**
   * Look up `count` IPv4 destinations; `out[i]` receives the next-hop id for `dsts[i]` or -1.
   * `flowHashes`, when given, selects ECMP members per destination.
   */
  lookup4Burst(fib: number, dsts: Uint32Array | Int32Array, out: Int32Array, count: number, flowHashes?: Uint32Array | Int32Array): void {
    const trie = this.tries4[fib];
    if (trie === undefined) {
      out.fill(-1, 0, count);
      return;
    }
    trieLookup4Burst(trie, dsts, out, count);
    for (let i = 0; i < count; i++) {
      if (out[i] >= GROUP_BASE) out[i] = this.hops.select(out[i], flowHashes === undefined ? 0 : flowHashes[i]);
    }
  }

  /**
   * Look up `count` IPv6 destinations stored 16 bytes apart in `addrs` (address i at `i * 16`).
   * `out[i]` receives the next-hop id or -1.
   */
  lookup6Burst(fib: number, addrs: Uint8Array, out: Int32Array, count: number, flowHashes?: Uint32Array | Int32Array): void {
    const trie = this.tries6[fib];
    if (trie === undefined) {
      out.fill(-1, 0, count);
      return;
    }
    for (let i = 0; i < count; i++) {
      const id = trieLookup6(trie, addrs, i << 4);
      out[i] = id >= GROUP_BASE ? this.hops.select(id, flowHashes === undefined ? 0 : flowHashes[i]) : id;
    }
  }

  nextHop(id: number): NextHop {
    return this.hops.get(id);
  }

  // ---- listings ----

  list(fib: number, family: AddressFamily): RouteInfo[] {
    const table = this.requireFib(fib);
    const ft = this.familyOf(table, family);
    const store = ft.store;
    const out: RouteInfo[] = [];
    for (let c = 0; c < store.chunkCount.length; c++) {
      for (let i = 0; i < store.chunkCount[c]; i++) {
        const pos = store.entryAt(c, i);
        const prefix = addressFromKey(family, store.data, pos);
        const length = store.lengthAt(pos);
        const routes = this.readRoutes(store, pos);
        for (let j = 0; j < routes.length; j++) out.push(this.info(fib, family, prefix, length, routes[j], j === 0));
      }
    }
    return out;
  }

  get(fib: number, dst: IpAddress): RouteInfo | null {
    const table = this.requireFib(fib);
    if (!(dst instanceof Ipv4Address) && !(dst instanceof Ipv6Address)) throw new RouteError('dst', 'destination must be an Ipv4Address or Ipv6Address');
    const ft = this.familyOf(table, dst.family);
    const pos = ft.store.findCovering(addressKey(dst), 0, ft.store.maxLength);
    if (pos < 0) return null;
    const store = ft.store;
    const route = { source: store.sourceAt(pos), nextHop: store.nextHopAt(pos), metric: store.metricAt(pos) };
    return this.info(fib, dst.family, addressFromKey(dst.family, store.data, pos), store.lengthAt(pos), route, true);
  }

  /** Number of prefixes of a family in a FIB. */
  size(fib: number, family: AddressFamily): number {
    return this.familyOf(this.requireFib(fib), family).store.size;
  }

  /** Typed-array bytes of one FIB. */
  memory(fib: number): FibMemory {
    const t = this.requireFib(fib);
    return {
      lookup4: t.v4.trie.byteLength(),
      lookup6: t.v6.trie.byteLength(),
      control4: t.v4.store.byteLength(),
      control6: t.v6.store.byteLength(),
    };
  }

  // ---- internals ----

  private requireFib(fib: number): Fib {
    const table = this.tables.get(fib);
    if (table === undefined) throw new RouteError('fib', `no FIB ${String(fib)}`);
    return table;
  }

  private familyOf(table: Fib, family: AddressFamily): FamilyTable {
    if (family === 'ipv4') return table.v4;
    if (family === 'ipv6') return table.v6;
    throw new RouteError('family', `unknown address family ${String(family)}`);
  }

  private sourceId(name: string): number {
    let id = this.sourceIds.get(name);
    if (id === undefined) {
      id = this.sourceNames.length;
      this.sourceNames.push(name);
      this.sourceIds.set(name, id);
    }
    return id;
  }

  private acquireNextHop(r: ValidRoute): number {
    const ids = r.members.map((m) => this.hops.acquire({ family: r.family, gateway: m.gateway, ifindex: m.ifindex, flags: r.flags, mtu: r.mtu }));
    if (ids.length === 1) return ids[0];
    return this.hops.acquireGroup(
      ids,
      r.members.map((m) => m.weight),
    );
  }

  /** The next hop without the members on `ifindex` (a new reference), or -1 when nothing is left. */
  private withoutInterface(id: number, ifindex: number): number {
    if (id < GROUP_BASE) {
      if (this.hops.get(id).ifindex === ifindex) return -1;
      this.hops.retain(id);
      return id;
    }
    const members = this.hops.members(id);
    const weights = this.hops.weights(id);
    const kept: number[] = [];
    const keptWeights: number[] = [];
    for (let i = 0; i < members.length; i++) {
      if (this.hops.get(members[i]).ifindex === ifindex) continue;
      kept.push(members[i]);
      keptWeights.push(weights[i]);
    }
    if (kept.length === 0) return -1;
    for (const m of kept) this.hops.retain(m);
    return kept.length === 1 ? kept[0] : this.hops.acquireGroup(kept, keptWeights);
  }

  private usesInterface(id: number, ifindex: number): boolean {
    if (id < GROUP_BASE) return this.hops.get(id).ifindex === ifindex;
    const members = this.hops.members(id);
    for (let i = 0; i < members.length; i++) if (this.hops.get(members[i]).ifindex === ifindex) return true;
    return false;
  }

  /** Prefixes with a route through `ifindex` (keys copied: the store moves entries as it changes). */
  private prefixesUsing(ft: FamilyTable, ifindex: number): { key: Int32Array; length: number }[] {
    const store = ft.store;
    const found: { key: Int32Array; length: number }[] = [];
    for (let c = 0; c < store.chunkCount.length; c++) {
      for (let i = 0; i < store.chunkCount[c]; i++) {
        const pos = store.entryAt(c, i);
        if (this.readRoutes(store, pos).some((r) => this.usesInterface(r.nextHop, ifindex))) {
          found.push({ key: store.data.slice(pos, pos + store.words), length: store.lengthAt(pos) });
        }
      }
    }
    return found;
  }

  private withdraw(fib: number, family: AddressFamily, key: Int32Array, length: number, table: Fib, drop: (c: Candidate) => boolean): boolean {
    const ft = family === 'ipv4' ? table.v4 : table.v6;
    const pos = ft.store.find(key, 0, length);
    if (pos < 0) return false;
    const routes = this.readRoutes(ft.store, pos);
    const kept = routes.filter((c) => !drop(c));
    if (kept.length === routes.length) return false;
    for (const c of routes) if (drop(c)) this.hops.release(c.nextHop);
    this.commit(fib, family, ft, key, length, pos, kept);
    return true;
  }

  /** Every route to a prefix: the installed one first, then the others in preference order. */
  private readRoutes(store: FamilyTable['store'], pos: number): Candidate[] {
    const routes: Candidate[] = [{ source: store.sourceAt(pos), nextHop: store.nextHopAt(pos), metric: store.metricAt(pos) }];
    for (let x = store.moreAt(pos); x >= 0; x = store.extras[x * 4 + 3]) {
      routes.push({ source: store.extras[x * 4], nextHop: store.extras[x * 4 + 1], metric: store.extras[x * 4 + 2] });
    }
    return routes;
  }

  /** Lower metric wins, then connected before static before other sources, then source name. */
  private prefer(a: Candidate, b: Candidate): number {
    if (a.metric !== b.metric) return a.metric - b.metric;
    const ra = sourceRank(this.sourceNames[a.source]);
    const rb = sourceRank(this.sourceNames[b.source]);
    if (ra !== rb) return ra - rb;
    const na = this.sourceNames[a.source];
    const nb = this.sourceNames[b.source];
    return na < nb ? -1 : na > nb ? 1 : 0;
  }

  /**
   * Store the new route set of one prefix (`pos` is its entry or -1), then update the lookup trie
   * if the installed next hop changed, and report the change.
   */
  private commit(fib: number, family: AddressFamily, ft: FamilyTable, key: Int32Array, length: number, pos: number, routes: Candidate[]): void {
    const store = ft.store;
    if (pos >= 0) {
      for (let x = store.moreAt(pos); x >= 0; ) {
        const next = store.extras[x * 4 + 3];
        store.freeExtra(x);
        x = next;
      }
    }
    if (routes.length === 0) {
      if (pos < 0) return;
      store.remove(pos);
      this.touch(ft.trie, key, length);
      this.report(fib, family, key, length, 'DELETE');
      return;
    }
    routes.sort((a, b) => this.prefer(a, b));
    const best = routes[0];
    let more = -1;
    for (let i = routes.length - 1; i > 0; i--) more = store.allocExtra(routes[i].source, routes[i].nextHop, routes[i].metric, more);
    if (pos < 0) {
      const at = store.insert(key, 0, length);
      store.setRoute(at, best.source, best.nextHop, best.metric, more);
      this.touch(ft.trie, key, length);
      this.report(fib, family, key, length, 'ADD');
      return;
    }
    const changedHop = store.nextHopAt(pos) !== best.nextHop;
    const changed = changedHop || store.sourceAt(pos) !== best.source || store.metricAt(pos) !== best.metric;
    store.setRoute(pos, best.source, best.nextHop, best.metric, more);
    if (changedHop) this.touch(ft.trie, key, length);
    if (changed) this.report(fib, family, key, length, 'CHANGE');
  }

  private touch(trie: LpmTrie, key: Int32Array, length: number): void {
    if (this.batchDepth > 0) {
      trie.markDirty(key, 0, length);
      this.dirty.add(trie);
    } else {
      trie.update(key, 0, length);
    }
  }

  private report(fib: number, family: AddressFamily, key: Int32Array, length: number, type: RouteChangeEvent['type']): void {
    if (this.onChange === undefined || (this.wantsEvents !== undefined && !this.wantsEvents())) return;
    const event: RouteChangeEvent = {
      system: 'ROUTE',
      subsystem: `fib${fib}`,
      type,
      fib,
      family,
      prefix: addressFromKey(family, key, 0).toString(),
      prefixLength: length,
    };
    if (this.batchDepth > 0) this.pending.push(event);
    else this.onChange(event);
  }

  private info(fib: number, family: AddressFamily, prefix: IpAddress, prefixLength: number, route: Candidate, installed: boolean): RouteInfo {
    const ids = route.nextHop >= GROUP_BASE ? [...this.hops.members(route.nextHop)] : [route.nextHop];
    const weights = route.nextHop >= GROUP_BASE ? this.hops.weights(route.nextHop) : null;
    const first = this.hops.get(ids[0]);
    return {
      fib,
      family,
      prefix,
      prefixLength,
      gateway: first.gateway,
      ifindex: first.ifindex,
      flags: first.flags,
      metric: route.metric,
      source: this.sourceNames[route.source],
      mtu: first.mtu,
      installed,
      multipath: ids.slice(1).map((id, i) => {
        const hop = this.hops.get(id);
        return { gateway: hop.gateway, ifindex: hop.ifindex, weight: weights === null ? 1 : weights[i + 1] };
      }),
    };
  }
}

function sourceRank(name: string): number {
  return name === 'connected' ? 0 : name === 'static' ? 1 : 2;
}

function checkTopBits(bits: number, field: string): number {
  if (!Number.isInteger(bits) || bits < 8 || bits > 24) throw new RouteError(field, `${field} must be an integer in 8..24`);
  return bits;
}

/**
 * Create a set of FIBs (FIB 0, or `options.fibs` of them) usable without a Stack.
 * @public
 */
export function createRouteTables(options: RouteTablesOptions = {}): FibSet {
  return new FibSet(options);
}
