import { ManualClock } from '@stack/core';
import { describe, expect, it } from 'vitest';
import { SimNetwork, type Impairment } from '../src/index.js';
import { BROADCAST, ethernetFrame, record, send, sequenceOf } from './helpers.js';

/** Send `count` numbered frames a→b, `spacingMs` apart (0: one batch), and settle. */
function run(impairment: Impairment, count: number, options: { seed?: number; spacingMs?: number; length?: number } = {}) {
  const clock = new ManualClock();
  const net = new SimNetwork({ clock, seed: options.seed });
  const [a, b] = net.linkPair({ aToB: impairment });
  const sink = record(b, () => clock.now());
  const frames = Array.from({ length: count }, (_, i) => ethernetFrame(BROADCAST, a.hardwareAddress!, i, options.length ?? 64));
  if ((options.spacingMs ?? 0) === 0) send(a, ...frames);
  else {
    for (const frame of frames) {
      send(a, frame);
      net.run(options.spacingMs!);
    }
  }
  net.settle();
  return { sent: frames, received: sink.frames, stats: a.impairmentStats('tx'), a, net };
}

describe('Impairment', () => {
  it('loses 10% of 10 000 frames, within a tight band, and counts it', () => {
    const { received, stats } = run({ loss: 0.1 }, 10_000);
    expect(stats.lost).toBeGreaterThan(900);
    expect(stats.lost).toBeLessThan(1100);
    expect(received.length + stats.lost).toBe(10_000);
    expect(stats.delivered).toBe(received.length);
  });

  it('loses the same frames with the same seed and different ones with another', () => {
    const pattern = (seed: number) => run({ loss: 0.3 }, 500, { seed }).received.map((f) => sequenceOf(f.bytes));
    expect(pattern(7)).toEqual(pattern(7));
    expect(pattern(7)).not.toEqual(pattern(8));
  });

  it('a per-direction seed overrides the network seed', () => {
    const pattern = (seed: number) => run({ loss: 0.3, seed: 42 }, 200, { seed }).received.map((f) => sequenceOf(f.bytes));
    expect(pattern(1)).toEqual(pattern(2));
  });

  it('duplicates, delivering the copy right after the original', () => {
    const { received, stats } = run({ duplicate: 0.2 }, 2000);
    expect(stats.duplicated).toBeGreaterThan(320);
    expect(stats.duplicated).toBeLessThan(480);
    expect(received.length).toBe(2000 + stats.duplicated);
    const sequences = received.map((f) => sequenceOf(f.bytes));
    for (let i = 1; i < sequences.length; i++) expect(sequences[i]).toBeGreaterThanOrEqual(sequences[i - 1]);
  });

  it('reorders: held-back frames are overtaken by later ones, none is lost', () => {
    const { received, stats } = run({ reorder: 0.25, reorderDelay: 3 }, 400, { spacingMs: 1 });
    const sequences = received.map((f) => sequenceOf(f.bytes));
    expect(stats.reordered).toBeGreaterThan(60);
    expect(stats.reordered).toBeLessThan(140);
    expect([...sequences].sort((x, y) => x - y)).toEqual(Array.from({ length: 400 }, (_, i) => i));
    let inversions = 0;
    for (let i = 1; i < sequences.length; i++) if (sequences[i] < sequences[i - 1]) inversions++;
    expect(inversions).toBeGreaterThan(0);
  });

  it('delays by delay ± jitter', () => {
    const { received } = run({ delay: 20, jitter: 5 }, 500);
    const times = received.map((f) => f.timeMs);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(15);
    expect(Math.max(...times)).toBeLessThanOrEqual(25);
    expect(new Set(times).size).toBeGreaterThan(100);
  });

  it('corrupts by flipping exactly one bit', () => {
    const { sent, received, stats } = run({ corrupt: 0.5 }, 1000);
    // Nothing reorders here, so the i-th frame received is the i-th sent.
    expect(received).toHaveLength(sent.length);
    const distances = received.map((frame, i) => bitDistance(sent[i], frame.bytes));
    expect(Math.max(...distances)).toBe(1);
    const corrupted = distances.filter((distance) => distance === 1).length;
    expect(corrupted).toBe(stats.corrupted);
    expect(corrupted).toBeGreaterThan(430);
    expect(corrupted).toBeLessThan(570);
  });

  it('rate-limits: frames leave one serialization time apart', () => {
    // 1000-byte frames on a 1 Mbit/s line take 8 ms each.
    const { received } = run({ rateBitsPerSecond: 1_000_000, delay: 2 }, 5, { length: 1000 });
    expect(received.map((f) => f.timeMs)).toEqual([10, 18, 26, 34, 42]);
  });

  it('an idle rate-limited line sends at once', () => {
    const { received } = run({ rateBitsPerSecond: 1_000_000 }, 3, { length: 1000, spacingMs: 20 });
    expect(received.map((f) => f.timeMs)).toEqual([8, 28, 48]);
  });

  it('tail-drops beyond the queue limit and counts it on the sender', () => {
    const { received, stats, a } = run({ rateBitsPerSecond: 1_000_000, queueLimit: 3 }, 10, { length: 1000 });
    expect(received.map((f) => sequenceOf(f.bytes))).toEqual([0, 1, 2, 3]);
    expect(stats.queueDropped).toBe(6);
    expect(a.stats.txDropped).toBe(6);
    expect(a.stats.txFrames).toBe(4);
  });

  it('can be changed while running', () => {
    const clock = new ManualClock();
    const net = new SimNetwork({ clock });
    const [a, b] = net.linkPair();
    const sink = record(b, () => clock.now());
    a.setImpairment('tx', { loss: 1 });
    send(a, ethernetFrame(BROADCAST, a.hardwareAddress!, 1));
    net.settle();
    b.setImpairment('rx', null);
    send(a, ethernetFrame(BROADCAST, a.hardwareAddress!, 2));
    net.settle();
    expect(sink.frames.map((f) => sequenceOf(f.bytes))).toEqual([2]);
    expect(b.impairmentStats('rx')).toBe(a.impairmentStats('tx'));
  });

  it('rejects nonsense', () => {
    const net = new SimNetwork();
    expect(() => net.linkPair({ impairment: { loss: 1.5 } })).toThrow(RangeError);
    expect(() => net.linkPair({ impairment: { delay: -1 } })).toThrow(RangeError);
    expect(() => net.linkPair({ impairment: { jitter: Number.NaN } })).toThrow(RangeError);
  });
});

function bitDistance(x: Uint8Array, y: Uint8Array): number {
  if (x.length !== y.length) return Number.POSITIVE_INFINITY;
  let bits = 0;
  for (let i = 0; i < x.length; i++) {
    let diff = x[i] ^ y[i];
    while (diff !== 0) {
      bits += diff & 1;
      diff >>>= 1;
    }
  }
  return bits;
}
