/// <reference types="node" />
// Allocation per call, measured with V8's sampling heap profiler (objects already collected by
// minor and major GCs included, so it counts what was allocated, not what survived).
import { Session } from 'node:inspector/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PacketPool } from '../buffer/packet-pool.js';
import { internetChecksum, verifyChecksum } from './internet-checksum.js';

/** Small enough to catch one 72-byte typed-array object per call many times over. */
const SAMPLING_INTERVAL = 128;
const CALLS = 100_000;
const ROUNDS = 5;

interface ProfileNode {
  selfSize: number;
  children: ProfileNode[];
}

let session: Session;

beforeAll(async () => {
  session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
});

afterAll(async () => {
  await session.post('HeapProfiler.disable');
  session.disconnect();
});

/** Heap bytes allocated per call of `fn` over `CALLS` calls. */
async function bytesPerCall(fn: () => number): Promise<number> {
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: SAMPLING_INTERVAL,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  // XOR keeps the accumulator a small integer: the loop itself allocates nothing.
  let acc = 0;
  for (let i = 0; i < CALLS; i++) acc ^= fn();
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: { head: ProfileNode } };
  let total = 0;
  const walk = (node: ProfileNode): void => {
    total += node.selfSize;
    for (const child of node.children) walk(child);
  };
  walk(profile.head);
  expect(acc).toBeGreaterThanOrEqual(0);
  return total / CALLS;
}

/**
 * Per-call allocation over several rounds: the first calls run unoptimized code, which boxes
 * intermediate numbers, so the lowest round is the optimized code's figure and the highest round
 * shows whether anything was seen at all.
 */
async function rounds(fn: () => number): Promise<{ min: number; max: number }> {
  const figures: number[] = [];
  for (let r = 0; r < ROUNDS; r++) figures.push(await bytesPerCall(fn));
  return { min: Math.min(...figures), max: Math.max(...figures) };
}

describe('checksum allocation on a pooled 1500-byte buffer', () => {
  const pool = new PacketPool();
  const buf = pool.alloc();
  for (let i = 0; i < 1500; i++) buf.data[buf.start + i] = (i * 131 + 7) & 0xff;
  buf.end = buf.start + 1500;

  it('allocates nothing per call with the buffer word view (100k calls)', async () => {
    const withView = await rounds(() => internetChecksum(buf.data, buf.start, 1500, 0, buf.words));
    expect(withView.min).toBeLessThan(1);
    const verify = await rounds(() => (verifyChecksum(buf.data, buf.start + 1, 1499, 0, buf.words) ? 1 : 0));
    expect(verify.min).toBeLessThan(1);
  });

  it('sees the Uint32Array the call without a view creates (the probe can fail)', async () => {
    const withoutView = await rounds(() => internetChecksum(buf.data, buf.start, 1500));
    // One typed-array object per call: about 100 bytes on this V8 (Node 20, x64).
    expect(withoutView.min).toBeGreaterThan(40);
  });
});
