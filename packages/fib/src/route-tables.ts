import { Ipv4Address, Ipv6Address, RouteError, RouteFlags } from '@stack/core';
import type { AddressFamily, Disposer, IpAddress, NextHop, RouteChangeEvent, RouteInfo, RouteSpec, RouteTables } from '@stack/core';
import type { FamilyTable } from './family-table.js';
import { Fib } from './fib.js';
import type { LookupTrie } from './lookup-trie.js';
import { GROUP_BASE, NextHopTable } from './next-hops.js';
import { RouteSetTable, type RouteCandidate } from './route-sets.js';
import { maskWord } from './bits.js';
import { addressFromKey, addressKey, validatePrefix, validateRoute, type ValidRoute } from './route-spec.js';
import { trieLookup4, trieLookup4Burst, trieLookup6, trieLookup6Burst, trieLookup6Words } from './trie-lookup.js';
import { LookupModules } from './lookup-memory.js';
import { nativeLookup4, nativeLookup4Burst, nativeLookup6Burst } from './native-lookup.js';

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
  /**
   * Where lookups run: `'wasm'` (the default), WebAssembly code generated for the tables, which
   * falls back to JavaScript where the runtime has no WebAssembly or refuses another memory; or
   * `'js'`, JavaScript only.
   */
  readonly lookupEngine?: 'wasm' | 'js';
}

/**
 * Typed-array bytes of one FIB.
 * @public
 */
export interface FibMemory {
  /** What lookups read (trie arrays), per family. */
  readonly lookup4: number;
  readonly lookup6: number;
  /** The control plane (prefix store, control trie, leaf codes), per family. */
  readonly control4: number;
  readonly control6: number;
}

/** A connected route registration, replayed into FIBs created later. */
interface ConnectedRoute {
  readonly spec: RouteSpec;
  readonly allFibs: boolean;
  readonly fibs: Set<number>;
}

const MAX_FIB = 0xffff;

/** `count` cut to the destinations and output slots there are (0 for a negative or NaN count). */
function burstCount(count: number, inputs: number, outputs: number): number {
  const n = count < inputs ? count : inputs;
  return n < outputs ? (n > 0 ? n | 0 : 0) : outputs;
}

/**
 * Many FIBs holding IPv4 and IPv6 routes, with allocation-free longest-prefix-match lookups.
 * Create one with {@link createRouteTables}.
 * @public
 */
export class FibSet implements RouteTables {
  /** Next hops and ECMP groups, shared by every FIB. */
  private readonly hops = new NextHopTable();
  /** Interned per-prefix route sets, shared by every FIB. */
  private readonly sets = new RouteSetTable(this.hops);
  private readonly tables = new Map<number, Fib>();
  /** Lookup tries by FIB id, for the lookup paths (holes for absent FIBs). */
  private readonly tries4: (LookupTrie | undefined)[] = [];
  private readonly tries6: (LookupTrie | undefined)[] = [];
  private readonly sourceNames: string[] = [];
  private readonly sourceIds = new Map<string, number>();
  private readonly connected = new Set<ConnectedRoute>();
  private readonly dirty = new Set<FamilyTable>();
  private pending: RouteChangeEvent[] = [];
  private batchDepth = 0;
  private readonly addAddrAllFibs: boolean;
  private readonly onChange: ((event: RouteChangeEvent) => void) | undefined;
  private readonly wantsEvents: (() => boolean) | undefined;
  private readonly topBits4: number;
  private readonly topBits6: number;
  /** Compiled lookup code, or null for JavaScript lookups only. */
  private readonly modules: LookupModules | null;
  private readonly found = new Int32Array(1);
  /** Scratch prefix keys for `add` (IPv4, IPv6); `add` does not keep them past its own call. */
  private readonly keys: [Int32Array, Int32Array] = [new Int32Array(1), new Int32Array(4)];

  constructor(options: RouteTablesOptions = {}) {
    this.addAddrAllFibs = options.addAddrAllFibs ?? true;
    this.onChange = options.onChange;
    this.wantsEvents = options.wantsEvents;
    this.topBits4 = checkTopBits(options.ipv4TopBits ?? 19, 'ipv4TopBits');
    this.topBits6 = checkTopBits(options.ipv6TopBits ?? 18, 'ipv6TopBits');
    const engine = options.lookupEngine ?? 'wasm';
    if (engine !== 'wasm' && engine !== 'js') throw new RouteError('lookupEngine', `lookupEngine must be 'wasm' or 'js', got ${String(engine)}`);
    this.modules = engine === 'wasm' ? new LookupModules() : null;
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
    const table = new Fib(fib, this.topBits4, this.topBits6, this.sets, this.modules);
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
    for (const family of [table.v4, table.v6]) family.forEach((_key, _length, set) => this.sets.release(set));
    this.tables.delete(fib);
    this.tries4[fib] = undefined;
    this.tries6[fib] = undefined;
    this.dirty.delete(table.v4);
    this.dirty.delete(table.v6);
    for (const c of this.connected) c.fibs.delete(fib);
  }

  // ---- changes ----

  add(fib: number, route: RouteSpec): void {
    const table = this.requireFib(fib);
    const r = validateRoute(route, this.keys);
    const ft = r.family === 'ipv4' ? table.v4 : table.v6;
    const nextHop = this.acquireNextHop(r);
    try {
      const source = this.sourceId(r.source);
      const old = ft.find(r.key, r.prefixLength);
      const routes: RouteCandidate[] = old < 0 ? [] : [...this.sets.routes(old)];
      const candidate = { source, nextHop, metric: r.metric };
      const same = routes.findIndex((c) => c.source === source);
      if (same >= 0) routes[same] = candidate;
      else routes.push(candidate);
      this.commit(fib, r.family, ft, r.key, r.prefixLength, old, routes);
    } finally {
      this.hops.release(nextHop);
    }
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
            const old = ft.find(key, length);
            const routes: RouteCandidate[] = [];
            const held: number[] = [];
            for (const c of this.sets.routes(old)) {
              const kept = this.withoutInterface(c.nextHop, ifindex);
              if (kept < 0) continue;
              held.push(kept);
              routes.push({ source: c.source, nextHop: kept, metric: c.metric });
            }
            try {
              this.commit(table.id, family, ft, key, length, old, routes);
            } finally {
              for (const id of held) this.hops.release(id);
            }
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
        for (const ft of this.dirty) {
          ft.flush();
          ft.deferred = false;
        }
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
    const id = trie.memory.fns !== null ? nativeLookup4(trie, dst) : trieLookup4(trie, dst);
    return id >= GROUP_BASE ? this.hops.select(id, flowHash) : id;
  }

  lookup6(fib: number, bytes: Uint8Array, offset: number, flowHash = 0): number {
    const trie = this.tries6[fib];
    if (trie === undefined) return -1;
    // Single IPv6 lookups stay in JavaScript: copying the address in costs more than WebAssembly saves.
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
    // A count beyond either array is cut to what both hold (both engines alike, never a throw).
    count = burstCount(count, dsts.length, out.length);
    const trie = this.tries4[fib];
    if (trie === undefined) {
      out.fill(-1, 0, count);
      return;
    }
    if (trie.memory.fns !== null) nativeLookup4Burst(trie, dsts, out, count);
    else trieLookup4Burst(trie, dsts, out, count);
    if (trie.codes.groups > 0) this.selectMembers(out, count, flowHashes);
  }

  /**
   * Look up `count` IPv6 destinations stored 16 bytes apart in `addrs` (address i at `i * 16`).
   * `out[i]` receives the next-hop id or -1.
   */
  lookup6Burst(fib: number, addrs: Uint8Array, out: Int32Array, count: number, flowHashes?: Uint32Array | Int32Array): void {
    count = burstCount(count, addrs.length >>> 4, out.length);
    const trie = this.tries6[fib];
    if (trie === undefined) {
      out.fill(-1, 0, count);
      return;
    }
    if (trie.memory.fns !== null) nativeLookup6Burst(trie, addrs, out, count);
    else trieLookup6Burst(trie, addrs, out, count);
    if (trie.codes.groups > 0) this.selectMembers(out, count, flowHashes);
  }

  nextHop(id: number): NextHop {
    return this.hops.get(id);
  }

  // ---- listings ----

  list(fib: number, family: AddressFamily): RouteInfo[] {
    const ft = this.familyOf(this.requireFib(fib), family);
    const out: RouteInfo[] = [];
    ft.forEach((key, length, set) => {
      const prefix = addressFromKey(family, key, 0);
      const routes = this.sets.routes(set);
      for (let j = 0; j < routes.length; j++) out.push(this.info(fib, family, prefix, length, routes[j], j === 0));
    });
    return out;
  }

  get(fib: number, dst: IpAddress): RouteInfo | null {
    const table = this.requireFib(fib);
    if (!(dst instanceof Ipv4Address) && !(dst instanceof Ipv6Address)) throw new RouteError('dst', 'destination must be an Ipv4Address or Ipv6Address');
    const ft = this.familyOf(table, dst.family);
    const key = addressKey(dst);
    const set = ft.covering(key, this.found);
    if (set < 0) return null;
    const length = this.found[0];
    for (let w = 0; w < key.length; w++) key[w] = maskWord(key[w], w, length);
    return this.info(fib, dst.family, addressFromKey(dst.family, key, 0), length, this.sets.best(set), true);
  }

  /** Number of prefixes of a family in a FIB. */
  size(fib: number, family: AddressFamily): number {
    return this.familyOf(this.requireFib(fib), family).size;
  }

  /** Typed-array bytes of one FIB. */
  memory(fib: number): FibMemory {
    const t = this.requireFib(fib);
    const v4 = t.v4.byteLength();
    const v6 = t.v6.byteLength();
    return { lookup4: v4.lookup, lookup6: v6.lookup, control4: v4.control, control6: v6.control };
  }

  // ---- internals ----

  private selectMembers(out: Int32Array, count: number, flowHashes: Uint32Array | Int32Array | undefined): void {
    for (let i = 0; i < count; i++) {
      if (out[i] >= GROUP_BASE) out[i] = this.hops.select(out[i], flowHashes === undefined ? 0 : flowHashes[i]);
    }
  }

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
    if (r.members.length === 1) {
      const m = r.members[0];
      return this.hops.acquire({ family: r.family, gateway: m.gateway, ifindex: m.ifindex, flags: r.flags, mtu: r.mtu });
    }
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

  /** Prefixes with a route through `ifindex` (keys copied: the tables change as they are withdrawn). */
  private prefixesUsing(ft: FamilyTable, ifindex: number): { key: Int32Array; length: number }[] {
    const found: { key: Int32Array; length: number }[] = [];
    const verdict = new Map<number, boolean>();
    ft.forEach((key, length, set) => {
      let uses = verdict.get(set);
      if (uses === undefined) {
        uses = this.sets.routes(set).some((r) => this.usesInterface(r.nextHop, ifindex));
        verdict.set(set, uses);
      }
      if (uses) found.push({ key: key.slice(), length });
    });
    return found;
  }

  private withdraw(fib: number, family: AddressFamily, key: Int32Array, length: number, table: Fib, drop: (c: RouteCandidate) => boolean): boolean {
    const ft = family === 'ipv4' ? table.v4 : table.v6;
    const old = ft.find(key, length);
    if (old < 0) return false;
    const routes = this.sets.routes(old);
    const kept = routes.filter((c) => !drop(c));
    if (kept.length === routes.length) return false;
    this.commit(fib, family, ft, key, length, old, kept);
    return true;
  }

  /** Lower metric wins, then connected before static before other sources, then source name. */
  private prefer(a: RouteCandidate, b: RouteCandidate): number {
    if (a.metric !== b.metric) return a.metric - b.metric;
    const ra = sourceRank(this.sourceNames[a.source]);
    const rb = sourceRank(this.sourceNames[b.source]);
    if (ra !== rb) return ra - rb;
    const na = this.sourceNames[a.source];
    const nb = this.sourceNames[b.source];
    return na < nb ? -1 : na > nb ? 1 : 0;
  }

  /**
   * Give a prefix (whose current set is `old`, -1 for none) the routes `routes`: intern them as a
   * set, apply it to the table (lookup structure included, or deferred inside a batch), and report
   * the change of the installed route.
   */
  private commit(fib: number, family: AddressFamily, ft: FamilyTable, key: Int32Array, length: number, old: number, routes: RouteCandidate[]): void {
    if (this.batchDepth > 0 && !ft.deferred) {
      ft.deferred = true;
      this.dirty.add(ft);
    }
    if (routes.length === 0) {
      if (old < 0) return;
      ft.replace(key, length, -1);
      this.sets.release(old);
      this.report(fib, family, key, length, 'DELETE');
      return;
    }
    routes.sort((a, b) => this.prefer(a, b));
    const set = this.sets.intern(routes);
    if (set === old) {
      this.sets.release(set);
      return;
    }
    try {
      ft.replace(key, length, set);
    } catch (e) {
      this.sets.release(set);
      throw e;
    }
    if (old < 0) {
      this.report(fib, family, key, length, 'ADD');
      return;
    }
    const before = this.sets.best(old);
    const after = this.sets.best(set);
    const changed = before.nextHop !== after.nextHop || before.source !== after.source || before.metric !== after.metric;
    this.sets.release(old);
    if (changed) this.report(fib, family, key, length, 'CHANGE');
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

  private info(fib: number, family: AddressFamily, prefix: IpAddress, prefixLength: number, route: RouteCandidate, installed: boolean): RouteInfo {
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
