import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FamilyTable } from './family-table.js';
import { NextHopTable } from './next-hops.js';
import { RouteSetTable } from './route-sets.js';
import { trieLookup4, trieLookup4Burst, trieLookup6, trieLookup6Burst, trieLookup6Words } from './trie-lookup.js';
import { maskWord } from './bits.js';
import { LookupModules } from './lookup-memory.js';
import { nativeLookup4, nativeLookup4Burst, nativeLookup6, nativeLookup6Burst, nativeLookup6Words } from './native-lookup.js';

/** Compiled once for every table of this file. */
const modules = new LookupModules();

/** Naive reference: linear scan for the longest covering prefix. */
function naive(prefixes: Map<string, { key: number[]; len: number; set: number }>, addr: number[], words: number): { len: number; set: number } | null {
  let best: { len: number; set: number } | null = null;
  for (const p of prefixes.values()) {
    let covers = true;
    for (let w = 0; w < words; w++) if ((maskWord(addr[w], w, p.len) | 0) !== (p.key[w] | 0)) covers = false;
    if (covers && (best === null || p.len > best.len)) best = p;
  }
  return best;
}

function bytesOf(words: number[]): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  for (let w = 0; w < 4; w++) v.setUint32(w * 4, words[w] >>> 0);
  return b;
}

/**
 * Route sets with one distinct next hop each. Next-hop ids start at `firstHop` (filler hops are
 * taken first), so that ids around 0x7fff exercise both direct and table leaf codes.
 */
function makeSets(n: number, firstHop = 0): { sets: RouteSetTable; ids: number[]; hopOf: (set: number) => number } {
  const hops = new NextHopTable();
  const sets = new RouteSetTable(hops);
  const ids: number[] = [];
  for (let i = 0; i < firstHop; i++) hops.acquire({ family: 'ipv6', gateway: null, ifindex: i + 1, flags: 0, mtu: 0 });
  for (let i = 0; i < n; i++) {
    const h = hops.acquire({ family: 'ipv4', gateway: null, ifindex: i + 1, flags: 0, mtu: 0 });
    ids.push(sets.intern([{ source: 0, nextHop: h, metric: 0 }]));
    hops.release(h);
  }
  return { sets, ids, hopOf: (set) => sets.installed[set] };
}

/** makeSets(6, 0x7ffc), built once: taking 32k filler hops per property run would be slow. */
let big: ReturnType<typeof makeSets> | undefined;
function makeSets6Big(): ReturnType<typeof makeSets> {
  big ??= makeSets(6, 0x7ffc);
  return big;
}

const compare = (a: { key: number[]; len: number }, b: { key: number[]; len: number }): number => {
  for (let w = 0; w < a.key.length; w++) if (a.key[w] >>> 0 !== b.key[w] >>> 0) return (a.key[w] >>> 0) - (b.key[w] >>> 0);
  return a.len - b.len;
};

for (const words of [1, 4]) {
  for (const topBits of words === 1 ? [8, 16, 19] : [16, 18]) {
    describe(`FamilyTable words=${words} top=${topBits}`, () => {
      const maxLen = words * 32;
      // Keys drawn from a few dense regions so prefixes nest deeply and share chunks.
      const arbKey = fc
        .tuple(fc.integer({ min: 0, max: 2 }), fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: words, maxLength: words }))
        .map(([region, r]) => {
          const k = r.map((w) => w & 0x00000f0f);
          k[0] = (k[0] & 0x0000ffff) | ((0x0a010000 + region * 0x10000) & 0xffff0000);
          k[0] ^= r[0] & 0x30003000;
          return k.map((w) => w | 0);
        });
      const arbLen = fc.oneof(fc.integer({ min: 0, max: maxLen }), fc.integer({ min: Math.max(0, topBits - 4), max: Math.min(maxLen, topBits + 16) }));
      const arbPrefix = fc.record({ key: arbKey, len: arbLen, nh: fc.integer({ min: 0, max: 5 }) });
      const arbOp = fc.record({ add: fc.boolean(), p: arbPrefix, flush: fc.boolean() });
      // One configuration per family uses next-hop ids from 0x7ffc up (direct and table codes).
      const bigIds = topBits === 16;

      it('matches a linear scan after random adds and deletes, and frees everything it drops', () => {
        fc.assert(
          fc.property(fc.boolean(), fc.array(arbOp, { minLength: 10, maxLength: 80 }), fc.array(arbKey, { minLength: 20, maxLength: 20 }), (batched, ops, probes) => {
            const { sets, ids, hopOf } = bigIds ? makeSets6Big() : makeSets(6);
            const t = new FamilyTable(words, topBits, sets, modules.get(words, topBits));
            expect(t.trie.memory.native).toBe(true);
            const ref = new Map<string, { key: number[]; len: number; set: number }>();
            const replace = (key: number[], len: number, set: number): void => {
              if (set >= 0) sets.retain(set);
              const old = t.replace(Int32Array.from(key), len, set);
              if (old >= 0) sets.release(old);
            };
            t.deferred = batched;
            for (const op of ops) {
              if (op.add) {
                const key = op.p.key.map((w, i) => maskWord(w, i, op.p.len));
                ref.set(key.join(',') + '/' + op.p.len, { key, len: op.p.len, set: ids[op.p.nh] });
                replace(key, op.p.len, ids[op.p.nh]);
              } else {
                const victim = [...ref.keys()][op.p.nh % Math.max(1, ref.size)];
                if (victim === undefined) continue;
                const v = ref.get(victim)!;
                ref.delete(victim);
                replace(v.key, v.len, -1);
              }
              // Batched runs coalesce changes and flush now and then; the others update at once.
              if (batched && op.flush) t.flush();
            }
            if (batched) t.flush();
            t.deferred = false;
            const all = [...probes];
            for (const p of ref.values()) {
              all.push(p.key);
              all.push(p.key.map((w, i) => (i === words - 1 ? w | 1 : w)));
              // The last address of the prefix, and one inside it built from a probe's bits.
              all.push(p.key.map((w, i) => w | ~maskWord(-1, i, p.len)));
              all.push(p.key.map((w, i) => w | (probes[p.set % 20][i] & ~maskWord(-1, i, p.len))));
            }
            const found = new Int32Array(1);
            // The JavaScript and the WebAssembly lookups read the same words: both are checked.
            for (const a of all) {
              const best = naive(ref, a, words);
              const expected = best === null ? -1 : hopOf(best.set);
              const got = words === 1 ? trieLookup4(t.trie, a[0]) : trieLookup6(t.trie, bytesOf(a), 0);
              expect(got).toBe(expected);
              expect(words === 1 ? nativeLookup4(t.trie, a[0]) : nativeLookup6(t.trie, bytesOf(a), 0)).toBe(expected);
              if (words === 4) expect(trieLookup6Words(t.trie, Uint32Array.from(a), 0)).toBe(expected);
              if (words === 4) expect(nativeLookup6Words(t.trie, Int32Array.from(a), 0)).toBe(expected);
              const set = t.covering(Int32Array.from(a), found);
              expect(set < 0 ? null : { len: found[0], set }).toEqual(best === null ? null : { len: best.len, set: best.set });
            }
            // Bursts give the same answers.
            if (words === 1) {
              const dsts = Uint32Array.from(all.map((a) => a[0]));
              const out = new Int32Array(dsts.length);
              trieLookup4Burst(t.trie, dsts, out, dsts.length);
              for (let i = 0; i < dsts.length; i++) expect(out[i]).toBe(trieLookup4(t.trie, dsts[i]));
              const native = new Int32Array(dsts.length).fill(-2);
              nativeLookup4Burst(t.trie, dsts, native, dsts.length);
              expect(native).toEqual(out);
            } else {
              const addrs = new Uint8Array(all.length * 16);
              all.forEach((a, i) => addrs.set(bytesOf(a), i * 16));
              const out = new Int32Array(all.length);
              trieLookup6Burst(t.trie, addrs, out, all.length);
              for (let i = 0; i < all.length; i++) expect(out[i]).toBe(trieLookup6(t.trie, addrs, i * 16));
              const native = new Int32Array(all.length).fill(-2);
              nativeLookup6Burst(t.trie, addrs, native, all.length);
              expect(native).toEqual(out);
            }
            // Listing: every prefix once, in (address, length) order.
            const listed: string[] = [];
            t.forEach((key, len, set) => listed.push(`${[...key].join(',')}/${len}=${set}`));
            expect(listed).toEqual([...ref.values()].sort(compare).map((p) => `${p.key.join(',')}/${p.len}=${p.set}`));
            expect(t.size).toBe(ref.size);
            // Remove everything: no node may be left behind.
            for (const p of [...ref.values()]) replace(p.key, p.len, -1);
            expect(t.control.pool.liveWords()).toBe(0);
            expect(t.trie.liveWords()).toBe(2);
            expect(t.codes.count()).toBe(0);
          }),
          { numRuns: 150 },
        );
      });
    });
  }
}

describe('FamilyTable updates', () => {
  const ip = (s: string) => s.split('.').reduce((a, b) => a * 256 + Number(b), 0) | 0;

  it('keeps a covering prefix as the default of a rebuilt inner node', () => {
    const { sets, ids, hopOf } = makeSets(4);
    const t = new FamilyTable(1, 16, sets, null);
    for (const [p, len, nh] of [['10.1.0.0', 20, 1], ['10.1.0.0', 28, 2], ['10.1.0.64', 28, 3]] as const) {
      sets.retain(ids[nh]);
      t.replace(Int32Array.of(ip(p)), len, ids[nh]);
    }
    expect(['10.1.0.1', '10.1.0.65', '10.1.1.0', '10.1.15.255', '10.1.16.0'].map((a) => trieLookup4(t.trie, ip(a)))).toEqual([2, 3, 1, 1, -1].map((nh) => (nh < 0 ? -1 : hopOf(ids[nh]))));
  });

  it('changes a short prefix under many nodes without rebuilding them, and reuses their records', () => {
    const { sets, ids, hopOf } = makeSets(4);
    const t = new FamilyTable(1, 19, sets, null);
    const put = (a: string, len: number, nh: number) => {
      sets.retain(ids[nh]);
      const old = t.replace(Int32Array.of(ip(a)), len, ids[nh]);
      if (old >= 0) sets.release(old);
    };
    put('10.0.0.0', 8, 0);
    for (let i = 0; i < 256; i++) put(`10.${i}.1.0`, 24, 1);
    const words = t.trie.liveWords();
    put('10.0.0.0', 8, 2);
    expect(t.trie.liveWords()).toBe(words); // the old code's shared node went, the new one's came; nothing else
    expect(trieLookup4(t.trie, ip('10.77.2.1'))).toBe(hopOf(ids[2]));
    expect(trieLookup4(t.trie, ip('10.77.1.1'))).toBe(hopOf(ids[1]));
    sets.release(t.replace(Int32Array.of(ip('10.0.0.0')), 8, -1));
    expect(trieLookup4(t.trie, ip('10.77.2.1'))).toBe(-1);
    expect(trieLookup4(t.trie, ip('10.77.1.1'))).toBe(hopOf(ids[1]));
  });

  it('keeps the default route out of the chunks: adding or changing it writes no record', () => {
    const { sets, ids, hopOf } = makeSets(4);
    const t = new FamilyTable(1, 19, sets, modules.get(1, 19));
    const put = (a: string, len: number, nh: number) => {
      sets.retain(ids[nh]);
      const old = t.replace(Int32Array.of(ip(a)), len, ids[nh]);
      if (old >= 0) sets.release(old);
    };
    for (let i = 0; i < 256; i++) put(`10.${i}.1.0`, 24, 1);
    const words = t.trie.liveWords();
    put('0.0.0.0', 0, 2);
    expect(t.trie.liveWords()).toBe(words);
    expect([nativeLookup4(t.trie, ip('10.77.2.1')), trieLookup4(t.trie, ip('10.77.2.1')), nativeLookup4(t.trie, ip('10.77.1.1'))]).toEqual([hopOf(ids[2]), hopOf(ids[2]), hopOf(ids[1])]);
    put('0.0.0.0', 0, 3);
    expect(t.trie.liveWords()).toBe(words);
    expect(nativeLookup4(t.trie, ip('99.0.0.1'))).toBe(hopOf(ids[3]));
    sets.release(t.replace(Int32Array.of(0), 0, -1));
    expect([nativeLookup4(t.trie, ip('99.0.0.1')), trieLookup4(t.trie, ip('99.0.0.1'))]).toEqual([-1, -1]);
  });
});
