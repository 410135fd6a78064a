// IPv6 parts of the Linux test bed: radvd in a namespace, ndisc6, Linux's neighbour table, UDP
// echo through socat, and reading MLDv2 reports and ND messages out of a capture with tshark.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Netns, run, runOk, waitExit } from './testbed.js';

/** The IPv6 test-bed commands, beyond the IPv4 ones. */
export const INTEROP6_TOOLS = ['ip', 'ping', 'ndisc6', 'radvd', 'socat', 'tcpdump', 'tshark'] as const;

// ---------------------------------------------------------------------------------------------
// radvd

export interface RadvdPrefix {
  /** `2001:db8:2::/64` */
  readonly prefix: string;
  readonly onLink?: boolean;
  readonly autonomous?: boolean;
  /** Seconds; default 86400 / 14400 (radvd's defaults). */
  readonly validLifetime?: number;
  readonly preferredLifetime?: number;
}

export interface RadvdOptions {
  readonly dev: string;
  readonly prefixes: readonly RadvdPrefix[];
  /** Seconds between unsolicited advertisements (radvd's MaxRtrAdvInterval; MinRtrAdvInterval is 3/4 of it). Default 4. */
  readonly interval?: number;
  /** Router lifetime in seconds; 0 advertises "not a default router". Default 600. */
  readonly defaultLifetime?: number;
  /** Cur Hop Limit advertised. Default 64. */
  readonly curHopLimit?: number;
  /** MTU option, or none. */
  readonly mtu?: number;
}

/** radvd (as root, in the foreground) advertising prefixes on one device of a namespace. */
export class Radvd {
  private constructor(
    private readonly child: ChildProcess,
    readonly configFile: string,
    readonly log: string[],
  ) {}

  /** Render the configuration file radvd reads. */
  static config(o: RadvdOptions): string {
    const interval = o.interval ?? 4;
    const lines = [
      `interface ${o.dev} {`,
      '  AdvSendAdvert on;',
      `  MaxRtrAdvInterval ${interval};`,
      `  MinRtrAdvInterval ${Math.max(3, Math.floor(interval * 0.75))};`,
      `  AdvDefaultLifetime ${o.defaultLifetime ?? 600};`,
      `  AdvCurHopLimit ${o.curHopLimit ?? 64};`,
      ...(o.mtu !== undefined ? [`  AdvLinkMTU ${o.mtu};`] : []),
    ];
    for (const p of o.prefixes) {
      lines.push(
        `  prefix ${p.prefix} {`,
        `    AdvOnLink ${p.onLink === false ? 'off' : 'on'};`,
        `    AdvAutonomous ${p.autonomous === false ? 'off' : 'on'};`,
        `    AdvValidLifetime ${p.validLifetime ?? 86400};`,
        `    AdvPreferredLifetime ${p.preferredLifetime ?? 14400};`,
        '  };',
      );
    }
    lines.push('};', '');
    return lines.join('\n');
  }

  /**
   * Write the configuration into `dir`, check it (`radvd -c`) and start radvd in `ns`; resolves
   * once it has started. The device must have a link-local address and carrier (start our host
   * first on a TAP). Namespace destruction kills it if {@link stop} was not called.
   */
  static async start(ns: Netns, dir: string, options: RadvdOptions): Promise<Radvd> {
    const configFile = join(dir, `radvd-${options.dev}.conf`);
    const pidFile = join(dir, `radvd-${options.dev}.pid`);
    writeFileSync(configFile, Radvd.config(options));
    await runOk('ip', ['netns', 'exec', ns.name, 'radvd', '-c', '-C', configFile], { timeoutMs: 10_000 });
    const child = ns.spawn(['radvd', '-n', '-C', configFile, '-p', pidFile, '-m', 'stderr', '-d', '1']);
    const log: string[] = [];
    const onData = (d: string): void => {
      log.push(...d.split('\n').filter((l) => l !== ''));
    };
    child.stdout!.setEncoding('utf8').on('data', onData);
    child.stderr!.setEncoding('utf8').on('data', onData);
    const deadline = Date.now() + 10_000;
    while (!log.some((l) => /polling for|sending RA|timer_handler/.test(l))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`radvd did not start (exit ${child.exitCode}):\n${log.join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return new Radvd(child, configFile, log);
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM (radvd then sends its final advertisements with router lifetime 0), SIGKILL after 5 s. */
  async stop(): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGTERM');
    if ((await waitExit(this.child, 5_000)) === null && this.alive) this.child.kill('SIGKILL');
  }
}

// ---------------------------------------------------------------------------------------------
// ndisc6 and the Linux neighbour table

export interface Ndisc6Result {
  /** The target link-layer address ndisc6 reported (lower case), or null. */
  readonly mac: string | null;
  readonly output: string;
}

/** `ndisc6 -1 ADDRESS DEV`: one neighbour solicitation exchange; the link address in the answer. */
export async function ndisc6(ns: Netns, address: string, dev: string, tries = 3): Promise<Ndisc6Result> {
  const r = await ns.exec(['ndisc6', '-1', '-n', '-r', String(tries), '-w', '1000', address, dev], { timeoutMs: (tries + 2) * 1500 });
  const m = /Target link-layer address:\s*([0-9A-Fa-f:]{17})/.exec(r.stdout);
  return { mac: m ? m[1].toLowerCase() : null, output: r.stdout + r.stderr };
}

export interface LinuxNeighbour {
  readonly dst: string;
  readonly dev?: string;
  readonly lladdr?: string;
  readonly state: string[];
  readonly router?: unknown;
}

/** `ip -6 neigh show dev DEV` (JSON). */
export async function linuxNeighbours6(ns: Netns, dev: string): Promise<LinuxNeighbour[]> {
  const r = await ns.ip('-6', '-j', 'neigh', 'show', 'dev', dev);
  return r.stdout.trim() === '' ? [] : (JSON.parse(r.stdout) as LinuxNeighbour[]);
}

/** Linux's IPv6 addresses on a device (JSON of `ip -6 addr`), with their flags. */
export async function linuxAddresses6(ns: Netns, dev: string): Promise<{ local: string; prefixlen: number; scope: string; tentative?: boolean; dadfailed?: boolean }[]> {
  const r = await ns.ip('-6', '-j', 'addr', 'show', 'dev', dev);
  const j = JSON.parse(r.stdout) as { addr_info: { local: string; prefixlen: number; scope: string; tentative?: boolean; dadfailed?: boolean }[] }[];
  return j[0]?.addr_info ?? [];
}

// ---------------------------------------------------------------------------------------------
// UDP echo through socat

export interface SocatEchoResult {
  readonly size: number;
  /** The echo came back byte for byte. */
  readonly ok: boolean;
  /** Bytes that came back. */
  readonly received: number;
  readonly error?: string;
}

/**
 * For each size, one datagram of random bytes to `[address]:port` through `socat` (UDP6, connected
 * socket), and the echo compared byte for byte. The payload comes from a regular file, so socat
 * reads it in one piece and sends it as one datagram; up to `parallel` run at once.
 */
export async function socatUdpEcho(ns: Netns, address: string, port: number, sizes: readonly number[], dir: string, parallel = 6): Promise<SocatEchoResult[]> {
  const results: SocatEchoResult[] = [];
  const one = async (size: number, i: number): Promise<SocatEchoResult> => {
    const input = join(dir, `socat-${i}-${size}.in`);
    const output = join(dir, `socat-${i}-${size}.out`);
    const payload = randomBytes(size);
    writeFileSync(input, payload);
    writeFileSync(output, '');
    const target = `UDP6:[${address}]:${port}`;
    const r = await run('ip', ['netns', 'exec', ns.name, 'sh', '-c', `exec socat -b 65536 -t 1.5 - '${target}' < '${input}' > '${output}'`], { timeoutMs: 15_000 });
    const got = readFileSync(output);
    const ok = got.length === size && Buffer.compare(got, payload) === 0;
    return { size, ok, received: got.length, error: r.code === 0 ? undefined : `socat exit ${r.code}: ${r.stderr.trim()}` };
  };
  for (let i = 0; i < sizes.length; i += parallel) {
    results.push(...(await Promise.all(sizes.slice(i, i + parallel).map((s, k) => one(s, i + k)))));
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// Reading captures

async function tsharkFields(file: string, filter: string, fields: readonly string[]): Promise<string[][]> {
  const args = ['-n', '-r', file, '-Y', filter, '-T', 'fields', '-E', 'separator=\t', '-E', 'aggregator=,'];
  for (const f of fields) args.push('-e', f);
  const r = await runOk('tshark', args, { timeoutMs: 60_000 });
  return r.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => l.split('\t'));
}

export interface MldReport {
  readonly frame: number;
  readonly source: string;
  /** Multicast address records: record type (1..6, RFC 3810 §5.2.12) and group. */
  readonly records: readonly { readonly type: number; readonly group: string }[];
  /** The report carried a Hop-by-Hop Router Alert option and hop limit 1 (RFC 3810 §5). */
  readonly wellFormed: boolean;
}

/** MLDv2 reports (ICMPv6 type 143) sent from `mac` in a capture. */
export async function mldReports(file: string, mac: string): Promise<MldReport[]> {
  const rows = await tsharkFields(file, `eth.src == ${mac} && icmpv6.type == 143`, [
    'frame.number', 'ipv6.src', 'ipv6.hlim', 'ipv6.opt.router_alert', 'icmpv6.mldr.mar.record_type', 'icmpv6.mldr.mar.multicast_address',
  ]);
  return rows.map(([frame, source, hlim, alert, types, groups]) => {
    const t = (types ?? '').split(',').filter((x) => x !== '');
    const g = (groups ?? '').split(',').filter((x) => x !== '');
    return {
      frame: Number(frame),
      source,
      records: t.map((type, i) => ({ type: Number(type), group: g[i] })),
      wellFormed: hlim === '1' && alert !== undefined && alert !== '',
    };
  });
}

export interface NdMessage {
  readonly frame: number;
  readonly type: number;
  readonly source: string;
  readonly destination: string;
  /** Target address of an NS or NA, else ''. */
  readonly target: string;
}

/** Neighbour solicitations and advertisements (ICMPv6 135/136) sent from `mac` in a capture. */
export async function ndMessages(file: string, mac: string): Promise<NdMessage[]> {
  const rows = await tsharkFields(file, `eth.src == ${mac} && (icmpv6.type == 135 || icmpv6.type == 136)`, [
    'frame.number', 'icmpv6.type', 'ipv6.src', 'ipv6.dst', 'icmpv6.nd.ns.target_address', 'icmpv6.nd.na.target_address',
  ]);
  return rows.map(([frame, type, source, destination, nsTarget, naTarget]) => ({
    frame: Number(frame),
    type: Number(type),
    source,
    destination,
    target: nsTarget || naTarget || '',
  }));
}

/** Frames matching a display filter in a capture. */
export async function countFrames(file: string, filter: string): Promise<number> {
  return (await tsharkFields(file, filter, ['frame.number'])).length;
}
