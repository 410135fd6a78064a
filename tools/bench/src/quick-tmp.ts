import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { createRouteTables } from '@stack/fib';
import { Ipv4Address, Ipv6Address, parsePrefix } from '@stack/core';
const lines = gunzipSync(readFileSync('/work/shared/data/tier1-prefixes.txt.gz')).toString().split(/\r?\n/).filter(Boolean);
const v4: [number, number][] = []; const v6: [Ipv6Address, number][] = [];
for (const l of lines) { const p = parsePrefix(l); if (p.address.family === 'ipv4') v4.push([p.address.value, p.prefixLength]); else v6.push([p.address as Ipv6Address, p.prefixLength]); }
console.log(v4.length, v6.length);
const topBits4 = +(process.env.T4 ?? 17), topBits6 = +(process.env.T6 ?? 16);
const t = createRouteTables({ ipv4TopBits: topBits4, ipv6TopBits: topBits6 });
const gws = [1,2,3,4].map(i => new Ipv4Address(0x0a000000 + i));
let t0 = performance.now();
const addrs = v4.map(([v]) => new Ipv4Address(v));
t0 = performance.now();
t.batch(() => { for (let i = 0; i < v4.length; i++) t.add(0, { prefix: addrs[i], prefixLength: v4[i][1], gateway: gws[i & 3], ifindex: 1 }); });
console.log('v4 build ms', performance.now() - t0);
t0 = performance.now();
t.batch(() => { for (let i = 0; i < v6.length; i++) t.add(0, { prefix: v6[i][0], prefixLength: v6[i][1], ifindex: 2 + (i & 3) }); });
console.log('v6 build ms', performance.now() - t0);
console.log(t.memory(0));
const N = 1 << 22; const dst = new Uint32Array(N); for (let i = 0; i < N; i++) dst[i] = (Math.random() * 2 ** 32) >>> 0;
const dstIn = new Uint32Array(N); for (let i = 0; i < N; i++) { const [v, l] = v4[(Math.random() * v4.length) | 0]; dstIn[i] = (v | ((Math.random() * 2 ** 32) >>> l)) >>> 0; if (l === 0) dstIn[i] = v; }
const out = new Int32Array(N);
for (const [name, d] of [['random', dst], ['in-prefix', dstIn]] as const) for (let r = 0; r < 3; r++) { t0 = performance.now(); t.lookup4Burst(0, d, out, N); const ms = performance.now() - t0; console.log(name, (N / ms / 1000).toFixed(1), 'M/s'); }
const b6 = new Uint8Array(N * 16); const dv = new DataView(b6.buffer);
for (let i = 0; i < N; i++) { const [a, l] = v6[(Math.random() * v6.length) | 0]; b6.set(a.bytes, i * 16); for (let k = l; k < 128; k++) if (Math.random() < 0.5) b6[i * 16 + (k >> 3)] |= 0x80 >> (k & 7); }
for (let r = 0; r < 3; r++) { t0 = performance.now(); t.lookup6Burst(0, b6, out, N); const ms = performance.now() - t0; console.log('v6 in-prefix', (N / ms / 1000).toFixed(1), 'M/s'); }
const anyT = t as any; const tr = anyT.tries4[0]; console.log('v4 usage', tr.usage(), tr.nodes.length/4, tr.leaves.length); const tr6 = anyT.tries6[0]; console.log('v6 usage', tr6.usage(), tr6.nodes.length/4, tr6.leaves.length);
console.log('bump', tr6.nodesUsed, tr6.leavesUsed, tr6.dirtyList.length, tr.nodesUsed, tr.leavesUsed);
