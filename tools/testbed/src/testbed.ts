// The Linux test bed of the interop tests: network namespaces holding a TAP device (the Linux end,
// with its own address), our host (apps/host) attached to the other end of that TAP, commands run in
// the namespace with time limits, tcpdump captures and tshark checks. Needs root; see README.md.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as TapDriverModuleNs from '@stack/tap-driver';

type TapDriverModule = typeof TapDriverModuleNs;

/** The monorepo's root folder. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** The Debian python, which has scapy (the pyenv `python3` first on PATH does not). */
export const SYSTEM_PYTHON = '/usr/bin/python3';
/** Every test namespace starts with this. */
export const NETNS_PREFIX = 'stk-';

// ---------------------------------------------------------------------------------------------
// Running commands

export interface RunOptions {
  /** Kill the command (SIGKILL) after this many ms. Default 20 000. */
  readonly timeoutMs?: number;
  /** Written to the command's stdin, which is then closed. */
  readonly input?: string | Uint8Array;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export interface RunResult {
  readonly command: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

/** Run a command to completion, bounded in time. Never rejects for a non-zero exit: check `code`. */
export function run(cmd: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const command = [cmd, ...args].join(' ');
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 20_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${command}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ command, code, signal, stdout, stderr, timedOut });
    });
    child.stdin.on('error', () => {}); // the command may exit without reading its input
    child.stdin.end(options.input ?? '');
  });
}

/** Like {@link run}, but rejects unless the command exits with status 0. */
export async function runOk(cmd: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const r = await run(cmd, args, options);
  if (r.code !== 0) {
    throw new Error(`${r.command}: ${r.timedOut ? 'timed out' : `exit ${r.code ?? r.signal}`}\n${r.stdout}${r.stderr}`);
  }
  return r;
}

function onPath(tool: string): boolean {
  const dirs = tool.includes('/') ? [''] : (process.env.PATH ?? '').split(delimiter).concat(['/usr/sbin', '/sbin']);
  return dirs.some((d) => {
    try {
      accessSync(d ? join(d, tool) : tool, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Call `probe` every `intervalMs` until it returns something other than null, undefined or false,
 * at most `timeoutMs`; then resolve with that value, or reject naming `what` and the last value seen.
 */
export async function pollUntil<T>(what: string, timeoutMs: number, probe: () => Promise<T | null | undefined | false>, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const v = await probe();
    if (v !== null && v !== undefined && v !== false) return v;
    last = v;
    if (Date.now() >= deadline) throw new Error(`${what}: not within ${timeoutMs} ms (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** iputils ping's summary line (both families print the same one). */
export function pingSummary(out: string): { transmitted: number; received: number; loss: number } {
  const m = /(\d+) packets transmitted, (\d+) received.*?([\d.]+)% packet loss/.exec(out);
  if (!m) throw new Error(`no ping summary in:\n${out}`);
  return { transmitted: Number(m[1]), received: Number(m[2]), loss: Number(m[3]) };
}

// ---------------------------------------------------------------------------------------------
// Prerequisites: skip cleanly when the machine cannot run the tests, fail loudly in CI as root

/** The commands the IPv4 host interop tests use. */
export const INTEROP_TOOLS = ['ip', 'ping', 'arping', 'tcpdump', 'tshark'] as const;

/** Why the interop tests cannot run here, or null when they can. */
export async function missingPrerequisites(tools: readonly string[] = INTEROP_TOOLS, needScapy = true): Promise<string | null> {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  if (process.getuid?.() !== 0) return 'not root (network namespaces and TAP devices need root)';
  if (!existsSync('/dev/net/tun')) return '/dev/net/tun is missing';
  let driver: TapDriverModule;
  try {
    driver = await import('@stack/tap-driver');
  } catch (e) {
    return `@stack/tap-driver cannot be loaded (${e instanceof Error ? e.message : String(e)})`;
  }
  if (!driver.isTapAvailable()) return `the TAP addon is not available: ${driver.tapUnavailableReason()}`;
  const missing = tools.filter((t) => !onPath(t));
  if (missing.length > 0) return `missing commands: ${missing.join(', ')} (tools/testbed/install-debian-packages.sh installs them)`;
  if (needScapy) {
    const py = spawnSync(SYSTEM_PYTHON, ['-c', 'import scapy.all'], { timeout: 30_000, encoding: 'utf8' });
    if (py.status !== 0) return `${SYSTEM_PYTHON} cannot import scapy (python3-scapy): ${py.error?.message ?? py.stderr.trim().split('\n').pop()}`;
  }
  // Containers may refuse namespaces even to root: try one.
  const probe = `${NETNS_PREFIX}probe-${process.pid}`;
  const add = spawnSync('ip', ['netns', 'add', probe], { timeout: 10_000, encoding: 'utf8' });
  if (add.status !== 0) return `cannot create a network namespace: ${add.stderr.trim()}`;
  spawnSync('ip', ['netns', 'del', probe], { timeout: 10_000 });
  return null;
}

export interface InteropGate {
  readonly skip: boolean;
  readonly reason: string;
}

/**
 * Decide whether the interop tests run. Without root (or off Linux) they are skipped. As root with
 * something missing they are skipped too, except under CI (`process.env.CI` set), where that throws:
 * a CI runner that is root is meant to run them.
 */
export async function interopGate(tools: readonly string[] = INTEROP_TOOLS, needScapy = true): Promise<InteropGate> {
  const reason = await missingPrerequisites(tools, needScapy);
  if (reason === null) return { skip: false, reason: '' };
  const root = process.platform === 'linux' && process.getuid?.() === 0;
  if (root && process.env.CI) throw new Error(`interop tests: prerequisites missing on a CI runner that is root: ${reason}`);
  console.warn(`interop tests skipped: ${reason}`);
  return { skip: true, reason };
}

// ---------------------------------------------------------------------------------------------
// Network namespaces

const liveNamespaces = new Set<string>();
process.on('exit', () => {
  // Last resort when a test run dies before its afterAll: leave no namespace behind.
  for (const name of liveNamespaces) spawnSync('ip', ['netns', 'del', name], { timeout: 5_000 });
});

/** Delete namespaces `stk-<tag>-<pid>` left by runs whose process is gone. */
function reapStale(tag: string): void {
  let names: string[] = [];
  try {
    names = readdirSync('/run/netns');
  } catch {
    return;
  }
  const re = new RegExp(`^${NETNS_PREFIX}${tag}-(\\d+)$`);
  for (const n of names) {
    const m = re.exec(n);
    if (m && !existsSync(`/proc/${m[1]}`)) spawnSync('ip', ['netns', 'del', n], { timeout: 5_000 });
  }
}

export interface NetnsOptions {
  /**
   * Keep IPv6 on (default off, for quiet IPv4 captures). Devices then get no automatic link-local
   * address (`addr_gen_mode` none): give the ones a test needs to {@link Netns.addTap}, so the
   * Linux side's addresses are known in advance.
   */
  readonly ipv6?: boolean;
}

/** A network namespace `stk-<tag>-<pid>` with loopback up and, unless asked for, IPv6 off (quiet captures). */
export class Netns {
  private readonly children = new Set<ChildProcess>();
  private constructor(
    readonly name: string,
    readonly ipv6: boolean,
  ) {}

  static async create(tag: string, options: NetnsOptions = {}): Promise<Netns> {
    if (!/^[a-z0-9-]{1,20}$/.test(tag)) throw new Error(`Netns: bad tag ${tag}`);
    reapStale(tag);
    const name = `${NETNS_PREFIX}${tag}-${process.pid}`;
    if (existsSync(`/run/netns/${name}`)) await run('ip', ['netns', 'del', name]);
    await runOk('ip', ['netns', 'add', name]);
    liveNamespaces.add(name);
    const ns = new Netns(name, options.ipv6 === true);
    await runOk('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
    if (ns.ipv6) {
      await ns.sysctl('net.ipv6.conf.default.addr_gen_mode', '1');
      await ns.sysctl('net.ipv6.conf.default.accept_ra', '0');
    } else {
      await ns.sysctl('net.ipv6.conf.all.disable_ipv6', '1');
      await ns.sysctl('net.ipv6.conf.default.disable_ipv6', '1');
    }
    return ns;
  }

  async sysctl(key: string, value: string): Promise<void> {
    await runOk('ip', ['netns', 'exec', this.name, 'sysctl', '-q', '-w', `${key}=${value}`]);
  }

  /** `ip -n NAME ...args` */
  ip(...args: string[]): Promise<RunResult> {
    return runOk('ip', ['-n', this.name, ...args]);
  }

  /**
   * Create a TAP `dev` with the Linux end's addresses (`192.0.2.1/24`, `2001:db8::1/64`,
   * `fe80::1/64`...) and bring it up. It has no carrier until a reader attaches. IPv6 addresses skip
   * DAD (`nodad`), so they are usable at once; in a namespace without IPv6 the device has none.
   */
  async addTap(dev: string, cidrs: string | readonly string[]): Promise<void> {
    await this.ip('tuntap', 'add', 'dev', dev, 'mode', 'tap');
    await this.configureDevice(dev, cidrs);
    await this.ip('link', 'set', dev, 'up');
  }

  /** Addresses on an existing device of this namespace (IPv6 ones without DAD), IPv6 off there if the namespace has it off. */
  async configureDevice(dev: string, cidrs: string | readonly string[]): Promise<void> {
    if (!this.ipv6) await this.sysctl(`net.ipv6.conf.${dev}.disable_ipv6`, '1');
    for (const cidr of typeof cidrs === 'string' ? [cidrs] : cidrs) {
      if (cidr.includes(':')) await this.ip('-6', 'addr', 'add', cidr, 'dev', dev, 'nodad');
      else await this.ip('addr', 'add', cidr, 'dev', dev);
    }
  }

  /**
   * A veth pair: `dev` here, `peerDev` in `peer`, both up, with the given addresses (IPv6 ones
   * without DAD).
   */
  async addVeth(dev: string, peer: Netns, peerDev: string, cidrs: readonly string[], peerCidrs: readonly string[]): Promise<void> {
    await this.ip('link', 'add', dev, 'type', 'veth', 'peer', 'name', peerDev, 'netns', peer.name);
    await this.configureDevice(dev, cidrs);
    await peer.configureDevice(peerDev, peerCidrs);
    await this.ip('link', 'set', dev, 'up');
    await peer.ip('link', 'set', peerDev, 'up');
  }

  /** The Linux end's MAC address of `dev`. */
  async macOf(dev: string): Promise<string> {
    const r = await this.ip('-j', 'link', 'show', 'dev', dev);
    return (JSON.parse(r.stdout) as { address: string }[])[0].address;
  }

  /** Run a command inside the namespace, bounded in time. */
  exec(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return run('ip', ['netns', 'exec', this.name, ...args], options);
  }

  /**
   * Start a long-running command inside the namespace (`ip netns exec` execs it, so the child's pid
   * is the command's). It is killed by {@link destroy} if still running.
   */
  spawn(args: readonly string[], options: { cwd?: string } = {}): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', this.name, ...args], { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.children.add(child);
    child.on('exit', () => this.children.delete(child));
    return child;
  }

  /** Kill what {@link spawn} started and is still running, then delete the namespace. */
  async destroy(): Promise<void> {
    for (const child of this.children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    await Promise.all([...this.children].map((c) => waitExit(c, 5_000)));
    await run('ip', ['netns', 'del', this.name], { timeoutMs: 10_000 });
    liveNamespaces.delete(this.name);
  }
}

/** Wait for a child to exit, at most `timeoutMs`; resolves with its exit code (null if killed or still running). */
export function waitExit(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((r) => {
    const timer = setTimeout(() => r(null), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      r(code);
    });
  });
}

/** What an interop suite tears down after its tests. */
export interface InteropTeardown {
  /** Heading of the figures the suite collected. */
  readonly title: string;
  readonly figures: readonly string[];
  /** Helpers stopped first, in order (senders, daemons, captures); unset ones are skipped. */
  readonly stop?: readonly ({ stop(): Promise<unknown> } | undefined)[];
  readonly host?: HostProcess;
  /** Namespaces destroyed after the host stopped. */
  readonly namespaces?: readonly (Netns | undefined)[];
  readonly scratch?: { dir: string; cleanup: () => void };
}

/**
 * The common `afterAll` of the interop suites: stop the helpers and stack-host, destroy the
 * namespaces, print the figures (and stack-host's last output when it did not exit cleanly), and
 * remove the scratch folder unless `STK_KEEP` is set.
 */
export async function teardownInterop(t: InteropTeardown): Promise<void> {
  for (const s of t.stop ?? []) await s?.stop();
  const code = await t.host?.stop();
  for (const n of t.namespaces ?? []) await n?.destroy();
  if (t.figures.length > 0) console.log(`${t.title}:\n  ${t.figures.join('\n  ')}`);
  if (code !== 0 && t.host) console.log(`stack-host exit ${code}; last output:\n${t.host.output.slice(-30).join('\n')}`);
  if (process.env.STK_KEEP) console.log(`kept ${t.scratch?.dir}`);
  else t.scratch?.cleanup();
}

/** A scratch folder under the system temp dir, removed by `cleanup()`. */
export function scratchDir(tag: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `stk-${tag}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

// ---------------------------------------------------------------------------------------------
// Line-oriented output of a child process

class LineLog {
  readonly lines: string[] = [];
  private partial = '';
  private waiters: (() => void)[] = [];

  push(chunk: string): void {
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop()!;
    this.lines.push(...parts);
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Wait for a line at index ≥ `from` matching `re`; rejects after `timeoutMs`. */
  async waitFor(re: RegExp, from: number, timeoutMs: number, what: string, alive: () => boolean): Promise<{ index: number; match: RegExpExecArray }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (let i = from; i < this.lines.length; i++) {
        const m = re.exec(this.lines[i]);
        if (m) return { index: i, match: m };
      }
      const left = deadline - Date.now();
      if (left <= 0 || !alive()) {
        throw new Error(`${what}: no line matching ${re} ${alive() ? `within ${timeoutMs} ms` : '(the process exited)'}; output:\n${this.lines.slice(-40).join('\n')}`);
      }
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Our host (apps/host), run inside a namespace and driven through its stdin commands

export interface PingResult {
  readonly transmitted: number;
  readonly received: number;
  readonly lossPercent: number;
  readonly lines: readonly string[];
}

/** `stack-host run CONFIG` inside a namespace, with the stdin commands as methods. */
export class HostProcess {
  private readonly out = new LineLog();
  private marks = 0;
  private constructor(
    readonly child: ChildProcess,
    readonly configFile: string,
  ) {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => this.out.push(d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => this.out.push(d));
    child.stdin!.on('error', () => {});
  }

  /** Write `config` to `dir/host.json`, start the host in `ns` and wait until it runs. */
  static async start(ns: Netns, config: unknown, dir: string, startTimeoutMs = 30_000): Promise<HostProcess> {
    const configFile = join(dir, 'host.json');
    writeFileSync(configFile, JSON.stringify(config, null, 2));
    const hostDir = join(REPO_ROOT, 'apps/host');
    const child = ns.spawn([process.execPath, '--conditions=@stack/source', '--import', 'tsx', join(hostDir, 'src/cli.ts'), 'run', configFile], { cwd: hostDir });
    const host = new HostProcess(child, configFile);
    try {
      await host.waitFor(/stack-host: running with/, 0, startTimeoutMs);
    } catch (e) {
      child.kill('SIGKILL');
      throw e;
    }
    return host;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Everything the host printed so far. */
  get output(): readonly string[] {
    return this.out.lines;
  }

  waitFor(re: RegExp, from: number, timeoutMs: number): Promise<{ index: number; match: RegExpExecArray }> {
    return this.out.waitFor(re, from, timeoutMs, 'stack-host', () => this.alive);
  }

  send(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }

  /** Run a command whose output is printed at once; returns its lines. */
  async command(line: string, timeoutMs = 10_000): Promise<string[]> {
    const mark = `stk-mark-${++this.marks}`;
    const from = this.out.lines.length;
    this.send(line);
    this.send(`echo ${mark}`);
    const { index } = await this.waitFor(new RegExp(`^${mark}$`), from, timeoutMs);
    return this.out.lines.slice(from, index);
  }

  /** Every non-zero counter (`stats`). */
  async stats(prefix?: string): Promise<Map<string, number>> {
    const lines = await this.command(prefix ? `stats ${prefix}` : 'stats');
    const m = new Map<string, number>();
    for (const l of lines) {
      const r = /^\s*(\d+)\s+(\S+)$/.exec(l);
      if (r) m.set(r[2], Number(r[1]));
    }
    return m;
  }

  /** Our host pings `address`. Interval 1 s in the host, so keep `count` small. */
  async ping(address: string, count: number, size = 56): Promise<PingResult> {
    const from = this.out.lines.length;
    this.send(`ping ${address} ${count} ${size}`);
    const { index, match } = await this.waitFor(/^(\d+) packets transmitted, (\d+) received,.* ([\d.]+)% packet loss/, from, count * 1000 + 5_000);
    return { transmitted: Number(match[1]), received: Number(match[2]), lossPercent: Number(match[3]), lines: this.out.lines.slice(from, index + 2) };
  }

  /** Resident set size of the host process, in KiB (from /proc). */
  rssKiB(): number {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  }

  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves with the exit code (null if it had to be killed). */
  async stop(timeoutMs = 5_000): Promise<number | null> {
    if (!this.alive) return this.child.exitCode;
    this.child.kill('SIGTERM');
    const code = await waitExit(this.child, timeoutMs);
    if (code === null && this.alive) {
      this.child.kill('SIGKILL');
      await waitExit(this.child, 2_000);
    }
    return code;
  }
}

// ---------------------------------------------------------------------------------------------
// Captures and tshark

/** `tcpdump -w` on an interface of a namespace. */
export class Capture {
  private constructor(
    private readonly child: ChildProcess,
    readonly file: string,
  ) {}

  static async start(ns: Netns, dev: string, file: string): Promise<Capture> {
    const child = ns.spawn(['tcpdump', '-i', dev, '-n', '-s', '0', '-U', '-w', file]);
    const log = new LineLog();
    child.stderr!.setEncoding('utf8').on('data', (d: string) => log.push(d));
    child.stdout!.resume();
    await log.waitFor(/listening on/, 0, 10_000, 'tcpdump', () => child.exitCode === null);
    return new Capture(child, file);
  }

  /** Stop the capture; resolves once the file is complete. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.kill('SIGINT');
    if ((await waitExit(this.child, 5_000)) === null) this.child.kill('SIGKILL');
  }
}

const TSHARK_PREFS = ['-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE'];

export interface TsharkReport {
  /** Frames matching the filter. */
  readonly frames: number;
  /**
   * Frames matching the filter with an expert item of severity warning or error: "N: message",
   * except those whose every such item lies inside the packet an ICMP or ICMPv6 error quotes.
   */
  readonly problems: readonly string[];
  /**
   * ICMP/ICMPv6 errors whose only warnings are about the packet they quote (RFC 792, RFC 4443 §2.4:
   * an error quotes the offending packet, malformed options and all): "N: message". Their own
   * headers and checksums are clean.
   */
  readonly quoted: readonly string[];
  /** The `-z expert,warn` summary for the filter's frames (empty when clean; includes quoted items). */
  readonly expert: string;
}

/** tshark's severity of a Warning expert item (`_ws.expert.severity`, PI_WARN). */
const SEVERITY_WARN = 0x00600000;

/** Paths (layer names from the top) of the expert items of severity warning or worse in one frame of `tshark -T json`. */
function expertPaths(node: unknown, path: string[], out: string[][]): void {
  if (Array.isArray(node)) {
    for (const v of node) expertPaths(v, path, out);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if (k === '_ws.expert') {
      for (const item of Array.isArray(v) ? v : [v]) {
        const sev = Number((item as Record<string, unknown>)['_ws.expert.severity']);
        if (sev >= SEVERITY_WARN) out.push(path);
      }
    } else {
      expertPaths(v, [...path, k], out);
    }
  }
}

/** Whether a layer path lies inside the quoted packet of an ICMP/ICMPv6 error: `icmp/ip/...`, `icmpv6/ipv6/...`. */
function insideQuote(path: readonly string[]): boolean {
  const i = path.findIndex((p) => p === 'icmp' || p === 'icmpv6');
  return i >= 0 && path.slice(i + 1).some((p) => p === 'ip' || p === 'ipv6');
}

/**
 * Dissect `file` with checksum validation on (IPv4, UDP, TCP; ICMP and ICMPv6 are always checked)
 * and report the frames matching `filter` that carry expert warnings or errors (bad checksums,
 * malformed). Frames whose warnings are all inside the quote of an ICMP error are listed apart.
 */
export async function tsharkCheck(file: string, filter: string): Promise<TsharkReport> {
  const count = await runOk('tshark', ['-n', '-r', file, ...TSHARK_PREFS, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], { timeoutMs: 60_000 });
  const frames = count.stdout.split('\n').filter((l) => l.trim() !== '').length;
  const bad = await runOk('tshark', ['-n', '-r', file, ...TSHARK_PREFS, '-Y', `(${filter}) && _ws.expert.severity >= "Warning"`, '-T', 'fields', '-e', 'frame.number', '-e', '_ws.expert.message'], { timeoutMs: 60_000 });
  const lines = bad.stdout.split('\n').filter((l) => l.trim() !== '');
  const quotedFrames = new Set<string>();
  if (lines.length > 0) {
    const numbers = lines.map((l) => l.split('\t')[0]);
    // Look at where each item sits, in batches (a display filter with thousands of numbers is slow).
    for (let i = 0; i < numbers.length; i += 200) {
      const batch = numbers.slice(i, i + 200);
      const j = await runOk('tshark', ['-n', '-r', file, ...TSHARK_PREFS, '-Y', `frame.number in {${batch.join(', ')}}`, '-T', 'json'], { timeoutMs: 60_000 });
      for (const pkt of JSON.parse(j.stdout) as { _source: { layers: Record<string, unknown> & { frame: Record<string, string> } } }[]) {
        const layers = pkt._source.layers;
        const paths: string[][] = [];
        expertPaths(layers, [], paths);
        if (paths.length > 0 && paths.every(insideQuote)) quotedFrames.add(layers.frame['frame.number']);
      }
    }
  }
  const problems: string[] = [];
  const quoted: string[] = [];
  for (const l of lines) (quotedFrames.has(l.split('\t')[0]) ? quoted : problems).push(l.replace('\t', ': '));
  const expert = await runOk('tshark', ['-n', '-r', file, ...TSHARK_PREFS, '-q', '-z', `expert,warn,${filter}`], { timeoutMs: 60_000 });
  return { frames, problems, quoted, expert: expert.stdout.trim() };
}

// ---------------------------------------------------------------------------------------------
// Hostile input: tools/testbed/py/hostile.py (scapy), driven over stdin

export interface HostileAddresses {
  readonly iface: string;
  readonly ourMac: string;
  readonly ourIp: string;
  readonly linuxMac: string;
  readonly linuxIp: string;
}

/** A long-running scapy process in a namespace that writes crafted frames into the TAP's Linux end. */
export class HostileSender {
  private readonly out = new LineLog();
  private constructor(private readonly child: ChildProcess) {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => this.out.push(d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => this.out.push(d));
    child.stdin!.on('error', () => {});
  }

  /**
   * Start `py/<script>` (default `hostile.py`) with the addresses as `--our-mac` etc., plus `extraArgs`
   * (`hostile6.py` takes the IPv6 addresses there).
   */
  static async start(ns: Netns, a: HostileAddresses, script = 'hostile.py', extraArgs: readonly string[] = []): Promise<HostileSender> {
    const path = join(REPO_ROOT, 'tools/testbed/py', script);
    const child = ns.spawn([SYSTEM_PYTHON, path, '--iface', a.iface, '--our-mac', a.ourMac, '--our-ip', a.ourIp, '--linux-mac', a.linuxMac, '--linux-ip', a.linuxIp, ...extraArgs]);
    const s = new HostileSender(child);
    await s.wait(/^READY$/, 0, 30_000);
    return s;
  }

  private wait(re: RegExp, from: number, timeoutMs: number): Promise<{ index: number; match: RegExpExecArray }> {
    return this.out.waitFor(re, from, timeoutMs, 'hostile sender', () => this.child.exitCode === null);
  }

  /** The case names the script knows. */
  async cases(): Promise<string[]> {
    const from = this.out.lines.length;
    this.child.stdin!.write('list\n');
    const { match } = await this.wait(/^CASES (.*)$/, from, 10_000);
    return match[1].split(' ');
  }

  /** Set a parameter of the script (`hostile6.py`: `target`, the address the `*_target` cases aim at). */
  async set(key: string, value: string): Promise<void> {
    const from = this.out.lines.length;
    this.child.stdin!.write(`set ${key} ${value}\n`);
    const { match } = await this.wait(new RegExp(`^(?:SET ${key} \\S+|ERROR .*)$`), from, 10_000);
    if (match[0].startsWith('ERROR')) throw new Error(`hostile sender: ${match[0]}`);
  }

  /** Send case `name` with `repeat` repetitions; resolves with the number of frames written. */
  async send(name: string, repeat: number): Promise<number> {
    const from = this.out.lines.length;
    this.child.stdin!.write(`send ${name} ${repeat}\n`);
    const { match } = await this.wait(new RegExp(`^(?:SENT ${name} (\\d+)|ERROR .*)$`), from, 60_000);
    if (match[1] === undefined) throw new Error(`hostile.py: ${match[0]}`);
    return Number(match[1]);
  }

  async stop(): Promise<void> {
    this.child.stdin!.end('quit\n');
    if ((await waitExit(this.child, 5_000)) === null) this.child.kill('SIGKILL');
  }
}

/**
 * Sends one UDP datagram from the namespace to `address`:`port` on a connected socket and reports
 * what Linux made of the answer: `'refused'` (an ICMP/ICMPv6 port unreachable arrived),
 * `'answered'` or `'timeout'`.
 */
export async function udpClosedPortProbe(ns: Netns, address: string, port: number): Promise<{ outcome: string; stderr: string }> {
  const family = address.includes(':') ? 'AF_INET6' : 'AF_INET';
  const script = [
    'import socket',
    `s = socket.socket(socket.${family}, socket.SOCK_DGRAM)`,
    's.settimeout(3)',
    `s.connect(("${address}", ${port}))`,
    's.send(b"anyone there?")',
    'try:',
    '    s.recv(100)',
    '    print("answered")',
    'except ConnectionRefusedError:',
    '    print("refused")',
    'except socket.timeout:',
    '    print("timeout")',
  ].join('\n');
  const r = await ns.exec([SYSTEM_PYTHON, '-c', script], { timeoutMs: 10_000 });
  return { outcome: r.stdout.trim(), stderr: r.stderr };
}
