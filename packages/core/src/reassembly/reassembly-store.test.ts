import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PacketBuffer } from '../buffer/index.js';
import { Counter } from '../counters/index.js';
import { ManualClock } from '../time/index.js';
import { BlockArena } from './block-arena.js';
import type { ReassemblySlot } from './reassembly-slot.js';
import { FragmentResult, ReassemblyStore, type ReassemblyCounters, type ReassemblyLimits } from './reassembly-store.js';

const NAMES = ['ok', 'timeout', 'evicted', 'overlap', 'duplicate', 'inconsistent', 'too-many-fragments', 'memory', 'late-fragment'] as const;

function setup(limits: Partial<ReassemblyLimits> = {}) {
  const clock = new ManualClock();
  const counters = Object.fromEntries(NAMES.map((n) => [n, new Counter(n)])) as unknown as ReassemblyCounters;
  const timedOut: number[] = [];
  const store = new ReassemblyStore(
    { maxDatagrams: 8, maxBytes: 64 * 1024, maxFragments: 16, timeoutMs: 30_000, ...limits },
    counters,
    () => clock.now(),
    (cb) => clock.createTimer(cb),
    (slot) => slot,
    (_entry, slot) => timedOut.push(slot.index),
  );
  const count = (n: (typeof NAMES)[number]) => counters[n].value;
  return { clock, store, count, timedOut };
}

/** A buffer whose payload at offset 8 is `bytes` (standing in for a fragment after its header). */
function fragment(bytes: Uint8Array, ifindex = 1): PacketBuffer {
  const buf = PacketBuffer.from(Uint8Array.from([...new Uint8Array(8), ...bytes]));
  buf.ifindex = ifindex;
  return buf;
}

const data = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);

/** Insert `whole[start..start+size)` into `slot`. */
function put(store: ReassemblyStore<ReassemblySlot>, slot: ReassemblySlot, whole: Uint8Array, start: number, size: number, more: boolean): FragmentResult {
  return store.insert(slot, fragment(whole.subarray(start, start + size)), 8, start, size, more);
}

describe('BlockArena', () => {
  it('stores, loads and reuses chains of blocks, growing only to its bound', () => {
    const arena = new BlockArena(64, 100);
    const a = data(1000, 3);
    const b = data(130, 9);
    const ha = arena.store(a, 0, a.length);
    const hb = arena.store(b, 0, b.length);
    expect(arena.blocksInUse).toBe(16 + 3);
    const out = new Uint8Array(1000);
    arena.load(ha, 1000, out, 0);
    expect(out).toEqual(a);
    arena.load(hb, 130, out, 0);
    expect(out.subarray(0, 130)).toEqual(b);
    arena.release(ha);
    expect(arena.blocksInUse).toBe(3);
    const hc = arena.store(a, 500, 500);
    arena.load(hc, 500, out, 0);
    expect(out.subarray(0, 500)).toEqual(a.subarray(500));
    expect(arena.store(a, 0, 0)).toBe(-1);
    expect(() => arena.store(new Uint8Array(64 * 100), 0, 64 * 100)).toThrow(RangeError);
  });
});

describe('ReassemblyStore', () => {
  it('reassembles fragments in any order and frees everything', () => {
    const { store, count } = setup();
    const whole = data(3000);
    const slot = store.open();
    expect(put(store, slot, whole, 2000, 1000, false)).toBe(FragmentResult.HELD);
    expect(put(store, slot, whole, 0, 1000, true)).toBe(FragmentResult.HELD);
    expect(slot.ifindex).toBe(1);
    expect(put(store, slot, whole, 1000, 1000, true)).toBe(FragmentResult.COMPLETE);
    const out = new Uint8Array(3010);
    store.copyPayload(slot, out, 10);
    expect(out.subarray(10)).toEqual(whole);
    const first = new Uint8Array(8);
    expect(store.copyFirst(slot, first, 0, 8)).toBe(8);
    expect(first).toEqual(whole.subarray(0, 8));
    store.complete(slot);
    expect(count('ok')).toBe(1);
    expect([store.datagrams, store.bytesInUse]).toEqual([0, 0]);
  });

  it('ignores an exact duplicate, discards on any other overlap and keeps the key for late fragments', () => {
    const { clock, store, count, timedOut } = setup();
    const whole = data(3000);
    const slot = store.open();
    put(store, slot, whole, 0, 1000, true);
    expect(put(store, slot, whole, 0, 1000, true)).toBe(FragmentResult.DROPPED);
    expect(count('duplicate')).toBe(1);
    expect(put(store, slot, whole, 992, 1008, true)).toBe(FragmentResult.DROPPED);
    expect(count('overlap')).toBe(1);
    expect([slot.dead, store.bytesInUse]).toEqual([true, 0]);
    expect(put(store, slot, whole, 1000, 1000, true)).toBe(FragmentResult.DROPPED);
    expect(count('late-fragment')).toBe(1);
    clock.advance(30_000);
    expect([store.datagrams, count('timeout'), timedOut.length]).toEqual([0, 0, 0]);
  });

  it('discards datagrams whose fragments disagree on the end, or with an empty non-last fragment', () => {
    const { store, count } = setup();
    const whole = data(3000);
    const a = store.open();
    put(store, a, whole, 2000, 1000, false);
    expect(put(store, a, whole, 1000, 500, false)).toBe(FragmentResult.DROPPED);
    const b = store.open();
    put(store, b, whole, 1000, 1000, true);
    expect(put(store, b, whole, 0, 800, false)).toBe(FragmentResult.DROPPED);
    const c = store.open();
    expect(put(store, c, whole, 8, 0, true)).toBe(FragmentResult.DROPPED);
    expect(count('inconsistent')).toBe(3);
  });

  it('bounds the datagrams (evicting the oldest) and the fragments of one', () => {
    const { clock, store, count } = setup({ maxDatagrams: 2, maxFragments: 2 });
    const whole = data(100);
    const a = store.open();
    clock.advance(1);
    const b = store.open();
    clock.advance(1);
    const c = store.open();
    expect(c).toBe(a);
    expect(count('evicted')).toBe(1);
    put(store, b, whole, 0, 8, true);
    put(store, b, whole, 8, 8, true);
    expect(put(store, b, whole, 16, 8, true)).toBe(FragmentResult.DROPPED);
    expect(count('too-many-fragments')).toBe(1);
  });

  it('counts what a fragment holds, not where it sits: far-offset fragments cost their own bytes', () => {
    const { store, count } = setup({ maxBytes: 16 * 1024 });
    const far = data(65008);
    for (let i = 0; i < 8; i++) put(store, store.open(), far, 64992, 16, true);
    expect(store.bytesInUse).toBe(8 * 64);
    expect(count('memory')).toBe(0);
  });

  it('discards the oldest datagrams holding data when the byte bound is reached, never a newer one', () => {
    const { clock, store, count } = setup({ maxBytes: 4096 });
    const whole = data(8192);
    const slots = [];
    for (let i = 0; i < 3; i++) {
      const slot = store.open();
      put(store, slot, whole, 0, 1280, true);
      slots.push(slot);
      clock.advance(1);
    }
    const fresh = store.open();
    expect(put(store, fresh, whole, 0, 1280, true)).toBe(FragmentResult.HELD);
    expect(slots.map((s) => s.dead)).toEqual([true, false, false]);
    expect(count('memory')).toBe(1);
    expect(store.bytesInUse).toBe(3 * 1280);
    // A datagram that alone exceeds the bound is discarded itself.
    expect(put(store, fresh, whole, 1280, 2880, false)).toBe(FragmentResult.DROPPED);
    expect(fresh.dead).toBe(true);
    expect(slots.map((s) => s.dead)).toEqual([true, false, false]);
  });

  it('times out a datagram, telling its family, and frees it', () => {
    const { clock, store, count, timedOut } = setup();
    const slot = store.open();
    put(store, slot, data(100), 0, 64, true);
    clock.advance(29_999);
    expect(store.datagrams).toBe(1);
    clock.advance(1);
    expect([timedOut, count('timeout'), store.datagrams, store.bytesInUse]).toEqual([[slot.index], 1, 0, 0]);
  });

  it('rebuilds any datagram from its fragments in any order (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 200 }), fc.integer(), (length, unit, seed) => {
        const { store } = setup({ maxFragments: 4096, maxBytes: 1 << 20 });
        const whole = data(length, seed & 0xff);
        const size = unit * 8;
        const cuts: Array<[number, number]> = [];
        for (let at = 0; at < length; at += size) cuts.push([at, Math.min(size, length - at)]);
        // A seeded shuffle of the fragments.
        let state = seed >>> 0;
        for (let i = cuts.length - 1; i > 0; i--) {
          state = (Math.imul(state, 1103515245) + 12345) >>> 0;
          const j = state % (i + 1);
          [cuts[i], cuts[j]] = [cuts[j], cuts[i]];
        }
        const slot = store.open();
        let result: FragmentResult = FragmentResult.HELD;
        for (const [at, n] of cuts) result = put(store, slot, whole, at, n, at + n < length);
        expect(result).toBe(FragmentResult.COMPLETE);
        const out = new Uint8Array(length);
        store.copyPayload(slot, out, 0);
        expect(out).toEqual(whole);
        store.complete(slot);
        expect(store.bytesInUse).toBe(0);
      }),
    );
  });

  it('gives its memory back on clear', () => {
    const { store } = setup();
    put(store, store.open(), data(100), 0, 64, true);
    store.clear();
    expect([store.datagrams, store.bytesInUse]).toEqual([0, 0]);
  });
});
