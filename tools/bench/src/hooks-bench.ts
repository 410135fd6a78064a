// Hook dispatch cost per packet with 0, 1 and 4 hooks on a point, measured through HookSite.run as
// a layer calls it, beside a baseline loop that calls the same pass function directly.
// Run: node --conditions=@stack/source --import tsx tools/bench/src/hooks-bench.ts
import { createStack, defineHookPoint, ManualClock, Verdict, type PacketBuffer, type HookFn } from '@stack/core';
import { machineLine, median } from './machine.js';

const PACKETS = 5_000_000;
const ROUNDS = 7;
const point = defineHookPoint<PacketBuffer>('bench', 'input');

function measure(hooks: number): number {
  const stack = createStack({ clock: new ManualClock() });
  const site = stack.hooks.declare(point, 'bench', { release: (b) => b.release() }).site;
  let touched = 0;
  const pass: HookFn<PacketBuffer> = (buf) => {
    touched += buf.length & 1;
    return Verdict.PASS;
  };
  for (let i = 0; i < hooks; i++) stack.hooks.register(point, { id: `h${i}`, fn: pass }, 'bench');
  const ifp = stack.loopback;
  const buf = stack.pool.alloc(64);
  buf.append(64);
  const times: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    for (let i = 0; i < PACKETS; i++) {
      if (site.run(buf, ifp) === null) throw new Error('dropped');
    }
    times.push(((performance.now() - t0) * 1e6) / PACKETS);
  }
  if (touched < 0) console.log(touched);
  return median(times);
}

function baseline(): number {
  let touched = 0;
  const fns: HookFn<PacketBuffer>[] = [(buf) => ((touched += buf.length & 1), Verdict.PASS)];
  const buf = createStack({ clock: new ManualClock() }).pool.alloc(64);
  buf.append(64);
  const result = { reason: '', replacement: null };
  const times: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    for (let i = 0; i < PACKETS; i++) fns[0](buf, null, result);
    times.push(((performance.now() - t0) * 1e6) / PACKETS);
  }
  if (touched < 0) console.log(touched);
  return median(times);
}

console.log('hook dispatch cost per packet (median of %d rounds × %d packets)', ROUNDS, PACKETS);
console.log(machineLine());
console.log('command: node --conditions=@stack/source --import tsx tools/bench/src/hooks-bench.ts');
const base = baseline();
console.log(`baseline: one direct call of the same hook function: ${base.toFixed(2)} ns`);
console.log('| hooks on the point | ns per packet | × direct call |');
console.log('|---|---|---|');
for (const n of [0, 1, 4]) {
  const ns = measure(n);
  console.log(`| ${n} | ${ns.toFixed(2)} | ${(ns / base).toFixed(2)} |`);
}
