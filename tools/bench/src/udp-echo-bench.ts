// UDP echo round trips per second, through the simulator and through a TAP, each beside a baseline
// measured in the same run (the machine is shared and noisy: read the ratios).
//
//   cd /work/main && node --conditions=@stack/source --import tsx tools/bench/src/udp-echo-bench.ts \
//     [--seconds 1] [--warmup 0.5] [--repeat 5] [--sizes 64,1400] [--windows 1,32] [--only sim|tap]
//     [--alloc-sites] [--pin same|split|none] [--host auto|app|compose] [--host-cpu-prof DIR] [--max-minutes 15]
//
// Simulator (no root needed): two hosts composed as apps/host does (fib + ether + arp + ipv4 + udp) on one
// simulated switch with a ManualClock and zero delay, so only CPU work is timed; host A runs the
// host's UDP echo service, host B a connected @stack/udp socket keeping 1 or a window of datagrams
// in flight. Baseline: the simulator's floor, the same switch and frame sizes with bare sinks
// bouncing frames (no stack). Rates are wall-clock; the process's CPU time per round trip is printed
// too (steadier on a loaded machine). Also: GC counts during the timed runs, and V8 heap bytes allocated
// per round trip from the sampling heap profiler (--alloc-sites lists where; it turns off inlining
// so the sites are exact, and then skips the timed runs, whose figures would not be representative).
//
// TAP (root, the TAP addon, `ip`, `cc` and `taskset`; skipped with a message otherwise): a C client
// (tools/bench/c/udp-echo.c) in namespace stackbench-<pid>-c against
//   kernel     the same program as a plain echo server in namespace stackbench-<pid>-k, over veth;
//   reflector  a C program on the TAP turning UDP frames around, one read()/write() per frame: the
//              TAP floor, no stack;
//   host       `stack-host run` (apps/host's CLI) attached to the TAP with its UDP echo service
//              (--host compose, or automatically when the app does not start: the same
//              composition from udp-tap-host.ts).
// By default the client and the echoing process share CPU 0 (--pin same, see Placement in
// udp-tap-echo.ts): no cross-CPU wake-ups, so a round trip costs the CPU work of both sides and the
// client's share is the same for every target. Beside the rates, the echoing process's CPU time per
// round trip (from /proc) is printed: it is the steadier figure on a loaded machine.
// Each figure is the median of --repeat runs of --seconds after --warmup; runs of the three targets
// are interleaved. Namespaces are deleted at the end, on failure and on Ctrl-C.
import { availableParallelism, loadavg, release } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { machineLine, median } from './machine.js';
import {
  GcMeter,
  profileAllocations,
  SimFloor,
  SimStackPair,
  type EchoRun,
  type GcStats,
  type SimEchoTarget,
} from './udp-sim-echo.js';
import {
  TapBed,
  tapPrerequisites,
  type HostHandle,
  type HostMode,
  type Placement,
  type TapRun,
  type TapTargetName,
} from './udp-tap-echo.js';

interface Args {
  seconds: number;
  warmup: number;
  repeat: number;
  sizes: number[];
  windows: number[];
  only: 'sim' | 'tap' | null;
  allocSites: boolean;
  hostCpuProf: string | null;
  /** How our host runs on the TAP (see udp-tap-echo.ts); 'auto' tries the app, then the fallback. */
  host: 'auto' | HostMode;
  /** CPU placement of the TAP half's processes (see udp-tap-echo.ts). */
  pin: Placement;
  /** Whole-run limit in minutes; the run aborts (and cleans up) beyond it. */
  maxMinutes: number;
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    seconds: 1,
    warmup: 0.5,
    repeat: 5,
    sizes: [64, 1400],
    windows: [1, 32],
    only: null,
    allocSites: false,
    hostCpuProf: null,
    host: 'auto',
    pin: 'same',
    maxMinutes: 15,
  };
  const num = (v: string | undefined, name: string): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n <= 0)
      throw new Error(`${name}: expected a positive number, got ${v}`);
    return n;
  };
  const list = (v: string | undefined, name: string): number[] => (v ?? '').split(',').map((x) => num(x, name));
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    switch (argv[i]) {
      case '--seconds':
        a.seconds = num(v, '--seconds');
        i++;
        break;
      case '--warmup':
        a.warmup = num(v, '--warmup');
        i++;
        break;
      case '--repeat':
        a.repeat = Math.round(num(v, '--repeat'));
        i++;
        break;
      case '--sizes':
        a.sizes = list(v, '--sizes');
        i++;
        break;
      case '--windows':
        a.windows = list(v, '--windows').map(Math.round);
        i++;
        break;
      case '--only':
        if (v !== 'sim' && v !== 'tap') throw new Error('--only: sim or tap');
        a.only = v;
        i++;
        break;
      case '--alloc-sites':
        a.allocSites = true;
        break;
      case '--host-cpu-prof':
        if (!v) throw new Error('--host-cpu-prof: expected a directory');
        a.hostCpuProf = v;
        i++;
        break;
      case '--host':
        if (v !== 'auto' && v !== 'app' && v !== 'compose') throw new Error('--host: auto, app or compose');
        a.host = v;
        i++;
        break;
      case '--pin':
        if (v !== 'split' && v !== 'same' && v !== 'none') throw new Error('--pin: split, same or none');
        a.pin = v;
        i++;
        break;
      case '--max-minutes':
        a.maxMinutes = num(v, '--max-minutes');
        i++;
        break;
      default:
        throw new Error(`unknown argument ${argv[i]} (see the comment at the top of udp-echo-bench.ts)`);
    }
  }
  for (const s of a.sizes)
    if (s < 16 || s > 1472)
      throw new Error(`--sizes: ${s} must be 16..1472 (one unfragmented datagram on a 1500-byte MTU)`);
  return a;
}

// ---------------------------------------------------------------------------------------------
// Formatting

function rate(n: number): string {
  if (!Number.isFinite(n)) return '–';
  return n >= 10_000 ? `${(n / 1000).toFixed(0)}k` : n >= 1000 ? `${(n / 1000).toFixed(1)}k` : n.toFixed(0);
}

function fixed(n: number, digits: number): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '–';
}

function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)];
}

const rttRate = (r: { rtts: number; seconds: number }): number => r.rtts / r.seconds;

// ---------------------------------------------------------------------------------------------
// Simulator

interface SimRow {
  size: number;
  window: number;
  floor: EchoRun[];
  stack: EchoRun[];
  gc: GcStats[];
  bytesPerRtt?: number;
  floorBytesPerRtt?: number;
  retainedPerRtt?: number;
}

/** CPU µs per round trip of a run. */
const cpuPerRtt = (r: EchoRun): number => (r.cpuSeconds * 1e6) / r.rtts;

async function simSection(args: Args): Promise<void> {
  console.log('## Simulator: two stacks on one simulated switch, virtual time, wall-clock round trips');
  console.log('');
  const pair = SimStackPair.create();
  const floor = SimFloor.create();
  try {
    if (args.allocSites) return await allocSites(pair, floor, args);
    const gc = new GcMeter();
    const rows: SimRow[] = [];
    for (const size of args.sizes)
      for (const window of args.windows) rows.push({ size, window, floor: [], stack: [], gc: [] });
    // Warm both up (JIT) on every shape before anything counts.
    for (const r of rows) {
      floor.run(r.size, r.window, args.warmup / 2);
      pair.run(r.size, r.window, args.warmup / 2);
    }
    for (let rep = 0; rep < args.repeat; rep++) {
      for (const r of rows) {
        r.floor.push(check(floor.run(r.size, r.window, args.seconds), 'floor'));
        const t0 = performance.now();
        r.stack.push(check(pair.run(r.size, r.window, args.seconds), 'stack'));
        r.gc.push(await gc.between(t0, performance.now()));
      }
    }
    gc.stop();
    // Allocation: one shorter run each under the sampling heap profiler (slower, so not timed).
    for (const r of rows) {
      const p = await profileAllocations(pair, r.size, r.window, Math.min(0.5, args.seconds));
      r.bytesPerRtt = p.bytesPerRtt;
      r.retainedPerRtt = p.retainedPerRtt;
      r.floorBytesPerRtt = (await profileAllocations(floor, r.size, r.window, Math.min(0.5, args.seconds))).bytesPerRtt;
    }
    const speed: string[][] = [];
    const memory: string[][] = [];
    for (const r of rows) {
      const f = median(r.floor.map(rttRate));
      const s = median(r.stack.map(rttRate));
      const fc = median(r.floor.map(cpuPerRtt));
      const sc = median(r.stack.map(cpuPerRtt));
      speed.push([
        `${r.size} B`,
        String(r.window),
        rate(f),
        rate(s),
        fixed(s / f, 2),
        fixed(fc, 2),
        fixed(sc, 2),
        fixed(fc / sc, 2),
        fixed(sc - fc, 2),
      ]);
      const rtts = r.stack.reduce((x, y) => x + y.rtts, 0);
      const wall = r.stack.reduce((x, y) => x + y.seconds, 0);
      const minor = r.gc.reduce((x, g) => x + g.minor, 0);
      const major = r.gc.reduce((x, g) => x + g.major, 0);
      const gcMs = r.gc.reduce((x, g) => x + g.ms, 0);
      memory.push([
        `${r.size} B`,
        String(r.window),
        fixed(r.bytesPerRtt!, 0),
        fixed(r.floorBytesPerRtt!, 0),
        fixed(r.bytesPerRtt! - r.floorBytesPerRtt!, 0),
        `${fixed((minor * 1e6) / rtts, 0)} / ${fixed((major * 1e6) / rtts, 1)}`,
        `${fixed(gcMs / 10 / wall, 1)}%`,
        fixed(r.retainedPerRtt!, 2),
      ]);
      console.error(
        `  sim ${r.size} B window ${r.window} runs (rt/s, CPU µs/rt): floor ${r.floor.map((x) => `${rate(rttRate(x))} ${fixed(cpuPerRtt(x), 2)}`).join(', ')} | ` +
          `stack ${r.stack.map((x) => `${rate(rttRate(x))} ${fixed(cpuPerRtt(x), 2)}`).join(', ')}`,
      );
    }
    for (const l of table(
      [
        'payload',
        'in flight',
        'sim floor (rt/s)',
        '@stack pair (rt/s)',
        'stack ÷ floor',
        'CPU µs/rt floor',
        'CPU µs/rt stack',
        'floor ÷ stack (CPU)',
        'stack − floor (CPU µs/rt)',
      ],
      speed,
    ))
      console.log(l);
    console.log('');
    for (const l of table(
      [
        'payload',
        'in flight',
        'heap B/rt stack',
        'heap B/rt floor',
        'stack − floor (B/rt)',
        'GCs per 1M rt (minor / major)',
        'time in GC',
        'retained B/rt',
      ],
      memory,
    ))
      console.log(l);
    console.log('');
    console.log(
      'One round trip is 2 datagrams each sent and received by a full stack (4 stack traversals, both hosts in this thread) and 4 simulated frames through the switch.',
    );
    console.log(
      '"CPU µs/rt" is this process\'s user + system time per round trip (all threads), which the machine\'s other load disturbs less than the wall-clock rate.',
    );
    console.log(
      '"heap B/rt" is what the sampling heap profiler saw allocated on the V8 heap per round trip, collected objects included;',
    );
    console.log(
      'typed arrays over 64 bytes also allocate an off-heap backing store not counted there. "retained" is heap growth after a full GC (a leak check).',
    );
  } finally {
    await pair.close();
    await floor.close();
  }
  console.log('');
}

function check(r: EchoRun, what: string): EchoRun {
  if (r.rtts === 0 || r.bad > 0) throw new Error(`simulator ${what}: ${r.rtts} round trips, ${r.bad} bad replies`);
  return r;
}

async function allocSites(pair: SimEchoTarget, floor: SimEchoTarget, args: Args): Promise<void> {
  console.log(
    'Allocation sites (--alloc-sites: inlining is off, so each site is the function that allocates; no timed runs).',
  );
  for (const size of args.sizes) {
    for (const window of args.windows) {
      pair.run(size, window, 0.3);
      floor.run(size, window, 0.3);
      const p = await profileAllocations(pair, size, window, 0.5, 4);
      const f = await profileAllocations(floor, size, window, 0.5, 4);
      console.log('');
      console.log(
        `### ${size} B, ${window} in flight: ${p.bytesPerRtt.toFixed(0)} B/rt with the stacks, ${f.bytesPerRtt.toFixed(0)} B/rt for the floor alone`,
      );
      for (const s of p.sites) console.log(`${s.bytesPerRtt.toFixed(1).padStart(8)} B/rt  ${s.stack}`);
    }
  }
  console.log('');
}

// ---------------------------------------------------------------------------------------------
// TAP

const TARGETS: readonly TapTargetName[] = ['kernel', 'reflector', 'host'];

async function tapSection(args: Args): Promise<void> {
  console.log(
    '## TAP: a C client in a namespace, round trips against the kernel, a C reflector on the TAP, and our host on the TAP',
  );
  console.log('');
  const reason = await tapPrerequisites();
  if (reason !== null) {
    console.log(`TAP part skipped: ${reason}.`);
    console.log('');
    return;
  }
  if (args.pin === 'split' && availableParallelism() < 2) throw new Error('--pin split needs two CPUs');
  const pin = args.pin;
  const bed = await TapBed.create(pin);
  const onSignal = (): void => {
    bed.destroySync();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    console.log(
      `C programs compiled with: ${bed.ccVersion}, -O2; namespaces ${bed.client} (client, TAP, veth) and ${bed.kernel} (kernel echo server)`,
    );
    console.log(
      `placement: ${
        pin === 'split'
          ? 'client on CPU 0 polling without sleeping, the echoing process (all its threads) on CPU 1'
          : pin === 'same'
            ? 'client (blocking) and the echoing process on CPU 0'
            : 'not pinned, client blocking in recv()'
      } (--pin ${pin})`,
    );
    console.log('');
    const configs: { size: number; window: number }[] = [];
    for (const size of args.sizes) for (const window of args.windows) configs.push({ size, window });
    const runs = new Map<string, TapRun[]>();
    const key = (t: TapTargetName, c: { size: number; window: number }): string => `${t} ${c.size} ${c.window}`;
    const record = (t: TapTargetName, c: { size: number; window: number }, r: TapRun): void => {
      if (r.rtts === 0 || r.bad > 0)
        throw new Error(`${t}, ${c.size} B, ${c.window} in flight: ${r.rtts} round trips, ${r.bad} bad replies`);
      const list = runs.get(key(t, c)) ?? [];
      list.push(r);
      runs.set(key(t, c), list);
    };
    const run = (address: string, c: { size: number; window: number }, pid: number | undefined): Promise<TapRun> =>
      bed.runClient(address, c.size, c.window, args.seconds, args.warmup, pid);
    const hostNotes: string[] = [];
    let hostMode: HostMode = args.host === 'compose' ? 'compose' : 'app';
    for (let rep = 0; rep < args.repeat; rep++) {
      const k = bed.kernelTarget();
      for (const c of configs) record('kernel', c, await run(k.address, c, k.pid));
      const refl = await bed.startReflector();
      try {
        for (const c of configs) record('reflector', c, await run(refl.address, c, refl.pid));
      } finally {
        await refl.stop();
      }
      const prof = args.hostCpuProf && rep === 0 ? ['--cpu-prof', `--cpu-prof-dir=${args.hostCpuProf}`] : [];
      let host: HostHandle;
      try {
        host = await bed.startHost(hostMode, prof);
      } catch (e) {
        if (args.host !== 'auto' || hostMode !== 'app') throw e;
        const why = (e instanceof Error ? e.message : String(e)).split('\n').find((l) => /Error/.test(l)) ?? String(e);
        hostMode = 'compose';
        hostNotes.push(
          `apps/host's stack-host did not start (${why.trim()}); the same composition ran from tools/bench/src/udp-tap-host.ts instead`,
        );
        host = await bed.startHost(hostMode, prof);
      }
      try {
        // A host just started still compiles and optimizes its code, and resolves ARP: one
        // untimed pass over every shape first.
        for (const c of configs) await bed.runClient(host.address, c.size, c.window, 0.5, 0.2, undefined);
        for (const c of configs) {
          const r = await run(host.address, c, host.pid);
          if (r.rtts === 0) {
            const counters = await host.counters().catch(() => new Map<string, number>());
            throw new Error(
              `our host did not echo (${c.size} B, ${c.window} in flight).\nits counters: ${[...counters].map(([k, v]) => `${k} ${v}`).join(', ')}\nits output:\n${host.output()}`,
            );
          }
          record('host', c, r);
        }
        const counters = await host.counters();
        // icmp.in.errors counts ICMP errors received: port unreachables from the client's socket
        // once it has closed with replies still in flight, expected.
        const drops = [...counters].filter(
          ([name, v]) => v > 0 && name !== 'icmp.in.errors' && /drop|full|error|bad|no-|unreach|queue/.test(name),
        );
        if (drops.length > 0)
          hostNotes.push(
            `host drop/error counters after run ${rep + 1}: ${drops.map(([n, v]) => `${n} ${v}`).join(', ')}`,
          );
      } finally {
        await host.stop();
      }
    }
    const rows: string[][] = [];
    const detail: string[][] = [];
    for (const c of configs) {
      const get = (t: TapTargetName): TapRun[] => runs.get(key(t, c)) ?? [];
      const med = (t: TapTargetName, f: (r: TapRun) => number): number => median(get(t).map(f));
      const kr = med('kernel', rttRate);
      const rr = med('reflector', rttRate);
      const hr = med('host', rttRate);
      rows.push([
        `${c.size} B`,
        String(c.window),
        rate(kr),
        rate(rr),
        rate(hr),
        fixed(hr / kr, 2),
        fixed(hr / rr, 2),
        fixed(rr / kr, 2),
      ]);
      const lat = (t: TapTargetName): string =>
        `${fixed(
          med(t, (r) => r.p50us),
          0,
        )} / ${fixed(
          med(t, (r) => r.p99us),
          0,
        )}`;
      const kc = med('kernel', (r) => r.echoCpuUs);
      const rc = med('reflector', (r) => r.echoCpuUs);
      const hc = med('host', (r) => r.echoCpuUs);
      const lost = TARGETS.map((t) => get(t).reduce((x, r) => x + r.lost, 0)).join(' / ');
      detail.push([
        `${c.size} B`,
        String(c.window),
        fixed(kc, 1),
        fixed(rc, 1),
        fixed(hc, 1),
        fixed(kc / hc, 2),
        fixed(hc - rc, 1),
        lat('kernel'),
        lat('reflector'),
        lat('host'),
        lost,
      ]);
      console.error(
        `  tap ${c.size} B window ${c.window} runs (rt/s, echo CPU µs/rt): ` +
          TARGETS.map(
            (t) =>
              `${t} ${get(t)
                .map((r) => `${rate(rttRate(r))} ${fixed(r.echoCpuUs, 1)}`)
                .join(', ')}`,
          ).join(' | '),
      );
    }
    for (const l of table(
      [
        'payload',
        'in flight',
        'Linux kernel, veth (rt/s)',
        'C reflector on TAP (rt/s)',
        '@stack host on TAP (rt/s)',
        'host ÷ kernel',
        'host ÷ reflector',
        'reflector ÷ kernel',
      ],
      rows,
    ))
      console.log(l);
    console.log('');
    for (const l of table(
      [
        'payload',
        'in flight',
        'echo CPU µs/rt kernel',
        'reflector',
        'host',
        'kernel ÷ host (CPU)',
        'host − reflector (µs/rt)',
        'RTT p50/p99 µs kernel',
        'reflector',
        'host',
        'lost (k/r/h)',
      ],
      detail,
    ))
      console.log(l);
    console.log('');
    console.log(
      '"echo CPU" is the user + system time of the echoing process (C server, C reflector, or the node process of our host, all threads) per round trip,',
    );
    console.log(
      "from /proc (10 ms ticks) over the client's measuring window; kernel work done in softirq context may land on either side. It is less",
    );
    console.log(
      'disturbed by the machine\'s other load than the rates. "host − reflector" is what our stack, Node and the driver add to bare TAP I/O per round trip.',
    );
    console.log(
      `host: ${hostMode === 'app' ? '`stack-host run` (apps/host/src/cli.ts) with a config file' : 'tools/bench/src/udp-tap-host.ts (the apps/host composition without the app)'}`,
    );
    for (const note of hostNotes) console.log(`note: ${note}`);
    if (args.hostCpuProf) console.log(`host CPU profile of the first run written to ${args.hostCpuProf}`);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await bed.destroy();
  }
  console.log('');
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  // Exact allocation sites need every function in its own frame; set before anything gets hot.
  if (args.allocSites) setFlagsFromString('--no-turbo-inlining');
  const watchdog = setTimeout(() => {
    console.error(`udp-echo-bench: still running after ${args.maxMinutes} minutes; giving up`);
    process.exit(3); // the 'exit' handler of the TAP bed deletes the namespaces
  }, args.maxMinutes * 60_000);
  watchdog.unref();
  console.log('# UDP echo round trips per second');
  console.log(`${machineLine()}, Linux ${release()}, load average ${loadavg()[0].toFixed(2)} at start`);
  console.log(
    `command: cd /work/main && node --conditions=@stack/source --import tsx tools/bench/src/udp-echo-bench.ts ${process.argv.slice(2).join(' ')}`.trimEnd(),
  );
  console.log(
    `settings: ${args.seconds}s per measurement after ${args.warmup}s warm-up, median of ${args.repeat}, payloads ${args.sizes.join(', ')} B, in flight ${args.windows.join(', ')}`,
  );
  console.log('');
  if (args.only !== 'tap') await simSection(args);
  if (args.only !== 'sim' && !args.allocSites) await tapSection(args);
  console.log(`load average ${loadavg()[0].toFixed(2)} at end`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
