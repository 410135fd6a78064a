/// <reference types="node" />
// The real Tier-1 table (../shared/data from the repository root): a million lookups and more
// against an obviously correct reference, then random churn and the same comparison again.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Ipv4Address, type Ipv6Address, parsePrefix } from '@stack/core';
import { createRouteTables } from './route-tables.js';

const dataFile = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/tier1-prefixes.txt.gz');
const present = existsSync(dataFile);
if (!present && process.env.CI) throw new Error(`Tier-1 table missing at ${dataFile} (needed in CI)`);

/** Reference: one hash set per prefix length; try lengths 32..0. Obviously correct, fast enough. */
class PerLengthReference {
  readonly maps: Map<number, number>[] = Array.from({ length: 33 }, () => new Map());
  set(addr: number, len: number, value: number): void {
    this.maps[len].set(addr, value);
  }
  delete(addr: number, len: number): void {
    this.maps[len].delete(addr);
  }
  lookup(a: number): number {
    for (let len = 32; len >= 0; len--) {
      const m = this.maps[len];
      if (m.size === 0) continue;
      const v = m.get(len === 0 ? 0 : (a & (-1 << (32 - len))) >>> 0);
      if (v !== undefined) return v;
    }
    return -1;
  }
}

/** The same for IPv6, keyed by the masked address text. */
class PerLengthReference6 {
  readonly maps: Map<string, number>[] = Array.from({ length: 129 }, () => new Map());
  private static key(b: Uint8Array, len: number): string {
    let s = '';
    for (let i = 0; i < 16; i++) {
      const bits = Math.max(0, Math.min(8, len - i * 8));
      s += String.fromCharCode(b[i] & (0xff00 >> bits));
    }
    return s;
  }
  set(b: Uint8Array, len: number, value: number): void {
    this.maps[len].set(PerLengthReference6.key(b, len), value);
  }
  lookup(b: Uint8Array): number {
    for (let len = 128; len >= 0; len--) {
      if (this.maps[len].size === 0) continue;
      const v = this.maps[len].get(PerLengthReference6.key(b, len));
      if (v !== undefined) return v;
    }
    return -1;
  }
}

let seed = 12345;
function rand32(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed >>> 0;
}

describe.skipIf(!present)('the real Tier-1 table', () => {
  it('matches the reference on 1,000,000+ IPv4 and 200,000 IPv6 lookups, before and after churn', () => {
    const lines = gunzipSync(readFileSync(dataFile)).toString('latin1').split(/\r?\n/);
    const p4: Ipv4Address[] = [];
    const l4: number[] = [];
    const p6: Ipv6Address[] = [];
    const l6: number[] = [];
    for (const line of lines) {
      if (line === '') continue;
      const p = parsePrefix(line);
      if (p.address.family === 'ipv4') {
        p4.push(p.address);
        l4.push(p.prefixLength);
      } else {
        p6.push(p.address);
        l6.push(p.prefixLength);
      }
    }
    expect(p4.length).toBe(901_899);
    const t = createRouteTables();
    const ref = new PerLengthReference();
    const ref6 = new PerLengthReference6();
    // ifindex = 1 + (i % 7) makes next hops differ between neighbouring prefixes.
    t.batch(() => {
      for (let i = 0; i < p4.length; i++) {
        t.add(0, { prefix: p4[i], prefixLength: l4[i], ifindex: 1 + (i % 7) });
        ref.set(p4[i].value, l4[i], 1 + (i % 7));
      }
      for (let i = 0; i < p6.length; i++) {
        t.add(0, { prefix: p6[i], prefixLength: l6[i], ifindex: 1 + (i % 7) });
        ref6.set(p6[i].bytes as Uint8Array, l6[i], 1 + (i % 7));
      }
    });
    const ifOf = (id: number) => (id < 0 ? -1 : t.nextHop(id).ifindex);

    const check = (count: number) => {
      let mismatches = 0;
      const dsts = new Uint32Array(count);
      for (let i = 0; i < count; i++) {
        if (i & 1) {
          dsts[i] = rand32();
        } else {
          const j = rand32() % p4.length;
          dsts[i] = (p4[j].value | (l4[j] === 32 ? 0 : rand32() >>> l4[j])) >>> 0;
        }
      }
      const out = new Int32Array(count);
      t.lookup4Burst(0, dsts, out, count);
      for (let i = 0; i < count; i++) if (ifOf(out[i]) !== ref.lookup(dsts[i])) mismatches++;
      // IPv6: single lookups, and one burst over all of them (longer than a scratch round).
      const n6 = 100_000;
      const all6 = new Uint8Array(n6 * 16);
      const expected6 = new Int32Array(n6);
      for (let i = 0; i < n6; i++) {
        const b = all6.subarray(i * 16, i * 16 + 16);
        const j = rand32() % p6.length;
        b.set(p6[j].bytes);
        for (let k = l6[j]; k < 128; k++) if (rand32() & 1) b[k >> 3] |= 0x80 >> (k & 7);
        expected6[i] = ref6.lookup(b);
        if (ifOf(t.lookup6(0, all6, i * 16)) !== expected6[i]) mismatches++;
      }
      const out6 = new Int32Array(n6);
      t.lookup6Burst(0, all6, out6, n6);
      for (let i = 0; i < n6; i++) if (ifOf(out6[i]) !== expected6[i]) mismatches++;
      return mismatches;
    };
    expect(check(1_000_000)).toBe(0);

    // Churn: withdraw random prefixes, re-add some with another next hop, add new random ones.
    const removed: number[] = [];
    for (let n = 0; n < 20_000; n++) {
      const i = rand32() % p4.length;
      const op = rand32() % 3;
      if (op === 0) {
        t.remove(0, p4[i], l4[i]);
        ref.delete(p4[i].value, l4[i]);
        removed.push(i);
      } else if (op === 1) {
        t.add(0, { prefix: p4[i], prefixLength: l4[i], ifindex: 9 });
        ref.set(p4[i].value, l4[i], 9);
      } else {
        const len = 8 + (rand32() % 25);
        const a = (rand32() & (-1 << (32 - len))) >>> 0;
        t.add(0, { prefix: new Ipv4Address(a), prefixLength: len, ifindex: 10 });
        ref.set(a, len, 10);
      }
    }
    expect(removed.length).toBeGreaterThan(5000);
    expect(check(1_000_000)).toBe(0);
  }, 120_000);
});
