// @stack/fib benchmark: build time, lookup-structure memory, lookups/s (uniformly random addresses
// and addresses inside table prefixes), update latency under churn, the cost of the widest single
// changes, and 16 full FIBs — on the real Tier-1 table and on a synthetic table with the real
// prefix-length mix. Beside ours, in the same run: a plain DIR-24-8 written here (the speed
// reference, IPv4 only; its rounds alternate with ours so both see the same machine) and the npm
// package `longest-prefix-match` (the ecosystem reference). Figures are printed, never asserted;
// the last section compares them with the aims of the issue.
import { readFileSync, existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { Ipv4Address, Ipv6Address, parsePrefix, formatIpv4 } from '@stack/core';
import { createRouteTables, type FibSet } from '@stack/fib';
import { machineLine, median } from './machine.js';

const COMMAND = 'cd /work/main && node --expose-gc --conditions=@stack/source --import tsx tools/bench/src/fib-bench.ts';
const LOOKUPS = 1 << 22;
const LPM_LOOKUPS = 20_000;
const CHURN_OPS = 50_000;
const WARMUP_OPS = 10_000;
const ROUNDS = 7;
const WIDE_REPEATS = 5;
const GATEWAYS = 8;

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const dataFile = resolve(repoRoot, '../shared/data/tier1-prefixes.txt.gz');

interface Table {
  readonly name: string;
  readonly v4: Uint32Array;
  readonly len4: Uint8Array;
  readonly v6: Ipv6Address[];
  readonly len6: Uint8Array;
}

// ---- deterministic random numbers (xorshift32) ----
let seed = 0x9e3779b9;
function rand32(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed >>> 0;
}
function randBelow(n: number): number {
  return Math.floor((rand32() / 4294967296) * n);
}

// ---- tables ----

function loadTier1(): Table {
  if (!existsSync(dataFile)) throw new Error(`Tier-1 table not found at ${dataFile}`);
  const lines = gunzipSync(readFileSync(dataFile)).toString('latin1').split(/\r?\n/);
  const v4: number[] = [];
  const len4: number[] = [];
  const v6: Ipv6Address[] = [];
  const len6: number[] = [];
  for (const line of lines) {
    if (line === '') continue;
    const p = parsePrefix(line);
    if (p.address.family === 'ipv4') {
      v4.push(p.address.value);
      len4.push(p.prefixLength);
    } else {
      v6.push(p.address);
      len6.push(p.prefixLength);
    }
  }
  return { name: 'Tier-1', v4: Uint32Array.from(v4), len4: Uint8Array.from(len4), v6, len6: Uint8Array.from(len6) };
}

/** Draw a length from a mix of [share, lengths] (a range of lengths shares its weight evenly). */
function drawLength(mix: readonly (readonly [number, readonly number[]])[]): number {
  let r = (rand32() / 4294967296) * mix.reduce((s, [w]) => s + w, 0);
  for (const [w, lens] of mix) {
    if (r < w) return lens[randBelow(lens.length)];
    r -= w;
  }
  return mix[0][1][0];
}
const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

// Prefix-length mix from ../shared/data/README.md. For IPv6 the listed shares sum to 93.9 %; the
// other 6.1 % is spread over the unlisted lengths 16..47.
const MIX4 = [
  [59.6, [24]], [12.0, [22]], [10.7, [23]], [5.6, [21]], [4.7, [20]], [2.8, [19]], [1.5, [18]],
  [1.5, [16]], [0.9, [17]], [0.5, range(8, 15)], [0.1, range(25, 32)],
] as const;
const MIX6 = [
  [47.1, [48]], [14.1, [32]], [9.0, [44]], [8.4, [40]], [3.7, [36]], [2.7, [29]], [2.0, [47]], [1.9, [46]],
  [1.8, [33]], [1.6, [34]], [1.4, [42]], [0.2, [...range(49, 64), 128]],
  [6.1, [...range(16, 28), 30, 31, 35, 37, 38, 39, 41, 43, 45]],
] as const;
/** First 16 bits of the IPv6 space the registries actually allocate from. */
const V6_BLOCKS = [0x2001, 0x2400, 0x2401, 0x2402, 0x2403, 0x2404, 0x2405, 0x2406, 0x2407, 0x2600, 0x2601, 0x2602, 0x2603, 0x2604, 0x2605, 0x2606, 0x2607, 0x2800, 0x2801, 0x2803, 0x2804, 0x2a00, 0x2a01, 0x2a02, 0x2a03, 0x2a04, 0x2a05, 0x2a06, 0x2a07, 0x2a09, 0x2a0a, 0x2a0b, 0x2a0c, 0x2a0d, 0x2a0e, 0x2a0f, 0x2a10, 0x2a11, 0x2a12, 0x2a13, 0x2a14, 0x2c0f];

function maskV4(v: number, len: number): number {
  return len === 0 ? 0 : (v & (-1 << (32 - len))) >>> 0;
}

function synthetic(count4: number, count6: number): Table {
  const seen4 = new Set<number>();
  const v4: number[] = [];
  const len4: number[] = [];
  while (v4.length < count4) {
    const len = drawLength(MIX4);
    const addr = maskV4((0x01000000 + randBelow(0xdf000000)) >>> 0, len);
    const id = addr * 64 + len;
    if (seen4.has(id)) continue;
    seen4.add(id);
    v4.push(addr);
    len4.push(len);
  }
  const seen6 = new Set<string>();
  const v6: Ipv6Address[] = [];
  const len6: number[] = [];
  while (v6.length < count6) {
    const len = drawLength(MIX6);
    const w = [((V6_BLOCKS[randBelow(V6_BLOCKS.length)] << 16) | (rand32() & 0xffff)) >>> 0, rand32(), rand32(), rand32()];
    for (let i = 0; i < 4; i++) {
      const keep = len - i * 32;
      w[i] = keep >= 32 ? w[i] : keep <= 0 ? 0 : (w[i] & (-1 << (32 - keep))) >>> 0;
    }
    const id = `${w.join(',')}/${len}`;
    if (seen6.has(id)) continue;
    seen6.add(id);
    v6.push(Ipv6Address.fromWords(w[0], w[1], w[2], w[3]));
    len6.push(len);
  }
  return { name: 'synthetic', v4: Uint32Array.from(v4), len4: Uint8Array.from(len4), v6, len6: Uint8Array.from(len6) };
}

// ---- address sets ----

function random4(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = rand32();
  return out;
}
function inside4(t: Table, n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const j = randBelow(t.v4.length);
    const len = t.len4[j];
    out[i] = len === 0 ? rand32() : (t.v4[j] | (len === 32 ? 0 : rand32() >>> len)) >>> 0;
  }
  return out;
}
function random6(n: number): Uint8Array {
  const out = new Uint8Array(n * 16);
  for (let i = 0; i < out.length; i += 4) new DataView(out.buffer).setUint32(i, rand32());
  return out;
}
function inside6(t: Table, n: number): Uint8Array {
  const out = new Uint8Array(n * 16);
  for (let i = 0; i < n; i++) {
    const j = randBelow(t.v6.length);
    const len = t.len6[j];
    out.set(t.v6[j].bytes, i * 16);
    for (let b = len; b < 128; b++) if (rand32() & 1) out[i * 16 + (b >> 3)] |= 0x80 >> (b & 7);
  }
  return out;
}

// ---- the DIR-24-8 reference (Gupta, Lin, McKeown 1998): 2^24 first-level entries, 256-entry second level ----

class Dir248 {
  readonly tbl24 = new Int32Array(1 << 24);
  tbl8 = new Int32Array(256 * 1024);
  private chunks = 0;

  /** Values are next-hop + 1 (0 = none); bit 31 set = index of a tbl8 chunk. */
  constructor(addrs: Uint32Array, lens: Uint8Array, values: Int32Array) {
    const order = Array.from(addrs.keys()).sort((a, b) => lens[a] - lens[b]);
    for (const i of order) {
      const a = addrs[i];
      const len = lens[i];
      const v = values[i] + 1;
      if (len <= 24) {
        this.tbl24.fill(v, a >>> 8, (a >>> 8) + 2 ** (24 - len));
        continue;
      }
      let e = this.tbl24[a >>> 8];
      if (e >= 0) {
        if ((this.chunks + 1) * 256 > this.tbl8.length) {
          const grown = new Int32Array(this.tbl8.length * 2);
          grown.set(this.tbl8);
          this.tbl8 = grown;
        }
        this.tbl8.fill(e, this.chunks * 256, this.chunks * 256 + 256);
        e = this.tbl24[a >>> 8] = this.chunks++ | 0x80000000;
      }
      const base = (e & 0x7fffffff) * 256 + (a & 255);
      this.tbl8.fill(v, base, base + 2 ** (32 - len));
    }
  }

  lookup(dst: number): number {
    const e = this.tbl24[dst >>> 8];
    return (e >= 0 ? e : this.tbl8[((e & 0x7fffffff) << 8) | (dst & 255)]) - 1;
  }

  burst(dsts: Uint32Array, out: Int32Array, count: number): void {
    const tbl24 = this.tbl24;
    const tbl8 = this.tbl8;
    for (let i = 0; i < count; i++) {
      const d = dsts[i];
      const e = tbl24[d >>> 8];
      out[i] = (e >= 0 ? e : tbl8[((e & 0x7fffffff) << 8) | (d & 255)]) - 1;
    }
  }

  bytes(): number {
    return this.tbl24.byteLength + this.chunks * 256 * 4;
  }
}

// ---- longest-prefix-match (npm) ----

interface Lpm {
  addPrefix(prefix: string, data: unknown): void;
  getMatch(prefix: string, all?: boolean): unknown[];
}
const LongestPrefixMatch = createRequire(import.meta.url)('longest-prefix-match') as new () => Lpm;

// ---- measuring ----

function now(): number {
  return performance.now();
}
/** Median rate in million per second over ROUNDS runs of `fn` doing `n` operations. */
function rate(n: number, fn: () => void): number {
  return rates(n, [fn])[0];
}
/** Median rates of several functions doing `n` operations each, their rounds interleaved. */
function rates(n: number, fns: readonly (() => void)[]): number[] {
  for (const fn of fns) fn();
  const all = fns.map((): number[] => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (let f = 0; f < fns.length; f++) {
      const t0 = now();
      fns[f]();
      all[f].push(n / (now() - t0) / 1000);
    }
  }
  return all.map(median);
}
function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
const mib = (b: number): string => (b / 2 ** 20).toFixed(1) + ' MiB';
const mps = (r: number): string => (r >= 10 ? r.toFixed(1) : r.toPrecision(3)) + ' M/s';
function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}
function row(cells: readonly string[]): void {
  console.log('| ' + cells.join(' | ') + ' |');
}

const gateways4 = Array.from({ length: GATEWAYS }, (_, i) => new Ipv4Address(0xc0000201 + i));
const gateways6 = Array.from({ length: GATEWAYS }, (_, i) => Ipv6Address.fromWords(0x20010db8, 0, 0, i + 1));

function addAll(t: FibSet, fib: number, table: Table, prefixes4: Ipv4Address[]): void {
  t.batch(() => {
    for (let i = 0; i < prefixes4.length; i++) t.add(fib, { prefix: prefixes4[i], prefixLength: table.len4[i], gateway: gateways4[i % GATEWAYS], ifindex: 1 });
  });
}
function addAll6(t: FibSet, fib: number, table: Table): void {
  t.batch(() => {
    for (let i = 0; i < table.v6.length; i++) t.add(fib, { prefix: table.v6[i], prefixLength: table.len6[i], gateway: gateways6[i % GATEWAYS], ifindex: 1 });
  });
}

/** Build time and random / in-prefix lookup rates of the npm package, on a table of `size` prefixes added by `add`. */
function benchLpm(size: number, add: (lpm: Lpm, i: number) => void, rnd: readonly string[], inside: readonly string[]): [number, number, number] {
  const lpm = new LongestPrefixMatch();
  const t0 = now();
  for (let i = 0; i < size; i++) add(lpm, i);
  const build = now() - t0;
  return [build, rate(LPM_LOOKUPS, () => rnd.forEach((s) => lpm.getMatch(s))), rate(LPM_LOOKUPS, () => inside.forEach((s) => lpm.getMatch(s)))];
}

/** Burst rates of the same table in a FibSet with JavaScript lookups (IPv4 random, in-prefix; IPv6 random, in-prefix). */
function benchJsEngine(table: Table, prefixes4: Ipv4Address[], sets: readonly [Uint32Array, Uint32Array, Uint8Array, Uint8Array], out: Int32Array): { rnd4: number; in4: number; rnd6: number; in6: number } {
  const fib = createRouteTables({ lookupEngine: 'js' });
  addAll(fib, 0, table, prefixes4);
  addAll6(fib, 0, table);
  const [rnd4, in4, rnd6, in6] = sets;
  const n6 = rnd6.length >> 4;
  return {
    rnd4: rate(LOOKUPS, () => fib.lookup4Burst(0, rnd4, out, LOOKUPS)),
    in4: rate(LOOKUPS, () => fib.lookup4Burst(0, in4, out, LOOKUPS)),
    rnd6: rate(n6, () => fib.lookup6Burst(0, rnd6, out, n6)),
    in6: rate(n6, () => fib.lookup6Burst(0, in6, out, n6)),
  };
}

/** Churn: remove a random prefix of the table and add it back, timing each operation alone. */
function churn(t: FibSet, ops: number, remove: (i: number) => void, add: (i: number) => void, size: number): Float64Array {
  const lat = new Float64Array(ops);
  for (let k = 0; k < ops; k += 2) {
    const i = randBelow(size);
    let t0 = now();
    remove(i);
    lat[k] = now() - t0;
    t0 = now();
    add(i);
    lat[k + 1] = now() - t0;
  }
  return lat.sort();
}

/** What one table's run measured, for the summary against the aims. */
interface TableResult {
  readonly name: string;
  readonly build4: number;
  readonly mem4: number;
  readonly dirMem: number;
  readonly in4: number;
  readonly dirIn: number;
  readonly rnd4: number;
  readonly dirRnd: number;
  readonly lpm4: readonly [number, number];
  readonly in6: number;
  readonly p99: readonly [number, number];
  readonly wide: readonly [number, number];
}

/**
 * The widest single changes: a default route, and the table's shortest prefix changing its next
 * hop (both reach every top-level chunk under them). The best of WIDE_REPEATS, so that the figure
 * is the work itself rather than the machine's scheduling.
 */
function wideChanges(fib: FibSet, family: 'ipv4' | 'ipv6', table: Table): { label: string; ms: number }[] {
  const defaultRoute = family === 'ipv4' ? new Ipv4Address(0) : Ipv6Address.fromWords(0, 0, 0, 0);
  const gw = (i: number) => (family === 'ipv4' ? gateways4[i] : gateways6[i]);
  let shortest = 0;
  const lens = family === 'ipv4' ? table.len4 : table.len6;
  for (let i = 1; i < lens.length; i++) if (lens[i] < lens[shortest]) shortest = i;
  const prefix = family === 'ipv4' ? new Ipv4Address(table.v4[shortest]) : table.v6[shortest];
  const best = (fn: () => void): number => {
    let b = Infinity;
    for (let r = 0; r < WIDE_REPEATS; r++) {
      const t0 = now();
      fn();
      b = Math.min(b, now() - t0);
    }
    return b;
  };
  const out: { label: string; ms: number }[] = [];
  let flip = 0;
  out.push({
    label: `add or remove ${family === 'ipv4' ? '0.0.0.0/0' : '::/0'}`,
    ms: best(() => {
      if (flip++ % 2 === 0) fib.add(0, { prefix: defaultRoute, prefixLength: 0, gateway: gw(0), ifindex: 1 });
      else fib.remove(0, defaultRoute, 0);
    }),
  });
  if (flip % 2 === 1) fib.remove(0, defaultRoute, 0);
  out.push({
    label: `change the next hop of ${prefix.toString()}/${lens[shortest]}`,
    ms: best(() => fib.add(0, { prefix, prefixLength: lens[shortest], gateway: gw((shortest + 1 + (flip++ & 1)) % GATEWAYS), ifindex: 1 })),
  });
  fib.add(0, { prefix, prefixLength: lens[shortest], gateway: gw(shortest % GATEWAYS), ifindex: 1 });
  return out;
}

function benchTable(table: Table): TableResult {
  console.log(`\n### ${table.name}: ${table.v4.length.toLocaleString('en')} IPv4 + ${table.v6.length.toLocaleString('en')} IPv6 prefixes\n`);
  const prefixes4 = Array.from(table.v4, (v) => new Ipv4Address(v));
  const rnd4 = random4(LOOKUPS);
  const in4 = inside4(table, LOOKUPS);
  const out = new Int32Array(LOOKUPS);

  // ours
  gc();
  let t0 = now();
  const fib = createRouteTables();
  addAll(fib, 0, table, prefixes4);
  const build4 = now() - t0;
  t0 = now();
  addAll6(fib, 0, table);
  const build6 = now() - t0;
  const mem = fib.memory(0);

  // DIR-24-8, fed the same gateway per prefix; it doubles as a cross-check of our answers.
  const gwIndex = new Int32Array(table.v4.length).map((_, i) => i % GATEWAYS);
  t0 = now();
  const dir = new Dir248(table.v4, table.len4, gwIndex);
  const buildDir = now() - t0;
  const [ours4Rnd, dirRnd] = rates(LOOKUPS, [() => fib.lookup4Burst(0, rnd4, out, LOOKUPS), () => dir.burst(rnd4, out, LOOKUPS)]);
  const [ours4In, dirIn] = rates(LOOKUPS, [() => fib.lookup4Burst(0, in4, out, LOOKUPS), () => dir.burst(in4, out, LOOKUPS)]);
  const ours4Single = rate(LOOKUPS, () => {
    for (let i = 0; i < LOOKUPS; i++) out[i] = fib.lookup4(0, in4[i]);
  });
  let mismatches = 0;
  for (const set of [rnd4, in4]) {
    for (let i = 0; i < 1_000_000; i++) {
      const id = fib.lookup4(0, set[i]);
      const ours = id < 0 ? -1 : fib.nextHop(id).gateway4 - 0xc0000201;
      if (ours !== dir.lookup(set[i])) mismatches++;
    }
  }

  // The same table with lookupEngine 'js' (the fallback where WebAssembly is unavailable).
  const N6 = LOOKUPS >> 1;
  const rnd6 = random6(N6);
  const in6 = inside6(table, N6);
  const js = benchJsEngine(table, prefixes4, [rnd4, in4, rnd6, in6], out);

  // longest-prefix-match (in its own function, so that its millions of objects are garbage before the churn)
  const [buildLpm4, lpm4Rnd, lpm4In] = benchLpm(
    table.v4.length,
    (lpm, i) => lpm.addPrefix(`${formatIpv4(table.v4[i])}/${table.len4[i]}`, i % GATEWAYS),
    Array.from(rnd4.subarray(0, LPM_LOOKUPS), (a) => `${formatIpv4(a)}/32`),
    Array.from(in4.subarray(0, LPM_LOOKUPS), (a) => `${formatIpv4(a)}/32`),
  );

  console.log('IPv4');
  row(['', 'build', 'lookup memory', 'random addr', 'in-prefix addr']);
  row(['---', '---:', '---:', '---:', '---:']);
  row(['@stack/fib (burst)', `${build4.toFixed(0)} ms`, mib(mem.lookup4), mps(ours4Rnd), mps(ours4In)]);
  row(['@stack/fib (lookup4 calls)', '', '', '', mps(ours4Single)]);
  row([`@stack/fib, lookupEngine 'js' (burst)`, '', '', mps(js.rnd4), mps(js.in4)]);
  row(['DIR-24-8 reference', `${buildDir.toFixed(0)} ms`, mib(dir.bytes()), mps(dirRnd), mps(dirIn)]);
  row(['longest-prefix-match', `${buildLpm4.toFixed(0)} ms`, 'n/a', mps(lpm4Rnd), mps(lpm4In)]);
  console.log(
    `ours / DIR-24-8: ${(ours4Rnd / dirRnd).toFixed(2)}x random, ${(ours4In / dirIn).toFixed(2)}x in-prefix, memory 1/${(dir.bytes() / mem.lookup4).toFixed(1)}; ` +
      `ours / longest-prefix-match: ${(ours4Rnd / lpm4Rnd).toFixed(0)}x random, ${(ours4In / lpm4In).toFixed(0)}x in-prefix; ` +
      `control plane ${mib(mem.control4)}; mismatches vs DIR-24-8 on 2,000,000 lookups: ${mismatches}`,
  );

  // IPv6
  const ours6Rnd = rate(N6, () => fib.lookup6Burst(0, rnd6, out, N6));
  const ours6In = rate(N6, () => fib.lookup6Burst(0, in6, out, N6));
  const ours6Single = rate(N6, () => {
    for (let i = 0; i < N6; i++) out[i] = fib.lookup6(0, in6, i << 4);
  });
  const text6 = (set: Uint8Array): string[] => Array.from({ length: LPM_LOOKUPS }, (_, i) => `${Ipv6Address.fromBytes(set, i * 16).toString()}/128`);
  const [buildLpm6, lpm6Rnd, lpm6In] = benchLpm(table.v6.length, (lpm, i) => lpm.addPrefix(`${table.v6[i].toString()}/${table.len6[i]}`, i % GATEWAYS), text6(rnd6), text6(in6));
  console.log('\nIPv6');
  row(['', 'build', 'lookup memory', 'random addr', 'in-prefix addr']);
  row(['---', '---:', '---:', '---:', '---:']);
  row(['@stack/fib (burst)', `${build6.toFixed(0)} ms`, mib(mem.lookup6), mps(ours6Rnd), mps(ours6In)]);
  row(['@stack/fib (lookup6 calls)', '', '', '', mps(ours6Single)]);
  row([`@stack/fib, lookupEngine 'js' (burst)`, '', '', mps(js.rnd6), mps(js.in6)]);
  row(['longest-prefix-match', `${buildLpm6.toFixed(0)} ms`, 'n/a', mps(lpm6Rnd), mps(lpm6In)]);
  console.log(`ours / longest-prefix-match: ${(ours6Rnd / lpm6Rnd).toFixed(0)}x random, ${(ours6In / lpm6In).toFixed(0)}x in-prefix; control plane ${mib(mem.control6)}`);

  // Churn: withdraw and re-announce random prefixes of the full table, one change at a time,
  // after a warm-up of the same kind (untimed) so that the figures are not the JIT compiling.
  const withdraw4 = (i: number) => fib.remove(0, prefixes4[i], table.len4[i]);
  const announce4 = (i: number) => fib.add(0, { prefix: prefixes4[i], prefixLength: table.len4[i], gateway: gateways4[i % GATEWAYS], ifindex: 1 });
  const withdraw6 = (i: number) => fib.remove(0, table.v6[i], table.len6[i]);
  const announce6 = (i: number) => fib.add(0, { prefix: table.v6[i], prefixLength: table.len6[i], gateway: gateways6[i % GATEWAYS], ifindex: 1 });
  churn(fib, WARMUP_OPS, withdraw4, announce4, table.v4.length);
  churn(fib, WARMUP_OPS, withdraw6, announce6, table.v6.length);
  gc();
  const lat4 = churn(
    fib,
    CHURN_OPS,
    withdraw4,
    announce4,
    table.v4.length,
  );
  const lat6 = churn(fib, CHURN_OPS, withdraw6, announce6, table.v6.length);
  const us = (ms: number): string => (ms * 1000).toFixed(1) + ' µs';
  console.log(`\nUpdate latency under churn (${CHURN_OPS.toLocaleString('en')} single adds/removes of random table prefixes after ${WARMUP_OPS.toLocaleString('en')} untimed ones, each applied to the lookup structure at once; wall clock, so the max includes the machine's scheduling)`);
  row(['', 'p50', 'p99', 'p99.9', 'max']);
  row(['---', '---:', '---:', '---:', '---:']);
  row(['IPv4', us(percentile(lat4, 0.5)), us(percentile(lat4, 0.99)), us(percentile(lat4, 0.999)), us(lat4[lat4.length - 1])]);
  row(['IPv6', us(percentile(lat6, 0.5)), us(percentile(lat6, 0.99)), us(percentile(lat6, 0.999)), us(lat6[lat6.length - 1])]);
  const wide = [...wideChanges(fib, 'ipv4', table), ...wideChanges(fib, 'ipv6', table)];
  console.log(`widest single changes (best of ${WIDE_REPEATS}): ${wide.map((w) => `${w.label} ${us(w.ms)}`).join('; ')}`);
  let after = 0;
  for (let i = 0; i < 1_000_000; i++) {
    const id = fib.lookup4(0, in4[i]);
    if ((id < 0 ? -1 : fib.nextHop(id).gateway4 - 0xc0000201) !== dir.lookup(in4[i])) after++;
  }
  console.log(`mismatches vs DIR-24-8 after churn on 1,000,000 lookups: ${after}`);
  return {
    name: table.name,
    build4,
    mem4: mem.lookup4,
    dirMem: dir.bytes(),
    in4: ours4In,
    dirIn,
    rnd4: ours4Rnd,
    dirRnd,
    lpm4: [ours4Rnd / lpm4Rnd, ours4In / lpm4In],
    in6: ours6In,
    p99: [percentile(lat4, 0.99), percentile(lat6, 0.99)],
    wide: [Math.max(wide[0].ms, wide[1].ms), Math.max(wide[2].ms, wide[3].ms)],
  };
}

function benchSixteen(table: Table): number {
  gc();
  const before = process.memoryUsage();
  const prefixes4 = Array.from(table.v4, (v) => new Ipv4Address(v));
  gc();
  const base = process.memoryUsage();
  const t0 = now();
  const fib = createRouteTables({ fibs: 16 });
  for (let f = 0; f < 16; f++) {
    addAll(fib, f, table, prefixes4);
    addAll6(fib, f, table);
  }
  const ms = now() - t0;
  gc();
  const m = process.memoryUsage();
  let lookup = 0;
  let control = 0;
  for (const f of fib.fibs()) {
    const x = fib.memory(f);
    lookup += x.lookup4 + x.lookup6;
    control += x.control4 + x.control6;
  }
  // `external` holds array buffers and WebAssembly memories (which `arrayBuffers` leaves out).
  const heap = m.heapUsed + m.external - (base.heapUsed + base.external);
  console.log(`\n### 16 FIBs, each holding the full ${table.name} table (IPv4 + IPv6)\n`);
  console.log(`built in ${(ms / 1000).toFixed(1)} s; lookup structures ${mib(lookup)}, control plane ${mib(control)}, total typed arrays ${mib(lookup + control)}; ` + `measured heap + external (array buffers, WebAssembly memories) ${mib(heap)}${(globalThis as { gc?: unknown }).gc ? '' : ' (run with --expose-gc for a settled figure)'}; rss ${mib(m.rss)} (process, before: ${mib(before.rss)})`);
  if (fib.lookup4(15, table.v4[0]) < 0) throw new Error('FIB 15 lost its routes');
  return heap;
}

/** The issue's aims next to this run's figures. */
function summary(results: readonly TableResult[], sixteen: number): void {
  const x = (v: number): string => v.toFixed(2) + 'x';
  const each = (f: (r: TableResult) => string): string => results.map((r) => `${r.name} ${f(r)}`).join('; ');
  const us = (ms: number): string => (ms * 1000).toFixed(1) + ' µs';
  console.log('\n### Against the aims (this run)\n');
  row(['aim', 'result']);
  row(['---', '---']);
  row(['IPv4 in-prefix >= 0.8x DIR-24-8 at <= 1/8 of its memory', each((r) => `${x(r.in4 / r.dirIn)} (random ${x(r.rnd4 / r.dirRnd)}) at 1/${(r.dirMem / r.mem4).toFixed(1)}`)]);
  row(['IPv4 >= 100x longest-prefix-match', each((r) => `${r.lpm4[0].toFixed(0)}x random, ${r.lpm4[1].toFixed(0)}x in-prefix`)]);
  row(['IPv6 in-prefix >= 8 M/s', each((r) => mps(r.in6))]);
  row(['update p99 < 20 µs (IPv4, IPv6)', each((r) => `${us(r.p99[0])}, ${us(r.p99[1])}`)]);
  row(['widest single change bounded (IPv4, IPv6)', each((r) => `${us(r.wide[0])}, ${us(r.wide[1])}`)]);
  row(['full IPv4 table built < 1.5 s', each((r) => `${(r.build4 / 1000).toFixed(2)} s`)]);
  row(['16 full FIBs well under 1 GiB', `${mib(sixteen)} (heap + external memory)`]);
}

console.log('# @stack/fib benchmark');
console.log(machineLine());
console.log(`command: ${COMMAND}`);
console.log(`lookups: ${LOOKUPS.toLocaleString('en')} per IPv4 round, ${(LOOKUPS >> 1).toLocaleString('en')} per IPv6 round, median of ${ROUNDS} rounds (ours and DIR-24-8 alternating); longest-prefix-match on ${LPM_LOOKUPS.toLocaleString('en')} (its rate extrapolated); strings for it are made outside the timing`);
const tier1 = loadTier1();
const results = [benchTable(tier1), benchTable(synthetic(1_040_000, 240_000))];
summary(results, benchSixteen(tier1));
