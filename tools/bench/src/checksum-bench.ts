// Internet checksum throughput and allocation: @stack/core's internetChecksum with the buffer's
// word view (PacketBuffer.words, the allocation-free path), the same call without it (one
// Uint32Array view per call for regions of 256 bytes or more), a copy of the implementation as it
// was before word views existed, and a naive byte-at-a-time loop, all measured in the same run over
// several buffer sizes. Prints the machine, the command, the median of several rounds, and the V8
// heap bytes each call allocates.
import { Session } from 'node:inspector/promises';
import { internetChecksum, PacketBuffer, type WordView } from '@stack/core';
import { machineLine, median } from './machine.js';

const COMMAND = 'cd /work/main && node --conditions=@stack/source --import tsx tools/bench/src/checksum-bench.ts';
const ROUNDS = 7;
/** Each sample runs at least this long, so timer resolution and call overhead do not dominate. */
const SAMPLE_NS = 60_000_000;
/** Sampling interval of the heap profiler, in bytes: small enough to see one view object per call. */
const HEAP_SAMPLING_INTERVAL = 256;
/** Bytes checksummed per allocation measurement (at most 100k calls). */
const ALLOCATION_RUN_BYTES = 300_000_000;

/**
 * Nanoseconds of CPU time this process has used. Samples are timed on-CPU rather than by the wall
 * clock so that other work on a shared machine (time descheduled) does not deflate the figures; on
 * an idle machine the two agree.
 */
function cpuNanos(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) * 1000;
}

interface Case {
  readonly bytes: Uint8Array;
  readonly offset: number;
  readonly length: number;
  /** `PacketBuffer.words` of a buffer over `bytes` (made once, as for a pooled buffer), or none. */
  readonly words: WordView | undefined;
}

/** One buffer size: the same bytes with and without the word view. */
interface Size {
  readonly label: string;
  readonly view: Case;
  readonly noView: Case;
}

/** The baseline: RFC 1071 taken literally, one byte per iteration. */
function naiveChecksum(bytes: Uint8Array, offset: number, length: number): number {
  let sum = 0;
  for (let i = 0; i < length; i++) sum += (i & 1) === 0 ? bytes[offset + i] << 8 : bytes[offset + i];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

// The implementation before word views, kept as it was (commit 7b6cd8e: fold.ts,
// ones-complement-sum.ts, internet-checksum.ts, same functions, same call structure) so that
// "before" and "after" are measured in the same run: bytes below 256, else a Uint32Array created
// per call.
const BEFORE_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function beforeFoldSum(sum: number): number {
  let s = sum;
  while (s > 0xffffffff) s = (s % 0x10000) + Math.floor(s / 0x10000);
  s = (s & 0xffff) + (s >>> 16);
  s = (s & 0xffff) + (s >>> 16);
  return s;
}

function beforeFoldChecksum(sum: number): number {
  return ~beforeFoldSum(sum) & 0xffff;
}

function beforeSwap16(value: number): number {
  return ((value & 0xff) << 8) | (value >>> 8);
}

function beforeSumByBytes(bytes: Uint8Array, offset: number, length: number): number {
  let high = 0;
  let low = 0;
  let i = offset;
  const end = offset + length;
  const pairsEnd = offset + (length & ~1);
  const blockEnd = offset + (length & ~15);
  while (i < blockEnd) {
    high +=
      bytes[i] +
      bytes[i + 2] +
      bytes[i + 4] +
      bytes[i + 6] +
      bytes[i + 8] +
      bytes[i + 10] +
      bytes[i + 12] +
      bytes[i + 14];
    low +=
      bytes[i + 1] +
      bytes[i + 3] +
      bytes[i + 5] +
      bytes[i + 7] +
      bytes[i + 9] +
      bytes[i + 11] +
      bytes[i + 13] +
      bytes[i + 15];
    i += 16;
  }
  while (i < pairsEnd) {
    high += bytes[i];
    low += bytes[i + 1];
    i += 2;
  }
  if (i < end) high += bytes[i];
  return high * 256 + low;
}

function beforeSumByWords(bytes: Uint8Array, offset: number, length: number): number {
  const absolute = bytes.byteOffset + offset;
  const head = (4 - (absolute & 3)) & 3;
  const wordCount = (length - head) >>> 2;
  const words = new Uint32Array(bytes.buffer, absolute + head, wordCount);
  let total = 0;
  let i = 0;
  while (i < wordCount) {
    const chunkEnd = Math.min(wordCount, i + (1 << 20));
    const blockEnd = i + ((chunkEnd - i) & ~7);
    let s = 0;
    while (i < blockEnd) {
      s +=
        words[i] +
        words[i + 1] +
        words[i + 2] +
        words[i + 3] +
        words[i + 4] +
        words[i + 5] +
        words[i + 6] +
        words[i + 7];
      i += 8;
    }
    while (i < chunkEnd) s += words[i++];
    total += beforeFoldSum(s);
  }
  let middle = beforeFoldSum(total);
  if (BEFORE_LITTLE_ENDIAN !== ((head & 1) === 1)) middle = beforeSwap16(middle);
  let edges = 0;
  for (let k = 0; k < head; k++) edges += (k & 1) === 0 ? bytes[offset + k] << 8 : bytes[offset + k];
  for (let k = head + (wordCount << 2); k < length; k++) {
    edges += (k & 1) === 0 ? bytes[offset + k] << 8 : bytes[offset + k];
  }
  return middle + edges;
}

function beforeOnesComplementSum(bytes: Uint8Array, offset: number, length: number, initial = 0): number {
  if (!(offset >= 0 && length >= 0 && offset + length <= bytes.length)) {
    throw new RangeError(`checksum region ${offset}+${length} outside ${bytes.length} bytes`);
  }
  const sum = length < 256 ? beforeSumByBytes(bytes, offset, length) : beforeSumByWords(bytes, offset, length);
  return initial + beforeFoldSum(sum);
}

function beforeInternetChecksum(bytes: Uint8Array, offset: number, length: number, initial = 0): number {
  return beforeFoldChecksum(beforeOnesComplementSum(bytes, offset, length, initial));
}

/**
 * Runs `calls` checksums of the case and returns their XOR (a small integer, so the loop boxes no
 * number). Each variant has its own loop, so the checksum is inlined into a loop that calls nothing
 * else, as at a call site in the stack, rather than competing with the other variants for one
 * shared loop's inlining budget.
 */
type Runner = (c: Case, calls: number) => number;

/**
 * @stack/core, with the word view (the allocation-free path udp, ipv4 and ipv6-nd take with a pooled
 * buffer) or without it (a Uint32Array per call from 256 bytes). One call site for both, as in the
 * stack, where callers with and without a view share the same functions and their type feedback.
 */
const ours: Runner = (c, calls) => {
  let acc = 0;
  for (let i = 0; i < calls; i++) acc ^= internetChecksum(c.bytes, c.offset, c.length, 0, c.words);
  return acc;
};
/** The implementation before this change (one Uint32Array per call from 256 bytes). */
const before: Runner = (c, calls) => {
  let acc = 0;
  for (let i = 0; i < calls; i++) acc ^= beforeInternetChecksum(c.bytes, c.offset, c.length);
  return acc;
};
const naive: Runner = (c, calls) => {
  let acc = 0;
  for (let i = 0; i < calls; i++) acc ^= naiveChecksum(c.bytes, c.offset, c.length);
  return acc;
};

function makeSize(label: string, length: number, offset: number): Size {
  const bytes = new Uint8Array(offset + length);
  let x = 0x12345678;
  for (let i = 0; i < bytes.length; i++) {
    // xorshift: varied bytes, deterministic across runs
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  const words = new PacketBuffer(bytes).words;
  return { label, view: { bytes, offset, length, words }, noView: { bytes, offset, length, words: undefined } };
}

/** Runs `run` over the case for at least SAMPLE_NS and returns GB/s (10^9 bytes per second). */
function sample(run: Runner, c: Case, sink: { value: number }): number {
  let iterations = 1;
  for (;;) {
    const t0 = cpuNanos();
    const acc = run(c, iterations);
    const ns = cpuNanos() - t0;
    sink.value += acc;
    if (ns >= SAMPLE_NS) return (iterations * c.length) / ns;
    iterations = Math.max(iterations * 2, Math.ceil((iterations * SAMPLE_NS * 1.1) / Math.max(ns, 1)));
  }
}

interface ProfileNode {
  selfSize: number;
  children: ProfileNode[];
}

/**
 * V8 heap bytes allocated per call of `run` (already optimized by the timed rounds), estimated by the
 * sampling heap profiler with objects collected by minor and major GCs included. Off-heap
 * ArrayBuffer backing stores would not be seen; typed-array view objects are.
 */
async function bytesPerCall(session: Session, run: Runner, c: Case, sink: { value: number }): Promise<number> {
  const calls = Math.max(1000, Math.min(100_000, Math.floor(ALLOCATION_RUN_BYTES / c.length)));
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: HEAP_SAMPLING_INTERVAL,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  const acc = run(c, calls);
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: { head: ProfileNode } };
  sink.value += acc;
  let total = 0;
  const walk = (node: ProfileNode): void => {
    total += node.selfSize;
    for (const child of node.children) walk(child);
  };
  walk(profile.head);
  return total / calls;
}

async function main(): Promise<void> {
  const sizes = [
    makeSize('64 B', 64, 0),
    makeSize('128 B', 128, 0),
    makeSize('256 B', 256, 0),
    makeSize('1500 B', 1500, 0),
    makeSize('1500 B, odd offset', 1500, 1),
    makeSize('64 KiB', 65536, 0),
  ];
  // The measured variants: [label, function, which case of the size]. The first three allocate or not.
  const variants: [string, Runner, (z: Size) => Case][] = [
    ['view', ours, (z) => z.view],
    ['no view', ours, (z) => z.noView],
    ['before', before, (z) => z.noView],
    ['naive', naive, (z) => z.noView],
  ];
  for (const z of sizes) {
    const expected = naive(z.noView, 1);
    for (const [name, run, pick] of variants) {
      const got = run(pick(z), 1);
      if (got !== expected) throw new Error(`${z.label}: checksum mismatch, ${name} ${got} naive ${expected}`);
    }
  }

  console.log('Internet checksum (RFC 1071): @stack/core internetChecksum with and without the buffer word view,');
  console.log('the implementation before word views, and a naive byte loop, measured in the same run');
  console.log(machineLine());
  console.log(`command: ${COMMAND}`);
  console.log(
    `method: median of ${ROUNDS} rounds, each sample >= ${SAMPLE_NS / 1e6} ms of on-CPU time, the four interleaved, warm cache;`,
  );
  console.log(
    `        B/call: V8 sampling heap profiler (interval ${HEAP_SAMPLING_INTERVAL} B, collected objects included), up to 100k calls after the timed rounds`,
  );
  console.log(
    '        view = internetChecksum(bytes, offset, length, 0, buf.words); no view = the same with no words;',
  );
  console.log('        before = a copy of the implementation before word views (one Uint32Array per call from 256 B)');
  console.log('');

  const sink = { value: 0 };
  const rates: number[][][] = sizes.map(() => variants.map(() => []));
  // Warm-up round: lets every function reach optimized code before anything is recorded.
  for (const z of sizes) for (const [, run, pick] of variants) sample(run, pick(z), sink);
  for (let round = 0; round < ROUNDS; round++) {
    sizes.forEach((z, i) => variants.forEach(([, run, pick], v) => rates[i][v].push(sample(run, pick(z), sink))));
  }

  // Bytes per call of view, no view and before, measured after the timed rounds (optimized code).
  const allocating = variants.slice(0, 3);
  const allocated: number[][] = [];
  const session = new Session();
  session.connect();
  try {
    await session.post('HeapProfiler.enable');
    for (const z of sizes) {
      const perCall: number[] = [];
      for (const [, run, pick] of allocating) perCall.push(await bytesPerCall(session, run, pick(z), sink));
      allocated.push(perCall);
    }
  } finally {
    await session.post('HeapProfiler.disable').catch(() => undefined);
    session.disconnect();
  }

  const rows = sizes.map((z, i) => {
    const [view, noView, old, naiveRate] = rates[i].map(median);
    return [
      z.label,
      view.toFixed(2),
      noView.toFixed(2),
      old.toFixed(2),
      naiveRate.toFixed(2),
      `${(view / old).toFixed(2)}x`,
      ...allocated[i].map((b) => b.toFixed(1)),
    ];
  });
  const header = [
    'buffer',
    'view GB/s',
    'no view GB/s',
    'before GB/s',
    'naive GB/s',
    'view/before',
    'view B/call',
    'no view B/call',
    'before B/call',
  ];
  const widths = header.map((h, col) => Math.max(h.length, ...rows.map((r) => r[col].length)));
  const line = (cells: string[]): string => `| ${cells.map((cell, col) => cell.padEnd(widths[col])).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
  // Printing the sink keeps the measured calls observable, so they cannot be optimized away.
  console.log(`\n(sink ${sink.value % 65536})`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
