// The harness shared by the hostile-input interop tests (IPv4 and IPv6): a case is a script name
// with the counters its frames must land in; `runHostileCase` sends it and checks the deltas.
import { expect } from 'vitest';
import type { HostileSender, HostProcess, Netns } from './testbed.js';

/** Counter delta since the case started. */
export type Deltas = (name: string) => number;

export interface HostileCase {
  /** Case name in the scapy script. */
  readonly name: string;
  /** Repetitions (default 20); some cases send several frames per repetition. */
  readonly repeat?: number;
  /** The counter that must move first (polled until it does). */
  readonly wait: string;
  /** Exact counter deltas, given the number of frames sent. */
  readonly exact: Record<string, (frames: number) => number>;
  /** Further checks. */
  readonly check?: (d: Deltas, frames: number) => void;
}

export const all = (f: number): number => f;
export const none = (): number => 0;
export const perPair = (f: number): number => f / 2;
export const perTriple = (f: number): number => f / 3;

/**
 * The reassembly bounds, the same for both families (one ReassemblyStore in core): fragments of
 * one datagram for ever, first fragments of 3000 datagrams, 500 far fragments, 1.4 MB of
 * fragments. `family` names the counters, `prefix` the scapy cases (`frag` / `frag6`).
 */
export function reassemblyBoundCases(family: 'ipv4' | 'ipv6', prefix: string): HostileCase[] {
  const c = (name: string): string => `${family}.${name}`;
  return [
    {
      // one datagram, fragments for ever: 64 kept, the 65th discards it, the rest are late
      name: `${prefix}_endless_one`,
      repeat: 300,
      wait: c('reass.late-fragment'),
      exact: { [c('in.fragments')]: all, [c('reass.too-many-fragments')]: () => 1, [c('reass.late-fragment')]: (f) => f - 65 },
    },
    {
      // first fragments of 3000 datagrams never completed: at most 64 held, the oldest evicted
      name: `${prefix}_endless_many`,
      repeat: 3000,
      wait: c('in.fragments'),
      exact: { [c('in.fragments')]: all, [c('reass.ok')]: none },
      check: (d, f) => expect(d(c('reass.evicted'))).toBeGreaterThanOrEqual(f - 64),
    },
    {
      // 500 datagrams with one fragment near 64 KB each: storage is counted by bytes held, so they
      // never reach the 1 MiB bound; the 64-datagram bound evicts them
      name: `${prefix}_far`,
      repeat: 500,
      wait: c('in.fragments'),
      exact: { [c('in.fragments')]: all, [c('reass.ok')]: none, [c('reass.memory')]: none },
      check: (d, f) => expect(d(c('reass.evicted'))).toBeGreaterThanOrEqual(f - 64),
    },
    {
      // 50 datagrams holding 28 KB each (1.4 MB): the 1 MiB bound holds, oldest discarded first
      name: `${prefix}_memory`,
      repeat: 1000,
      wait: c('in.fragments'),
      exact: { [c('in.fragments')]: all, [c('reass.ok')]: none },
      check: (d) => expect(d(c('reass.memory'))).toBeGreaterThan(0),
    },
  ];
}

/** Sum of the counters starting with `prefix`, except those named. */
export function sumCounters(m: Map<string, number>, prefix: string, except: readonly string[] = []): number {
  let s = 0;
  for (const [k, v] of m) if (k.startsWith(prefix) && !except.includes(k)) s += v;
  return s;
}

/** Transmit statistics of a device in the namespace, as Linux counts them. */
export async function linuxTx(ns: Netns, dev: string): Promise<{ packets: number; dropped: number }> {
  const r = await ns.ip('-s', '-j', 'link', 'show', 'dev', dev);
  const tx = (JSON.parse(r.stdout) as { stats64: { tx: { packets: number; dropped: number } } }[])[0].stats64.tx;
  return { packets: tx.packets, dropped: tx.dropped };
}

/** RX packets of interface `name` in stack-host's `ifconfig` output. */
export function rxPackets(ifconfig: string[], name: string): number {
  const at = ifconfig.findIndex((l) => l.startsWith(`${name}:`));
  const line = ifconfig.slice(at).find((l) => l.includes('RX packets'));
  return Number(/RX packets (\d+)/.exec(line ?? '')?.[1] ?? NaN);
}

/** Send one case, wait until its counter has moved as far as expected, then check every delta. */
export async function runHostileCase(host: HostProcess, sender: HostileSender, c: HostileCase): Promise<void> {
  const before = await host.stats();
  const frames = await sender.send(c.name, c.repeat ?? 20);
  const target = (c.exact[c.wait] ?? all)(frames);
  let after = await host.stats();
  for (let i = 0; i < 100 && (after.get(c.wait) ?? 0) - (before.get(c.wait) ?? 0) < target; i++) {
    await new Promise((r) => setTimeout(r, 30));
    after = await host.stats();
  }
  await new Promise((r) => setTimeout(r, 30));
  after = await host.stats();
  const d: Deltas = (name) => (after.get(name) ?? 0) - (before.get(name) ?? 0);
  const moved = [...after.keys()].filter((k) => d(k) !== 0).map((k) => `${k}+${d(k)}`).join(' ');
  for (const [counter, expected] of Object.entries(c.exact)) {
    expect(d(counter), `${counter} after ${frames} frames (moved: ${moved})`).toBe(expected(frames));
  }
  c.check?.(d, frames);
  expect(d('stack.input-errors'), 'a protocol threw').toBe(0);
  expect(host.alive).toBe(true);
}
