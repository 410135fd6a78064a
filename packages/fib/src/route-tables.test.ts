import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Ipv4Address, Ipv6Address, RouteError, RouteFlags, parseIpAddress, parsePrefix } from '@stack/core';
import type { RouteChangeEvent } from '@stack/core';
import { createRouteTables, type FibSet } from './route-tables.js';
import { LookupMemory, type WasmModule } from './lookup-memory.js';

const ip = (s: string) => parseIpAddress(s);
const v4 = (s: string) => Ipv4Address.parse(s).value;
function pfx(text: string) {
  const p = parsePrefix(text);
  return { prefix: p.address, prefixLength: p.prefixLength };
}
function bytes6(s: string): Uint8Array {
  return Uint8Array.from(Ipv6Address.parse(s).bytes);
}
function expectRouteError(fn: () => unknown, field: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(RouteError);
    expect((e as RouteError).field).toBe(field);
    return;
  }
  throw new Error(`expected a RouteError on ${field}`);
}

describe('FibSet basics', () => {
  it('finds the longest prefix and resolves next hops', () => {
    const t = createRouteTables();
    t.add(0, { ...pfx('10.0.0.0/8'), gateway: ip('192.0.2.1'), ifindex: 1 });
    t.add(0, { ...pfx('10.1.0.0/16'), ifindex: 2 });
    t.add(0, { ...pfx('0.0.0.0/0'), gateway: ip('192.0.2.254'), ifindex: 1 });
    const id = t.lookup4(0, v4('10.1.2.3'));
    expect(t.nextHop(id)).toMatchObject({ ifindex: 2, gateway: null, gateway4: 0 });
    const viaGw = t.nextHop(t.lookup4(0, v4('10.9.9.9')));
    expect(viaGw.gateway4).toBe(v4('192.0.2.1'));
    expect(viaGw.flags & RouteFlags.GATEWAY).toBeTruthy();
    expect(t.nextHop(t.lookup4(0, v4('8.8.8.8'))).gateway?.toString()).toBe('192.0.2.254');
    expect(t.get(0, ip('10.1.200.1'))).toMatchObject({ prefixLength: 16, ifindex: 2, installed: true, source: 'static' });
    t.remove(0, ip('0.0.0.0'), 0);
    expect(t.lookup4(0, v4('8.8.8.8'))).toBe(-1);
    expect(t.get(0, ip('8.8.8.8'))).toBeNull();
  });

  it('looks up IPv6 by bytes, by words and in bursts', () => {
    const t = createRouteTables();
    t.add(0, { ...pfx('2001:db8::/32'), ifindex: 1 });
    t.add(0, { ...pfx('2001:db8:1::/48'), ifindex: 2 });
    t.add(0, { ...pfx('2001:db8:1:2::1/128'), ifindex: 3 });
    const a = bytes6('2001:db8:1:2::1');
    expect(t.nextHop(t.lookup6(0, a, 0)).ifindex).toBe(3);
    const w = Ipv6Address.parse('2001:db8:1:ffff::');
    expect(t.nextHop(t.lookup6Words(0, Uint32Array.of(w.w0, w.w1, w.w2, w.w3), 0)).ifindex).toBe(2);
    const burst = new Uint8Array(48);
    burst.set(a, 0);
    burst.set(bytes6('2001:db8:ffff::'), 16);
    burst.set(bytes6('2002::'), 32);
    const out = new Int32Array(3);
    t.lookup6Burst(0, burst, out, 3);
    expect([...out].map((id) => (id < 0 ? -1 : t.nextHop(id).ifindex))).toEqual([3, 1, -1]);
    const out4 = new Int32Array(2);
    t.lookup4Burst(0, Uint32Array.of(1, 2), out4, 2);
    expect([...out4]).toEqual([-1, -1]);
  });

  it('picks the best of several sources and falls back when it goes', () => {
    const events: RouteChangeEvent[] = [];
    const t = createRouteTables({ onChange: (e) => events.push(e) });
    const p = pfx('198.51.100.0/24');
    t.add(0, { ...p, gateway: ip('192.0.2.9'), ifindex: 1, source: 'bgp', metric: 20 });
    t.add(0, { ...p, gateway: ip('192.0.2.8'), ifindex: 1, source: 'ospf', metric: 10 });
    t.add(0, { ...p, ifindex: 4, source: 'static', metric: 10 });
    expect(t.get(0, ip('198.51.100.7'))).toMatchObject({ source: 'static', ifindex: 4 });
    expect(t.list(0, 'ipv4').map((r) => [r.source, r.installed])).toEqual([
      ['static', true],
      ['ospf', false],
      ['bgp', false],
    ]);
    expect(t.remove(0, p.prefix, 24, 'static')).toBe(true);
    expect(t.get(0, ip('198.51.100.7'))?.source).toBe('ospf');
    expect(t.remove(0, p.prefix, 24, 'rip')).toBe(false);
    expect(t.remove(0, p.prefix, 24)).toBe(true);
    expect(t.lookup4(0, v4('198.51.100.7'))).toBe(-1);
    expect(events.map((e) => e.type)).toEqual(['ADD', 'CHANGE', 'CHANGE', 'CHANGE', 'DELETE']);
    expect(events[0]).toEqual({ system: 'ROUTE', subsystem: 'fib0', type: 'ADD', fib: 0, family: 'ipv4', prefix: '198.51.100.0', prefixLength: 24 });
  });

  it('rejects bad input naming the field, and applies nothing', () => {
    const t = createRouteTables();
    t.add(0, { ...pfx('10.0.0.0/8'), ifindex: 1 });
    const before = JSON.stringify(t.list(0, 'ipv4'));
    expectRouteError(() => t.add(0, { prefix: ip('10.0.0.1'), prefixLength: 8, ifindex: 1 }), 'prefix');
    expectRouteError(() => t.add(0, { prefix: ip('10.0.0.0'), prefixLength: 33, ifindex: 1 }), 'prefixLength');
    expectRouteError(() => t.add(0, { prefix: ip('2001:db8::'), prefixLength: 129, ifindex: 1 }), 'prefixLength');
    expectRouteError(() => t.add(7, { ...pfx('10.0.0.0/8'), ifindex: 1 }), 'fib');
    expectRouteError(() => t.add(0, { ...pfx('10.0.0.0/8'), gateway: ip('fe80::1'), ifindex: 1 }), 'gateway');
    expectRouteError(() => t.add(0, { ...pfx('10.0.0.0/8') }), 'ifindex');
    expectRouteError(() => t.add(0, { ...pfx('10.0.0.0/8'), ifindex: 1, metric: -1 }), 'metric');
    expectRouteError(() => t.add(0, { ...pfx('10.0.0.0/8'), ifindex: 1, flags: 0x1000 }), 'flags');
    expectRouteError(() => t.add(0, { ...pfx('10.0.0.0/8'), ifindex: 1, multipath: [{ gateway: ip('::1'), ifindex: 2 }] }), 'multipath');
    expectRouteError(() => t.remove(0, ip('10.0.0.1'), 8), 'prefix');
    expectRouteError(() => t.list(3, 'ipv4'), 'fib');
    expectRouteError(() => t.deleteFib(0), 'fib');
    expect(() => t.add(0, { prefix: ip('10.0.0.1'), prefixLength: 8, ifindex: 1 })).toThrow(/host bits set \(did you mean 10\.0\.0\.0\/8\?\)/);
    expect(JSON.stringify(t.list(0, 'ipv4'))).toBe(before);
  });

  it('installs blackhole and reject routes without an interface', () => {
    const t = createRouteTables();
    t.add(0, { ...pfx('192.0.2.0/24'), flags: RouteFlags.BLACKHOLE });
    t.add(0, { ...pfx('192.0.2.128/25'), flags: RouteFlags.REJECT });
    expect(t.nextHop(t.lookup4(0, v4('192.0.2.1'))).flags & RouteFlags.BLACKHOLE).toBeTruthy();
    expect(t.nextHop(t.lookup4(0, v4('192.0.2.200'))).flags & RouteFlags.REJECT).toBeTruthy();
    t.add(0, { ...pfx('192.0.2.1/32'), ifindex: 1 });
    expect(t.get(0, ip('192.0.2.1'))!.flags & RouteFlags.HOST).toBeTruthy();
  });
});

describe('lookup engines', () => {
  it('runs lookups in WebAssembly by default, in JavaScript on request, with the same answers', () => {
    const fill = (t: FibSet) => {
      t.add(0, { ...pfx('10.0.0.0/8'), ifindex: 1 });
      t.add(0, { ...pfx('10.1.2.0/24'), ifindex: 2 });
      t.add(0, { ...pfx('2001:db8::/32'), ifindex: 3 });
      return t;
    };
    const wasm = fill(createRouteTables());
    const js = fill(createRouteTables({ lookupEngine: 'js' }));
    expect(wasm.memory(0).lookup4).toBeGreaterThan(0);
    const dsts = Uint32Array.of(v4('10.1.2.3'), v4('10.9.9.9'), v4('11.0.0.1'));
    for (const t of [wasm, js]) {
      const out = new Int32Array(3);
      t.lookup4Burst(0, dsts, out, 3);
      expect([...out].map((id) => (id < 0 ? -1 : t.nextHop(id).ifindex))).toEqual([2, 1, -1]);
      expect(t.nextHop(t.lookup6(0, bytes6('2001:db8::1'), 0)).ifindex).toBe(3);
    }
    expectRouteError(() => createRouteTables({ lookupEngine: 'asm' as 'js' }), 'lookupEngine');
  });

  it('answers with the default route wherever no other prefix matches', () => {
    const t = createRouteTables();
    t.batch(() => {
      for (let i = 0; i < 4096; i++) t.add(0, { prefix: new Ipv4Address(((i << 20) | 0x100) >>> 0), prefixLength: 24, ifindex: 1 });
    });
    const probe = v4('200.0.0.1');
    expect(t.lookup4(0, probe)).toBe(-1);
    t.add(0, { ...pfx('0.0.0.0/0'), ifindex: 2 });
    expect(t.nextHop(t.lookup4(0, probe)).ifindex).toBe(2);
    expect(t.nextHop(t.lookup4(0, v4('0.16.1.9'))).ifindex).toBe(1);
    expect(t.nextHop(t.lookup4(0, v4('0.16.2.9'))).ifindex).toBe(2);
    t.add(0, { ...pfx('0.0.0.0/0'), ifindex: 3 });
    expect(t.nextHop(t.lookup4(0, probe)).ifindex).toBe(3);
    t.remove(0, ip('0.0.0.0'), 0);
    expect(t.lookup4(0, probe)).toBe(-1);
    t.add(0, { prefix: ip('::'), prefixLength: 0, ifindex: 4 });
    expect(t.nextHop(t.lookup6(0, bytes6('2001:db8::1'), 0)).ifindex).toBe(4);
  });

  it('cuts a burst count to the arrays it is given, in both engines', () => {
    for (const engine of ['wasm', 'js'] as const) {
      const t = createRouteTables({ lookupEngine: engine });
      t.add(0, { ...pfx('10.0.0.0/8'), ifindex: 1 });
      const out = new Int32Array(4).fill(-7);
      t.lookup4Burst(0, Uint32Array.of(v4('10.0.0.1'), v4('10.0.0.2')), out, 1000);
      expect([out[0] >= 0, out[1] >= 0, out[2], out[3]]).toEqual([true, true, -7, -7]);
      const small = new Int32Array(1);
      t.lookup4Burst(0, new Uint32Array(100).fill(v4('10.1.1.1')), small, 100);
      expect(small[0]).toBeGreaterThanOrEqual(0);
      const out6 = new Int32Array(3).fill(-7);
      t.lookup6Burst(0, new Uint8Array(16 * 2 + 5), out6, 3);
      expect([...out6]).toEqual([-1, -1, -7]);
      t.lookup4Burst(0, new Uint32Array(2), out, Number.NaN);
      t.lookup4Burst(0, new Uint32Array(2), out, -5);
      expect(out[2]).toBe(-7);
    }
  });

  it('falls back to JavaScript lookups when a memory cannot be made', () => {
    const m = new LookupMemory(1024, {} as WasmModule);
    expect(m.native).toBe(false);
    m.resize(4096, 16);
    expect(m.i32.length).toBeGreaterThanOrEqual(4096);
    expect(m.values[0x8000]).toBe(-1);
  });
});

describe('FIBs', () => {
  it('creates and deletes FIBs; connected routes go to every FIB, including later ones', () => {
    const t = createRouteTables({ fibs: 2 });
    const off = t.addConnected({ ...pfx('192.0.2.0/24'), ifindex: 3 }, 0);
    t.add(1, { ...pfx('0.0.0.0/0'), gateway: ip('192.0.2.1'), ifindex: 3 });
    t.createFib(5);
    expect(t.fibs()).toEqual([0, 1, 5]);
    for (const f of [0, 1, 5]) expect(t.get(f, ip('192.0.2.7'))).toMatchObject({ source: 'connected', ifindex: 3 });
    expect(t.get(0, ip('192.0.2.7'))!.flags & RouteFlags.CONNECTED).toBeTruthy();
    expect(t.lookup4(0, v4('8.8.8.8'))).toBe(-1);
    expect(t.lookup4(1, v4('8.8.8.8'))).toBeGreaterThanOrEqual(0);
    off();
    off();
    for (const f of [0, 1, 5]) expect(t.lookup4(f, v4('192.0.2.7'))).toBe(f === 1 ? t.lookup4(1, v4('8.8.8.8')) : -1);
    t.deleteFib(5);
    expect(t.hasFib(5)).toBe(false);
    expect(t.lookup4(5, v4('8.8.8.8'))).toBe(-1);
    expectRouteError(() => t.createFib(1), 'fib');
  });

  it('keeps connected routes to the interface FIB when allFibs is off', () => {
    const t = createRouteTables({ fibs: 3, addAddrAllFibs: false });
    t.addConnected({ ...pfx('2001:db8::/64'), ifindex: 2 }, 1);
    expect([0, 1, 2].map((f) => t.get(f, ip('2001:db8::5')) !== null)).toEqual([false, true, false]);
    t.addConnected({ ...pfx('2001:db8:1::/64'), ifindex: 2 }, 1, true);
    expect([0, 1, 2].map((f) => t.get(f, ip('2001:db8:1::5')) !== null)).toEqual([true, true, true]);
  });

  it('removes the routes of an interface, shrinking ECMP groups', () => {
    const t = createRouteTables();
    t.add(0, { ...pfx('10.0.0.0/8'), gateway: ip('192.0.2.1'), ifindex: 1, multipath: [{ gateway: ip('198.51.100.1'), ifindex: 2 }] });
    t.add(0, { ...pfx('172.16.0.0/12'), ifindex: 1 });
    t.addConnected({ ...pfx('192.0.2.0/24'), ifindex: 1 }, 0);
    t.removeInterface(1);
    expect(t.list(0, 'ipv4').map((r) => `${r.prefix.toString()}/${r.prefixLength}@${r.ifindex}`)).toEqual(['10.0.0.0/8@2']);
  });
});

describe('ECMP', () => {
  it('spreads flows over members by weight and keeps untouched flows in place', () => {
    const t = createRouteTables();
    const members = [2, 3, 4].map((i) => ({ gateway: ip(`192.0.2.${i}`), ifindex: i }));
    t.add(0, { ...pfx('10.0.0.0/8'), gateway: ip('192.0.2.1'), ifindex: 1, multipath: members });
    const dst = v4('10.1.1.1');
    const before = Array.from({ length: 4000 }, (_, h) => t.nextHop(t.lookup4(0, dst, h * 2654435761)).ifindex);
    const counts = [1, 2, 3, 4].map((i) => before.filter((x) => x === i).length);
    for (const c of counts) expect(c).toBeGreaterThan(800);
    // Drop member 4: only its flows move.
    t.add(0, { ...pfx('10.0.0.0/8'), gateway: ip('192.0.2.1'), ifindex: 1, multipath: members.slice(0, 2) });
    const after = Array.from({ length: 4000 }, (_, h) => t.nextHop(t.lookup4(0, dst, h * 2654435761)).ifindex);
    for (let i = 0; i < before.length; i++) if (before[i] !== 4) expect(after[i]).toBe(before[i]);
    const burst = new Int32Array(3);
    t.lookup4Burst(0, Uint32Array.of(dst, dst, dst), burst, 3, Uint32Array.of(0, 1, 2));
    for (let i = 0; i < 3; i++) expect(burst[i]).toBe(t.lookup4(0, dst, i));
    expect(t.get(0, ip('10.2.3.4'))!.multipath.map((m) => m.ifindex)).toEqual([2, 3]);
  });

  it('selects members in IPv6 bursts as in single lookups', () => {
    const t = createRouteTables();
    t.add(0, { ...pfx('2001:db8::/32'), ifindex: 1, multipath: [{ ifindex: 2 }, { ifindex: 3 }] });
    t.add(0, { ...pfx('2001:db8:5::/48'), ifindex: 4 });
    const count = 40;
    const addrs = new Uint8Array(count * 16);
    const hashes = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      addrs.set(bytes6(i % 5 === 0 ? '2001:db8:5::1' : i % 7 === 0 ? '2002::1' : `2001:db8:${i}::1`), i * 16);
      hashes[i] = Math.imul(i + 1, 0x9e3779b1) >>> 0;
    }
    const out = new Int32Array(count);
    t.lookup6Burst(0, addrs, out, count, hashes);
    for (let i = 0; i < count; i++) expect(out[i]).toBe(t.lookup6(0, addrs, i * 16, hashes[i]));
    expect(new Set([...out].filter((id) => id >= 0).map((id) => t.nextHop(id).ifindex))).toEqual(new Set([1, 2, 3, 4]));
  });

  it('honours weights', () => {
    const t = createRouteTables();
    t.add(0, { ...pfx('10.0.0.0/8'), ifindex: 1, multipath: [{ ifindex: 2, weight: 3 }] });
    const picks = Array.from({ length: 8000 }, (_, h) => t.nextHop(t.lookup4(0, v4('10.0.0.1'), Math.imul(h, 0x9e3779b1))).ifindex);
    const share = picks.filter((x) => x === 2).length / picks.length;
    expect(share).toBeGreaterThan(0.7);
    expect(share).toBeLessThan(0.8);
  });
});

describe('batch', () => {
  it('publishes a batch as one generation and reports its events after it', () => {
    const seen: string[] = [];
    const t = createRouteTables({ onChange: (e) => seen.push(`${e.type} ${e.prefix}/${e.prefixLength} ${t.lookup4(0, v4(e.prefix)) >= 0}`) });
    t.batch(() => {
      t.add(0, { ...pfx('10.0.0.0/8'), ifindex: 1 });
      t.add(0, { ...pfx('10.1.0.0/16'), ifindex: 2 });
      expect(t.lookup4(0, v4('10.1.0.1'))).toBe(-1);
      expect(seen).toEqual([]);
    });
    expect(seen).toEqual(['ADD 10.0.0.0/8 true', 'ADD 10.1.0.0/16 true']);
  });
});

// ---- property test against a linear scan ----

interface RefRoute {
  readonly key: string;
  readonly addr: number;
  readonly len: number;
  readonly ifindex: number;
}
function covers(r: RefRoute, a: number): boolean {
  return r.len === 0 || (a ^ r.addr) >>> (32 - r.len) === 0;
}

describe('FibSet against a linear scan', () => {
  const arbAddr = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 0xffffff })).map(([hi, lo]) => ((0x0a000000 | (hi << 22) | (lo & 0x3fffff)) ^ (lo & 0xc00000 ? 0x00010000 : 0)) >>> 0);
  const arbLen = fc.oneof(fc.integer({ min: 0, max: 32 }), fc.integer({ min: 18, max: 30 }));
  const arbOp = fc.record({ remove: fc.boolean(), addr: arbAddr, len: arbLen, ifindex: fc.integer({ min: 1, max: 4 }), batched: fc.boolean() });

  it('agrees on random tables with random adds and removes', () => {
    fc.assert(
      fc.property(fc.array(arbOp, { minLength: 5, maxLength: 120 }), fc.array(arbAddr, { minLength: 30, maxLength: 30 }), fc.constantFrom('wasm', 'js'), (ops, probes, engine) => {
        const t = createRouteTables({ lookupEngine: engine as 'wasm' | 'js' });
        const ref = new Map<string, RefRoute>();
        const apply = (op: (typeof ops)[number]) => {
          const addr = op.len === 0 ? 0 : (op.addr & (-1 << (32 - op.len))) >>> 0;
          const key = `${addr}/${op.len}`;
          if (op.remove && ref.size > 0) {
            const victim = [...ref.values()][op.addr % ref.size];
            expect(t.remove(0, new Ipv4Address(victim.addr), victim.len)).toBe(true);
            ref.delete(victim.key);
          } else {
            t.add(0, { prefix: new Ipv4Address(addr), prefixLength: op.len, ifindex: op.ifindex });
            ref.set(key, { key, addr, len: op.len, ifindex: op.ifindex });
          }
        };
        for (let i = 0; i < ops.length; i++) {
          if (ops[i].batched) t.batch(() => apply(ops[i]));
          else apply(ops[i]);
        }
        const all = [...probes];
        for (const r of ref.values()) all.push(r.addr, (r.addr | (r.len === 32 ? 0 : 0xffffffff >>> r.len)) >>> 0, (r.addr | (probes[r.ifindex] & (r.len === 32 ? 0 : 0xffffffff >>> r.len))) >>> 0);
        for (const a of all) {
          let best: RefRoute | undefined;
          for (const r of ref.values()) if (covers(r, a) && (best === undefined || r.len > best.len)) best = r;
          const id = t.lookup4(0, a);
          expect(id < 0 ? -1 : t.nextHop(id).ifindex).toBe(best === undefined ? -1 : best.ifindex);
          expect(t.get(0, new Ipv4Address(a))?.prefixLength ?? -1).toBe(best === undefined ? -1 : best.len);
        }
        const listed = t.list(0, 'ipv4').map((r) => `${(r.prefix as Ipv4Address).value}/${r.prefixLength}`);
        expect(listed).toEqual([...ref.values()].sort((x, y) => x.addr - y.addr || x.len - y.len).map((r) => r.key));
      }),
      { numRuns: 150 },
    );
  });
});

describe('hostile route input', () => {
  // Mostly valid routes with a hostile value in some fields: add() either applies the route or
  // throws a RouteError naming a field, and a throw leaves the tables exactly as they were.
  const anyAddress = fc.oneof(
    fc.integer({ min: 0, max: 0xffffffff }).map((v) => new Ipv4Address(v >>> 0) as unknown),
    fc.tuple(fc.integer(), fc.integer(), fc.integer(), fc.integer()).map(([a, b, c, d]) => Ipv6Address.fromWords(a >>> 0, b >>> 0, c >>> 0, d >>> 0) as unknown),
  );
  const hostile = fc.oneof(fc.anything(), anyAddress, fc.integer({ min: -2, max: 200 }), fc.double(), fc.constantFrom(Number.NaN, Infinity, -0, 2 ** 31, '1', null));
  /** A valid value seven times in eight, else anything. */
  const field = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ arbitrary: valid, weight: 7 }, { arbitrary: hostile as fc.Arbitrary<unknown>, weight: 1 });
  /** Null (keep the valid value) nine times in ten. */
  const rarely = (a: fc.Arbitrary<unknown>) => fc.oneof({ arbitrary: fc.constant(null), weight: 9 }, { arbitrary: a, weight: 1 });
  const validPrefix = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 })).map(([a, len]) => ({
    prefix: new Ipv4Address(len === 0 ? 0 : (a & (-1 << (32 - len))) >>> 0),
    prefixLength: len,
  }));
  const spec = fc
    .record({
      p: validPrefix,
      prefix: rarely(hostile),
      prefixLength: rarely(hostile),
      gateway: fc.option(field(fc.integer({ min: 1, max: 0xfffffffe }).map((v) => new Ipv4Address(v))), { freq: 2 }),
      ifindex: field(fc.integer({ min: 1, max: 3 })),
      flags: fc.option(field(fc.constantFrom(RouteFlags.STATIC, RouteFlags.BLACKHOLE, RouteFlags.REJECT, 0)), { freq: 2 }),
      metric: fc.option(field(fc.integer({ min: 0, max: 100 })), { freq: 2 }),
      mtu: fc.option(field(fc.integer({ min: 68, max: 9000 })), { freq: 2 }),
      source: fc.option(field(fc.constantFrom('static', 'bgp', 'ospf')), { freq: 2 }),
      multipath: fc.option(field(fc.array(fc.record({ gateway: field(fc.integer({ min: 1, max: 0xfffffffe }).map((v) => new Ipv4Address(v))), ifindex: field(fc.integer({ min: 1, max: 3 })) }), { maxLength: 3 })), { freq: 3 }),
    })
    .map(({ p, prefix, prefixLength, ...rest }) => {
      const out: Record<string, unknown> = { prefix: prefix ?? p.prefix, prefixLength: prefixLength ?? p.prefixLength };
      for (const [k, v] of Object.entries(rest)) if (v !== null) out[k] = v;
      return out;
    });

  it('applies a route or throws a RouteError that leaves the tables unchanged', () => {
    let applied = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.array(spec, { maxLength: 20 }), fc.oneof({ arbitrary: fc.constantFrom(0, 1), weight: 5 }, { arbitrary: fc.constant(2), weight: 1 }), (specs, fib) => {
        const t = createRouteTables({ fibs: 2 });
        t.add(0, { ...pfx('10.0.0.0/8'), ifindex: 1 });
        const snapshot = () => JSON.stringify([t.list(0, 'ipv4'), t.list(0, 'ipv6'), t.list(1, 'ipv4'), t.list(1, 'ipv6')]);
        for (const s of specs) {
          const before = snapshot();
          try {
            t.add(fib, s as never);
            applied++;
          } catch (e) {
            expect(e).toBeInstanceOf(RouteError);
            expect(typeof (e as RouteError).field).toBe('string');
            expect(snapshot()).toBe(before);
            refused++;
          }
        }
        // Lookups still answer from whatever was applied.
        expect(t.lookup4(0, v4('10.1.2.3'))).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 120 },
    );
    // Both outcomes happened often, so every check was reached.
    expect(Math.min(applied, refused)).toBeGreaterThan(50);
  });
});
