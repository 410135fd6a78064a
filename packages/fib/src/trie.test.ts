import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LpmTrie } from './lpm-trie.js';
import { PrefixStore } from './prefix-store.js';
import { trieLookup4, trieLookup6, trieLookup6Words } from './trie-lookup.js';
import { maskWord } from './bits.js';

/** Naive reference: linear scan for the longest covering prefix. */
function naive(prefixes: Map<string, { key: number[]; len: number; nh: number }>, addr: number[], words: number): number {
  let best = -1;
  let bestLen = -1;
  for (const p of prefixes.values()) {
    let covers = true;
    for (let w = 0; w < words; w++) if ((maskWord(addr[w], w, p.len) | 0) !== (p.key[w] | 0)) covers = false;
    if (covers && p.len > bestLen) {
      best = p.nh;
      bestLen = p.len;
    }
  }
  return best;
}

function setRoute(store: PrefixStore, key: number[], len: number, nh: number): void {
  let pos = store.find(key, 0, len);
  if (pos < 0) pos = store.insert(key, 0, len);
  store.setRoute(pos, 0, nh, 0, -1);
}

function bytesOf(words: number[]): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  for (let w = 0; w < 4; w++) v.setUint32(w * 4, words[w] >>> 0);
  return b;
}

for (const words of [1, 4]) {
  for (const topBits of words === 1 ? [16, 17] : [16, 18]) {
    describe(`LpmTrie words=${words} top=${topBits}`, () => {
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
      const arbLen = fc.oneof(fc.integer({ min: 0, max: maxLen }), fc.integer({ min: topBits, max: Math.min(maxLen, topBits + 16) }));
      const arbPrefix = fc.record({ key: arbKey, len: arbLen, nh: fc.integer({ min: 0, max: 5 }) });
      const arbOp = fc.record({ add: fc.boolean(), p: arbPrefix, batch: fc.boolean() }); // batch: flush point

      it('matches a linear scan after random adds and deletes', () => {
        fc.assert(
          fc.property(fc.boolean(), fc.array(arbOp, { minLength: 10, maxLength: 80 }), fc.array(arbKey, { minLength: 20, maxLength: 20 }), (batched, ops, probes) => {
            const store = new PrefixStore(words, topBits);
            const trie = new LpmTrie(store);
            const ref = new Map<string, { key: number[]; len: number; nh: number }>();
            for (const op of ops) {
              const key = op.p.key.map((w, i) => maskWord(w, i, op.p.len));
              const id = key.join(',') + '/' + op.p.len;
              if (op.add) {
                ref.set(id, { key, len: op.p.len, nh: op.p.nh });
                setRoute(store, key, op.p.len, op.p.nh);
              } else {
                const victim = [...ref.keys()][op.p.nh % Math.max(1, ref.size)];
                if (victim === undefined) continue;
                const v = ref.get(victim)!;
                ref.delete(victim);
                store.remove(store.find(v.key, 0, v.len));
                if (batched) trie.markDirty(v.key, 0, v.len);
                else trie.update(v.key, 0, v.len);
                continue;
              }
              // Batched runs coalesce changes and flush now and then; the others update at once.
              if (batched) trie.markDirty(key, 0, op.p.len);
              else trie.update(key, 0, op.p.len);
              if (batched && op.batch) trie.flush();
            }
            if (batched) trie.flush();
            const all = [...probes];
            for (const p of ref.values()) {
              all.push(p.key);
              all.push(p.key.map((w, i) => (i === words - 1 ? w | 1 : w)));
              // The last address of the prefix, and one inside it built from a probe's bits.
              all.push(p.key.map((w, i) => w | ~maskWord(-1, i, p.len)));
              all.push(p.key.map((w, i) => w | (probes[p.nh][i] & ~maskWord(-1, i, p.len))));
            }
            for (const a of all) {
              const expected = naive(ref, a, words);
              const got = words === 1 ? trieLookup4(trie, a[0]) : trieLookup6(trie, bytesOf(a), 0);
              expect(got).toBe(expected);
              if (words === 4) expect(trieLookup6Words(trie, Uint32Array.from(a), 0)).toBe(expected);
            }
          }),
          { numRuns: 150 },
        );
      });
    });
  }
}

describe('LpmTrie in-place rebuild', () => {
  it('keeps a covering prefix as the default of a rebuilt inner node', () => {
    const store = new PrefixStore(1, 16);
    const trie = new LpmTrie(store);
    const ip = (s: string) => s.split('.').reduce((a, b) => a * 256 + Number(b), 0) | 0;
    for (const [p, len, nh] of [['10.1.0.0', 20, 1], ['10.1.0.0', 28, 2], ['10.1.0.64', 28, 3]] as const) {
      setRoute(store, [ip(p)], len, nh);
      trie.update([ip(p)], 0, len);
    }
    expect(['10.1.0.1', '10.1.0.65', '10.1.1.0', '10.1.15.255', '10.1.16.0'].map((a) => trieLookup4(trie, ip(a)))).toEqual([2, 3, 1, 1, -1]);
  });
});
