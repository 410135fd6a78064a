// Internet checksum throughput: @stack/core's internetChecksum against a naive byte-at-a-time
// loop measured in the same run, over several buffer sizes. Prints the machine, the command and
// the median of several rounds.
import { internetChecksum } from '@stack/core';
import { machineLine, median } from './machine.js';

const COMMAND = 'cd /work/main && node --conditions=@stack/source --import tsx tools/bench/src/checksum-bench.ts';
const ROUNDS = 7;
/** Each sample runs at least this long, so timer resolution and call overhead do not dominate. */
const SAMPLE_NS = 60_000_000;

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
  readonly label: string;
  readonly bytes: Uint8Array;
  readonly offset: number;
  readonly length: number;
}

/** The baseline: RFC 1071 taken literally, one byte per iteration. */
function naiveChecksum(bytes: Uint8Array, offset: number, length: number): number {
  let sum = 0;
  for (let i = 0; i < length; i++) sum += (i & 1) === 0 ? bytes[offset + i] << 8 : bytes[offset + i];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

type ChecksumFn = (bytes: Uint8Array, offset: number, length: number) => number;

function makeCase(label: string, length: number, offset: number): Case {
  const bytes = new Uint8Array(offset + length);
  let x = 0x12345678;
  for (let i = 0; i < bytes.length; i++) {
    // xorshift: varied bytes, deterministic across runs
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return { label, bytes, offset, length };
}

/** Runs `fn` over the case for at least SAMPLE_NS and returns GB/s (10^9 bytes per second). */
function sample(fn: ChecksumFn, c: Case, sink: { value: number }): number {
  let iterations = 1;
  for (;;) {
    const t0 = cpuNanos();
    let acc = 0;
    for (let i = 0; i < iterations; i++) acc += fn(c.bytes, c.offset, c.length);
    const ns = cpuNanos() - t0;
    sink.value += acc;
    if (ns >= SAMPLE_NS) return (iterations * c.length) / ns;
    iterations = Math.max(iterations * 2, Math.ceil((iterations * SAMPLE_NS * 1.1) / Math.max(ns, 1)));
  }
}

function main(): void {
  const cases = [
    makeCase('64 B', 64, 0),
    makeCase('1500 B', 1500, 0),
    makeCase('1500 B, odd offset', 1500, 1),
    makeCase('64 KiB', 65536, 0),
  ];
  for (const c of cases) {
    const ours = internetChecksum(c.bytes, c.offset, c.length);
    const naive = naiveChecksum(c.bytes, c.offset, c.length);
    if (ours !== naive) throw new Error(`${c.label}: checksum mismatch, ours ${ours} naive ${naive}`);
  }

  console.log('Internet checksum throughput (RFC 1071), @stack/core internetChecksum vs naive byte loop');
  console.log(machineLine());
  console.log(`command: ${COMMAND}`);
  console.log(
    `method: median of ${ROUNDS} rounds, each sample >= ${SAMPLE_NS / 1e6} ms of on-CPU time, ours and naive interleaved, warm cache`,
  );
  console.log('');

  const sink = { value: 0 };
  const ourRates: number[][] = cases.map(() => []);
  const naiveRates: number[][] = cases.map(() => []);
  // Warm-up round: lets both functions reach optimized code before anything is recorded.
  for (const c of cases) {
    sample(internetChecksum, c, sink);
    sample(naiveChecksum, c, sink);
  }
  for (let round = 0; round < ROUNDS; round++) {
    cases.forEach((c, i) => {
      ourRates[i].push(sample(internetChecksum, c, sink));
      naiveRates[i].push(sample(naiveChecksum, c, sink));
    });
  }

  const rows = cases.map((c, i) => {
    const ours = median(ourRates[i]);
    const naive = median(naiveRates[i]);
    return [c.label, ours.toFixed(2), naive.toFixed(2), `${(ours / naive).toFixed(1)}x`];
  });
  const header = ['buffer', 'ours GB/s', 'naive GB/s', 'ours/naive'];
  const widths = header.map((h, col) => Math.max(h.length, ...rows.map((r) => r[col].length)));
  const line = (cells: string[]): string => `| ${cells.map((cell, col) => cell.padEnd(widths[col])).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
  // Printing the sink keeps the measured calls observable, so they cannot be optimized away.
  console.log(`\n(sink ${sink.value % 65536})`);
}

main();
