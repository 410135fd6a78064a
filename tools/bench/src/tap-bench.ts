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
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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
function runInNs(argv: string[], timeoutMs: number, onLine?: (line: string) => void): { child: ChildProcess; done: Promise<string> } {
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
      // What a stack does per frame: take a pooled buffer and fill it; the driver copies it into
      // its slab, writes the batch with one native call and releases the buffers.
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
        'generator: AF_PACKET sendmmsg (qdisc bypass) on the kernel side of the TAP',
    );
    console.log('');
    const rows: string[][] = [];
    for (const size of args.sizes) {
      const r = { rxC: [] as number[], rxD: [] as number[], txC: [] as number[], txD: [] as number[] };
      for (let i = 0; i < args.repeat; i++) {
        r.rxC.push(await rxC(bin, size));
        r.rxD.push(await rxDriver(bin, size));
        r.txC.push(await txC(bin, size));
        r.txD.push(await txDriver(size));
      }
      const rxCm = median(r.rxC);
      const rxDm = median(r.rxD);
      const txCm = median(r.txC);
      const txDm = median(r.txD);
      rows.push(['receive', `${size} B`, fmt(rxCm), fmt(rxDm), (rxDm / rxCm).toFixed(2), '>= 0.8']);
      rows.push(['transmit', `${size} B`, fmt(txCm), fmt(txDm), (txDm / txCm).toFixed(2), '> 1']);
      console.error(
        `  ${size} B runs (frames/s): rx C ${r.rxC.map(fmt).join(' ')} | rx driver ${r.rxD.map(fmt).join(' ')} | ` +
          `tx C ${r.txC.map(fmt).join(' ')} | tx driver ${r.txD.map(fmt).join(' ')}`,
      );
    }
    const head = ['direction', 'frame', 'C, 1 syscall/frame (frames/s)', '@stack/tap-driver (frames/s)', 'ratio', 'aim'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
    console.log(line(head));
    console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
    for (const r of rows) console.log(line(r));
  } finally {
    cleanup();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
