// The TAP half of udp-echo-bench.ts: a C client (tools/bench/c/udp-echo.c) in a network namespace
// doing UDP echo round trips against
//   - the Linux kernel: the same program as a plain echo server in a second namespace, over veth;
//   - a C reflector on the TAP: one read() and one write() per frame, no stack (the TAP floor);
//   - our host: `stack-host run` (apps/host) with its UDP echo service, attached to the same TAP.
// Namespaces are named stackbench-<pid>-c / -k and deleted at the end, on failure and on Ctrl-C.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(here, '../../..');
const C_SOURCE = join(REPO_ROOT, 'tools/bench/c/udp-echo.c');
const NS_PREFIX = 'stackbench';

/** Addresses of the test bed (documentation-style private ranges, only inside the namespaces). */
export const TAP_NET = {
  tap: 'sbtap0',
  linuxTap: '10.91.0.1',
  ours: '10.91.0.2',
  /** MAC the kernel is told for `ours` while the C reflector runs (a static neighbour entry). */
  reflectorMac: '02:5b:00:00:00:02',
  vethClient: 'sbv0',
  vethServer: 'sbv1',
  linuxClient: '10.91.1.1',
  linuxServer: '10.91.1.2',
  port: 7,
} as const;

export type TapTargetName = 'kernel' | 'reflector' | 'host';

/**
 * Where the processes run. `same` (default): the client (blocking in recv) and the echoing process
 * (every thread of it) on CPU 0. A round trip then costs the sum of the CPU work on both sides plus
 * two context switches, with no cross-CPU wake-ups, and the client's share is the same for every
 * target, so the rates compare the echo sides' costs; the other CPU takes the rest of the
 * machine's load. `split`: the client on CPU 0 polling its socket without ever sleeping, the echo
 * side on CPU 1 (pipelining across two CPUs, but every wake-up of the echo side is a cross-CPU
 * one, and on a loaded 2-CPU machine either pinned side waits for whole time slices of other
 * tasks: p99 in milliseconds). `none`: no pinning, blocking client (bimodal on this VM: a round
 * trip takes ~5 µs when the scheduler puts both on one CPU and ~70 µs when it wakes the other).
 */
export type Placement = 'split' | 'same' | 'none';

/** How our host is run: apps/host's CLI, or the same composition by udp-tap-host.ts. */
export type HostMode = 'app' | 'compose';

export interface HostHandle {
  readonly address: string;
  readonly pid: number | undefined;
  /** The host's non-zero counters (its `stats` command). */
  counters(): Promise<Map<string, number>>;
  /** The last lines the host printed. */
  output(): string;
  stop(): Promise<void>;
}

/** One client run against one target. */
export interface TapRun {
  readonly rtts: number;
  readonly seconds: number;
  readonly lost: number;
  readonly bad: number;
  readonly p50us: number;
  readonly p99us: number;
  /** CPU time (user + system) of the echoing process per round trip, µs; NaN when unknown. */
  readonly echoCpuUs: number;
}

function onPath(tool: string): boolean {
  const dirs = (process.env.PATH ?? '').split(delimiter).concat(['/usr/sbin', '/sbin', '/usr/bin']);
  return dirs.some((d) => {
    try {
      accessSync(join(d, tool), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Why the TAP half cannot run here, or null when it can. */
export async function tapPrerequisites(): Promise<string | null> {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  if (process.getuid?.() !== 0) return 'not root (network namespaces and TAP devices need root)';
  if (!existsSync('/dev/net/tun')) return '/dev/net/tun is missing';
  try {
    const tap = await import('@stack/tap-driver');
    if (!tap.isTapAvailable())
      return `the TAP addon is not available: ${tap.tapUnavailableReason() ?? 'unknown reason'}`;
  } catch (e) {
    return `@stack/tap-driver cannot be loaded (${e instanceof Error ? e.message : String(e)})`;
  }
  const missing = ['ip', 'cc', 'taskset'].filter((t) => !onPath(t));
  if (missing.length > 0) return `missing commands: ${missing.join(', ')}`;
  return null;
}

function sh(args: readonly string[], timeoutMs = 15_000): string {
  const r = spawnSync(args[0], args.slice(1), { encoding: 'utf8', timeout: timeoutMs });
  if (r.status !== 0)
    throw new Error(`${args.join(' ')}: ${r.error?.message ?? `exit ${r.status ?? r.signal}`}\n${r.stderr ?? ''}`);
  return r.stdout;
}

/** CPU time (user + system) of a process in seconds, from /proc; NaN once it is gone. */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat (utime, stime) are 11 and 12 after the command name.
    return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return Number.NaN;
  }
}

/** A long-running child with its output split into lines. */
class Child {
  readonly lines: string[] = [];
  private partial = '';
  private waiters: (() => void)[] = [];

  constructor(readonly proc: ChildProcess) {
    const push = (d: string): void => {
      const parts = (this.partial + d).split('\n');
      this.partial = parts.pop()!;
      this.lines.push(...parts);
      for (const w of this.waiters.splice(0)) w();
    };
    proc.stdout?.setEncoding('utf8').on('data', push);
    proc.stderr?.setEncoding('utf8').on('data', push);
    proc.stdin?.on('error', () => {});
    proc.on('exit', () => {
      for (const w of this.waiters.splice(0)) w();
    });
  }

  get alive(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Wait for a line matching `re` from index `from`; rejects on timeout or exit. */
  async waitFor(re: RegExp, timeoutMs: number, what: string, from = 0): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (let i = from; i < this.lines.length; i++) {
        const m = re.exec(this.lines[i]);
        if (m) return m;
      }
      const left = deadline - Date.now();
      if (left <= 0 || !this.alive) {
        throw new Error(
          `${what}: no line matching ${re} (${this.alive ? 'timed out' : 'exited'}); output:\n${this.lines.slice(-30).join('\n')}`,
        );
      }
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** SIGTERM, SIGKILL after `graceMs`. */
  async stop(graceMs = 3_000): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise<void>((r) => this.proc.once('exit', () => r()));
    this.proc.kill('SIGTERM');
    const t = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(t);
  }
}

/**
 * The test bed: namespace C holds the TAP's Linux end and one end of a veth pair, namespace K the
 * other veth end. The client always runs in C, so it crosses the same kernel UDP socket code
 * towards every target.
 */
export class TapBed {
  readonly client: string;
  readonly kernel: string;
  private readonly dir: string;
  private readonly bin: string;
  private readonly children = new Set<Child>();
  private kernelServer: Child | null = null;
  private closed = false;

  private constructor(readonly placement: Placement) {
    this.client = `${NS_PREFIX}-${process.pid}-c`;
    this.kernel = `${NS_PREFIX}-${process.pid}-k`;
    this.dir = mkdtempSync(join(tmpdir(), `${NS_PREFIX}-`));
    this.bin = join(this.dir, 'udp-echo');
  }

  /** Compiler version line of the C programs. */
  ccVersion = '';

  static async create(placement: Placement): Promise<TapBed> {
    reapStale();
    const bed = new TapBed(placement);
    liveBeds.add(bed);
    try {
      await bed.setUp();
    } catch (e) {
      await bed.destroy();
      throw e;
    }
    return bed;
  }

  private async setUp(): Promise<void> {
    sh(['cc', '-O2', '-Wall', '-o', this.bin, C_SOURCE], 60_000);
    this.ccVersion = sh(['cc', '--version']).split('\n')[0];
    const n = TAP_NET;
    for (const ns of [this.client, this.kernel]) {
      sh(['ip', 'netns', 'add', ns]);
      sh(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
      // Quiet links: no IPv6 router solicitations or DAD on the TAP and veth.
      sh(['ip', 'netns', 'exec', ns, 'sysctl', '-q', '-w', 'net.ipv6.conf.all.disable_ipv6=1']);
      sh(['ip', 'netns', 'exec', ns, 'sysctl', '-q', '-w', 'net.ipv6.conf.default.disable_ipv6=1']);
    }
    sh(['ip', '-n', this.client, 'tuntap', 'add', 'dev', n.tap, 'mode', 'tap']);
    sh(['ip', '-n', this.client, 'addr', 'add', `${n.linuxTap}/24`, 'dev', n.tap]);
    sh(['ip', '-n', this.client, 'link', 'set', n.tap, 'up']);
    sh([
      'ip',
      '-n',
      this.client,
      'link',
      'add',
      n.vethClient,
      'type',
      'veth',
      'peer',
      'name',
      n.vethServer,
      'netns',
      this.kernel,
    ]);
    sh(['ip', '-n', this.client, 'addr', 'add', `${n.linuxClient}/24`, 'dev', n.vethClient]);
    sh(['ip', '-n', this.kernel, 'addr', 'add', `${n.linuxServer}/24`, 'dev', n.vethServer]);
    sh(['ip', '-n', this.client, 'link', 'set', n.vethClient, 'up']);
    sh(['ip', '-n', this.kernel, 'link', 'set', n.vethServer, 'up']);
    this.kernelServer = this.spawn(this.kernel, [...this.pin('echo'), this.bin, 'server', String(n.port)]);
    await this.kernelServer.waitFor(/^ready$/, 10_000, 'udp-echo server');
  }

  /** The taskset prefix for the client or the echoing side. */
  private pin(side: 'client' | 'echo'): string[] {
    if (this.placement === 'none') return [];
    return ['taskset', '-c', this.placement === 'split' && side === 'echo' ? '1' : '0'];
  }

  private spawn(ns: string, argv: readonly string[], cwd?: string): Child {
    const c = new Child(spawn('ip', ['netns', 'exec', ns, ...argv], { cwd, stdio: ['pipe', 'pipe', 'pipe'] }));
    this.children.add(c);
    c.proc.on('exit', () => this.children.delete(c));
    return c;
  }

  /** Run the client once against `address`; `echoPid` is the process doing the echo (for its CPU time). */
  async runClient(
    address: string,
    size: number,
    window: number,
    seconds: number,
    warmup: number,
    echoPid: number | undefined,
  ): Promise<TapRun> {
    const spin = this.placement === 'split' ? '1' : '0';
    const c = this.spawn(this.client, [
      ...this.pin('client'),
      this.bin,
      'client',
      address,
      String(TAP_NET.port),
      String(size),
      String(window),
      String(seconds),
      String(warmup),
      spin,
    ]);
    const cpuAt = (): number => cpuSeconds(echoPid);
    // Sample the echo side's CPU at the client's measuring window (after its warm-up).
    let cpu0 = Number.NaN;
    const mark = setTimeout(() => (cpu0 = cpuAt()), warmup * 1000);
    let cpu1 = Number.NaN;
    const markEnd = setTimeout(() => (cpu1 = cpuAt()), (warmup + seconds) * 1000);
    try {
      const m = await c.waitFor(
        /^rtts=(\d+) seconds=([\d.]+) lost=(\d+) bad=(\d+) p50us=([\d.]+) p99us=([\d.]+)$/,
        (warmup + seconds + 15) * 1000,
        'udp-echo client',
      );
      if (Number.isNaN(cpu1)) cpu1 = cpuAt();
      const rtts = Number(m[1]);
      return {
        rtts,
        seconds: Number(m[2]),
        lost: Number(m[3]),
        bad: Number(m[4]),
        p50us: Number(m[5]),
        p99us: Number(m[6]),
        echoCpuUs: rtts > 0 ? ((cpu1 - cpu0) * 1e6) / rtts : Number.NaN,
      };
    } finally {
      clearTimeout(mark);
      clearTimeout(markEnd);
      await c.stop();
    }
  }

  /** The kernel baseline: client → veth → kernel → the C echo server in namespace K. */
  kernelTarget(): { address: string; pid: number | undefined } {
    return { address: TAP_NET.linuxServer, pid: this.kernelServer?.proc.pid };
  }

  /** Attach the C reflector to the TAP and tell the kernel its MAC; `stop` undoes both. */
  async startReflector(): Promise<{ address: string; pid: number | undefined; stop: () => Promise<void> }> {
    const n = TAP_NET;
    const r = this.spawn(this.client, [...this.pin('echo'), this.bin, 'reflect', n.tap, n.ours, String(n.port)]);
    await r.waitFor(/^ready$/, 10_000, 'udp-echo reflect');
    sh([
      'ip',
      '-n',
      this.client,
      'neigh',
      'replace',
      n.ours,
      'lladdr',
      n.reflectorMac,
      'dev',
      n.tap,
      'nud',
      'permanent',
    ]);
    return {
      address: n.ours,
      pid: r.proc.pid,
      stop: async () => {
        await r.stop();
        spawnSync('ip', ['-n', this.client, 'neigh', 'del', n.ours, 'dev', n.tap], { timeout: 10_000 });
      },
    };
  }

  /**
   * Start our host inside namespace C, attached to the TAP, with its UDP echo service on the port.
   * `app`: as the interop test bed does, `stack-host run CONFIG` (apps/host's CLI, sources through
   * tsx). `compose`: udp-tap-host.ts, the same composition without the app (a fallback for when
   * the app does not start). `nodeArgs` go before the script (e.g. --cpu-prof).
   */
  async startHost(mode: HostMode, nodeArgs: readonly string[] = []): Promise<HostHandle> {
    const n = TAP_NET;
    const node = [...this.pin('echo'), process.execPath, ...nodeArgs, '--conditions=@stack/source', '--import', 'tsx'];
    let h: Child;
    if (mode === 'app') {
      const config = join(this.dir, 'host.json');
      writeFileSync(
        config,
        JSON.stringify(
          {
            interfaces: [{ name: 'em0', tap: n.tap, addresses: [`${n.ours}/24`] }],
            services: { udpEcho: { port: n.port } },
          },
          null,
          2,
        ),
      );
      const hostDir = join(REPO_ROOT, 'apps/host');
      h = this.spawn(this.client, [...node, join(hostDir, 'src/cli.ts'), 'run', config], hostDir);
    } else {
      h = this.spawn(
        this.client,
        [...node, join(here, 'udp-tap-host.ts'), n.tap, `${n.ours}/24`, String(n.port)],
        REPO_ROOT,
      );
    }
    try {
      await h.waitFor(/stack-host: running with/, 60_000, mode === 'app' ? 'stack-host' : 'udp-tap-host.ts');
    } catch (e) {
      await h.stop(1_000);
      throw e;
    }
    let marks = 0;
    return {
      address: n.ours,
      pid: h.proc.pid,
      output: () => h.lines.slice(-20).join('\n'),
      counters: async () => {
        const mark = `stackbench-mark-${++marks}`;
        const from = h.lines.length;
        h.proc.stdin!.write(`stats\necho ${mark}\n`);
        await h.waitFor(new RegExp(`^${mark}$`), 10_000, 'stack-host stats', from);
        const out = new Map<string, number>();
        for (const l of h.lines.slice(from)) {
          const m = /^\s*(\d+)\s+(\S+)$/.exec(l);
          if (m) out.set(m[2], Number(m[1]));
        }
        return out;
      },
      stop: () => h.stop(5_000),
    };
  }

  /** Kill every child, delete both namespaces and the scratch folder. Idempotent. */
  async destroy(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.children].map((c) => c.stop(2_000)));
    this.destroySync();
  }

  /** The synchronous part of {@link destroy}, also used from the process 'exit' handler. */
  destroySync(): void {
    for (const c of this.children) if (c.alive) c.proc.kill('SIGKILL');
    for (const ns of [this.client, this.kernel]) {
      if (existsSync(`/run/netns/${ns}`)) spawnSync('ip', ['netns', 'del', ns], { timeout: 10_000 });
    }
    rmSync(this.dir, { recursive: true, force: true });
    liveBeds.delete(this);
  }
}

const liveBeds = new Set<TapBed>();
process.on('exit', () => {
  for (const bed of [...liveBeds]) bed.destroySync();
});

/** Delete namespaces stackbench-<pid>-* left by runs whose process is gone. */
function reapStale(): void {
  let names: string[] = [];
  try {
    names = readdirSync('/run/netns');
  } catch {
    return;
  }
  for (const name of names) {
    const m = new RegExp(`^${NS_PREFIX}-(\\d+)-[a-z]+$`).exec(name);
    if (m && !existsSync(`/proc/${m[1]}`)) spawnSync('ip', ['netns', 'del', name], { timeout: 10_000 });
  }
}
