// TAP driver benchmark: receive and transmit rates of @stack/tap-driver beside a small C program
// doing one read()/write() per frame (tools/bench/c/tap-rw.c, compiled here with `cc -O2`), on the
// same TAP device, with the same traffic generator, in the same run.
//
//   cd /work/main && node --conditions=@stack/source --import tsx tools/bench/src/tap-bench.ts \
//     [--seconds 2] [--repeat 5] [--batch 128] [--sizes 64,1500]
//
// Needs root (network namespaces, TAP devices), `ip`, `cc` and the built addon. Everything happens
// in a network namespace named stk-bench-<pid>, deleted at the end (also on failure or Ctrl-C).
//
// Receive: a generator (tap-rw blast) sends frames out of the TAP's kernel side with an AF_PACKET
// socket as fast as the TAP's queue accepts them; the reader under test (C or the driver) counts
// the frames it gets during a window of --seconds from its first frame.
// Transmit: the writer under test writes frames for --seconds as fast as the device accepts them;
// the rate is what the kernel counted as received (rx_packets of the TAP) over the writer's time.
// A second C writer (tap-rw uring) batches its system calls through io_uring, as a reference for
// what batching the calls alone is worth on this kernel.
//
// Each repeat measures C and the driver back to back, alternating which goes first; the ratio of a
// repeat compares the two, and the table gives the median of those ratios and their range.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, release, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PacketPool, type LinkDriverSink, type PacketBuffer } from '@stack/core';
import { isTapAvailable, openTap, tapUnavailableReason } from '@stack/tap-driver';
import { machineLine, median } from './machine.js';

interface Args {
  seconds: number;
  repeat: number;
  batch: number;
  sizes: number[];
}

function parseArgs(argv: string[]): Args {
  const args: Args = { seconds: 2, repeat: 5, batch: 128, sizes: [64, 1500] };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    switch (argv[i]) {
      case '--seconds':
        args.seconds = Number(v);
        i++;
        break;
      case '--repeat':
        args.repeat = Number(v);
        i++;
        break;
      case '--batch':
        args.batch = Number(v);
        i++;
        break;
      case '--sizes':
        args.sizes = v.split(',').map(Number);
        i++;
        break;
      default:
        throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));
const NS = `stk-bench-${process.pid}`;
const IF = 'stkb0';
const here = dirname(fileURLToPath(import.meta.url));
const cSource = resolve(here, '../c/tap-rw.c');

/** What /proc/sys/kernel/io_uring_disabled says (0: allowed for everyone). */
function ioUringState(): string {
  try {
    const v = readFileSync('/proc/sys/kernel/io_uring_disabled', 'utf8').trim();
    return v === '0' ? 'enabled' : `io_uring_disabled=${v}`;
  } catch {
    return 'no io_uring_disabled sysctl';
  }
}

function sh(cmd: string, argv: string[]): string {
  return execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
}

function parseKv(line: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of line.matchAll(/(\w+)=([\d.]+)/g)) out[m[1]] = Number(m[2]);
  return out;
}

function rxPackets(): number {
  const j = JSON.parse(sh('ip', ['-n', NS, '-s', '-j', 'link', 'show', 'dev', IF]))[0];
  return Number(j.stats64.rx.packets);
}

/** Runs a command inside the namespace; resolves with its stdout, rejects on failure or timeout. */
function runInNs(
  argv: string[],
  timeoutMs: number,
  onLine?: (line: string) => void,
): { child: ChildProcess; done: Promise<string> } {
  const child = spawn('ip', ['netns', 'exec', NS, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => {
    const s = c.toString();
    out += s;
    if (onLine) for (const l of s.split('\n')) if (l) onLine(l);
  });
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const done = new Promise<string>((res, rej) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`${argv.join(' ')}: timed out\n${err}`));
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(t);
      if (code === 0 || signal === 'SIGTERM') res(out);
      else rej(new Error(`${argv.join(' ')}: exit ${code ?? signal}\n${err}`));
    });
  });
  return { child, done };
}

function blast(bin: string, size: number): { child: ChildProcess; done: Promise<string> } {
  return runInNs([bin, 'blast', IF, String(size), String(args.seconds + 3)], (args.seconds + 10) * 1000);
}

async function stopBlast(b: { child: ChildProcess; done: Promise<string> }): Promise<void> {
  b.child.kill('SIGTERM');
  await b.done.catch(() => undefined);
}

async function rxC(bin: string, size: number): Promise<number> {
  let ready!: () => void;
  const isReady = new Promise<void>((r) => (ready = r));
  const reader = runInNs([bin, 'read', IF, String(args.seconds)], (args.seconds + 15) * 1000, (l) => {
    if (l === 'ready') ready();
  });
  await Promise.race([isReady, reader.done]);
  const gen = blast(bin, size);
  try {
    const kv = parseKv((await reader.done).split('\n').find((l) => l.startsWith('frames='))!);
    return kv.frames / kv.seconds;
  } finally {
    await stopBlast(gen);
  }
}

async function rxDriver(bin: string, size: number): Promise<number> {
  const driver = await openTap({ name: IF, netns: NS, batch: args.batch, linkPollInterval: 0 });
  const pool = new PacketPool();
  let frames = 0;
  let start = 0;
  let end = 0;
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  const sink: LinkDriverSink = {
    allocate: (length) => pool.alloc(length, 0),
    receive(bufs, count) {
      for (let i = 0; i < count; i++) bufs[i].release();
      if (end !== 0) return;
      const t = performance.now();
      if (frames === 0) start = t;
      frames += count;
      if (t - start >= args.seconds * 1000) {
        end = t;
        finish();
      }
    },
    linkStateChanged() {},
  };
  driver.start(sink);
  const gen = blast(bin, size);
  try {
    await Promise.race([
      finished,
      new Promise((_, rej) => setTimeout(() => rej(new Error('driver receive timed out')), (args.seconds + 10) * 1000)),
    ]);
    return frames / ((end - start) / 1000);
  } finally {
    await driver.close();
    await stopBlast(gen);
  }
}

async function txC(bin: string, size: number): Promise<number> {
  const before = rxPackets();
  const out = await runInNs([bin, 'write', IF, String(size), String(args.seconds)], (args.seconds + 15) * 1000).done;
  const kv = parseKv(out);
  return (rxPackets() - before) / kv.seconds;
}

/** The io_uring C writer's rate, or null where io_uring is unavailable. */
async function txUring(bin: string, size: number): Promise<number | null> {
  const before = rxPackets();
  const out = await runInNs([bin, 'uring', IF, String(size), String(args.seconds)], (args.seconds + 15) * 1000).done;
  const kv = parseKv(out);
  if (kv.unavailable) return null;
  return (rxPackets() - before) / kv.seconds;
}

async function txDriver(size: number): Promise<number> {
  const driver = await openTap({ name: IF, netns: NS, batch: args.batch, linkPollInterval: 0 });
  const pool = new PacketPool();
  const template = new Uint8Array(size);
  template.set([0x02, 0x00, 0x5e, 0x10, 0x00, 0x01, 0x02, 0x00, 0x5e, 0x10, 0x00, 0x02, 0x88, 0xb5]);
  for (let i = 14; i < size; i++) template[i] = i & 0xff;
  const out: PacketBuffer[] = new Array(args.batch);
  try {
    const before = rxPackets();
    const t0 = performance.now();
    let t = t0;
    const until = t0 + args.seconds * 1000;
    let rounds = 0;
    while (t < until) {
      // What a stack does per frame: take a pooled buffer and fill it. The driver writes the batch
      // straight from those buffers with one native call and releases them.
      for (let i = 0; i < args.batch; i++) {
        const b = pool.alloc(size, 0);
        b.data.set(template, b.append(size));
        out[i] = b;
      }
      driver.send(out, args.batch);
      if (driver.queuedFrames > 2048) await driver.drained();
      if ((++rounds & 63) === 0) {
        await new Promise((r) => setImmediate(r)); // let the event loop breathe
        t = performance.now();
      }
    }
    await driver.drained();
    t = performance.now();
    if (driver.stats.txDropped > 0) console.error(`  (driver dropped ${driver.stats.txDropped} frames)`);
    return (rxPackets() - before) / ((t - t0) / 1000);
  } finally {
    await driver.close();
  }
}

function fmt(n: number): string {
  return `${(n / 1000).toFixed(0)}k`;
}

function range(values: readonly number[]): string {
  return `${Math.min(...values).toFixed(2)}-${Math.max(...values).toFixed(2)}`;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('tap-bench needs root (network namespaces and TAP devices)');
  if (!isTapAvailable()) throw new Error(tapUnavailableReason() ?? 'TAP driver unavailable');
  const dir = mkdtempSync(join(tmpdir(), 'stk-tap-bench-'));
  const bin = join(dir, 'tap-rw');
  const cleanup = (): void => {
    try {
      sh('ip', ['netns', 'del', NS]);
    } catch {
      // not created or already gone
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  try {
    sh('cc', ['-O2', '-o', bin, cSource]);
    const ccVersion = sh('cc', ['--version']).split('\n')[0];
    sh('ip', ['netns', 'add', NS]);
    sh('ip', ['-n', NS, 'tuntap', 'add', 'dev', IF, 'mode', 'tap']);
    sh('ip', ['-n', NS, 'link', 'set', IF, 'up']);

    console.log('# TAP driver benchmark');
    console.log(`${machineLine()}, Linux ${release()}, load average ${loadavg()[0].toFixed(2)} at start`);
    console.log(`baseline compiled with: ${ccVersion}, -O2`);
    console.log(
      `command: cd /work/main && node --conditions=@stack/source --import tsx tools/bench/src/tap-bench.ts ${process.argv.slice(2).join(' ')}`.trimEnd(),
    );
    console.log(
      `settings: ${args.seconds}s per measurement, median of ${args.repeat}, driver batch ${args.batch}, TAP txqueuelen 1000, ` +
        'generator: AF_PACKET sendmmsg (qdisc bypass) on the kernel side of the TAP, ' +
        `io_uring: ${ioUringState()}`,
    );
    console.log('');
    const rows: string[][] = [];
    const notes: string[] = [];
    for (const size of args.sizes) {
      const r = {
        rxC: [] as number[],
        rxD: [] as number[],
        txC: [] as number[],
        txD: [] as number[],
        txU: [] as number[],
      };
      for (let i = 0; i < args.repeat; i++) {
        // Alternate which side goes first, so a drift in the machine's load favours neither.
        const driverFirst = i % 2 === 1;
        const rx: [() => Promise<number>, () => Promise<number>] = [() => rxC(bin, size), () => rxDriver(bin, size)];
        const tx: [() => Promise<number>, () => Promise<number>] = [() => txC(bin, size), () => txDriver(size)];
        for (const [pair, c, d] of [
          [rx, r.rxC, r.rxD],
          [tx, r.txC, r.txD],
        ] as const) {
          if (driverFirst) {
            d.push(await pair[1]());
            c.push(await pair[0]());
          } else {
            c.push(await pair[0]());
            d.push(await pair[1]());
          }
        }
        const u = await txUring(bin, size);
        if (u !== null) r.txU.push(u);
      }
      const rxRatios = r.rxD.map((d, i) => d / r.rxC[i]);
      const txRatios = r.txD.map((d, i) => d / r.txC[i]);
      rows.push([
        'receive',
        `${size} B`,
        fmt(median(r.rxC)),
        fmt(median(r.rxD)),
        median(rxRatios).toFixed(2),
        range(rxRatios),
        '>= 0.8',
      ]);
      rows.push([
        'transmit',
        `${size} B`,
        fmt(median(r.txC)),
        fmt(median(r.txD)),
        median(txRatios).toFixed(2),
        range(txRatios),
        '> 1',
      ]);
      console.error(
        `  ${size} B runs (frames/s): rx C ${r.rxC.map(fmt).join(' ')} | rx driver ${r.rxD.map(fmt).join(' ')} | ` +
          `tx C ${r.txC.map(fmt).join(' ')} | tx driver ${r.txD.map(fmt).join(' ')} | tx C io_uring ${r.txU.map(fmt).join(' ')}`,
      );
      if (r.txU.length === r.txC.length) {
        const uRatios = r.txU.map((u, i) => u / r.txC[i]);
        notes.push(
          `${size} B: the C writer batching 64 writes per io_uring_enter() did ${fmt(median(r.txU))} frames/s, ` +
            `${median(uRatios).toFixed(2)}x its write() loop (range ${range(uRatios)})`,
        );
      } else {
        notes.push(`${size} B: io_uring is unavailable here, so the batched C writer was not measured`);
      }
    }
    const head = [
      'direction',
      'frame',
      'C, 1 syscall/frame (frames/s)',
      '@stack/tap-driver (frames/s)',
      'ratio',
      'ratio range',
      'aim',
    ];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
    console.log(line(head));
    console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
    for (const r of rows) console.log(line(r));
    console.log('');
    console.log('ratio: median over the repeats of driver / C measured back to back; range: lowest-highest of those.');
    for (const n of notes) console.log(`reference: ${n}`);
  } finally {
    cleanup();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
