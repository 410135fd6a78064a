// Interop: IPv4 path MTU discovery (RFC 1191) against the Linux kernel. Our host (apps/host) sits on
// a TAP whose Linux end is in namespace A; Linux in A forwards to namespace B over a veth with MTU
// 1280. `ping -M do -s 1400` leaves with DF, Linux answers fragmentation needed with MTU 1280, our
// cache learns it (the `pmtu` view), the next DF request fails locally ("message too long,
// mtu=1280") with nothing on the wire, a request without DF leaves in fragments of at most 1280
// bytes and B answers, and a 1200-byte DF request passes. Forged reports (scapy): one quoting a
// datagram we never sent is ignored, one claiming MTU 100 is raised to the 552-byte floor. tshark
// finds nothing wrong in any frame we sent.
// Needs root and the tools of tools/testbed (skipped otherwise, except under CI as root).
// Run: cd apps/host && npm run test:interop -- test/interop/pmtu-host.test.ts
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Capture, HostProcess, interopGate, Netns, pollUntil, REPO_ROOT, runOk, scratchDir, SYSTEM_PYTHON, teardownInterop, tsharkCheck } from '../../../../tools/testbed/src/testbed.js';

const gate = await interopGate();

const LINUX = '192.0.2.1'; // A's end of the TAP
const OURS = '192.0.2.2';
const A_FAR = '198.51.100.1'; // A's end of the veth
const B = '198.51.100.2';
const NARROW = 1280;

function delta(after: Map<string, number>, before: Map<string, number>, name: string): number {
  return (after.get(name) ?? 0) - (before.get(name) ?? 0);
}

/** Rows of `tshark -T fields` for the frames of `file` matching `filter`, one array of field values per frame. */
async function fields(file: string, filter: string, names: readonly string[]): Promise<string[][]> {
  const r = await runOk('tshark', ['-n', '-r', file, '-Y', filter, '-T', 'fields', ...names.flatMap((n) => ['-e', n])], { timeoutMs: 30_000 });
  return r.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => l.split('\t'));
}

/** A boolean field of `tshark -T fields` (tshark 4.0 prints 1/0, later versions True/False). */
const on = (v: string | undefined): boolean => v === '1' || v === 'True';

interface HostPing {
  readonly transmitted: number;
  readonly received: number;
  readonly errors: number;
  readonly lines: readonly string[];
}

/** `ping ARGS` in stack-host; resolves with its summary and every line it printed. */
async function hostPing(host: HostProcess, args: string, timeoutMs = 10_000): Promise<HostPing> {
  const from = host.output.length;
  host.send(`ping ${args}`);
  const { index, match } = await host.waitFor(/^(\d+) packets transmitted, (\d+) received,(?: \+(\d+) errors,)? [\d.]+% packet loss/, from, timeoutMs);
  return { transmitted: Number(match[1]), received: Number(match[2]), errors: Number(match[3] ?? 0), lines: host.output.slice(from, index + 1) };
}

/** The `pmtu` view's entries: destination → [mtu, seconds to expiry]. */
async function pmtuEntries(host: HostProcess): Promise<Map<string, [number, number]>> {
  const m = new Map<string, [number, number]>();
  for (const l of await host.command('pmtu -4')) {
    const r = /^(\S+) mtu (\d+) expires (\d+)s$/.exec(l);
    if (r) m.set(r[1], [Number(r[2]), Number(r[3])]);
  }
  return m;
}

describe.skipIf(gate.skip)('IPv4 path MTU discovery against Linux (a router with a 1280-byte link)', () => {
  let a: Netns;
  let b: Netns;
  let host: HostProcess;
  let capture: Capture;
  let scratch: { dir: string; cleanup: () => void };
  let pcap = '';
  let ourMac = '';
  let linuxMac = '';
  const figures: string[] = [];

  /** A forged fragmentation needed from A's end of the TAP to us, quoting `quotedSrc` → `quotedDst`. */
  async function forgeFragNeeded(mtu: number, quotedSrc: string, quotedDst: string): Promise<void> {
    const script = join(REPO_ROOT, 'tools/testbed/py/frag_needed.py');
    const r = await a.exec(
      [SYSTEM_PYTHON, script, '--iface', 'tap0', '--src-mac', linuxMac, '--dst-mac', ourMac, '--src', LINUX, '--dst', OURS, '--mtu', String(mtu), '--quoted-src', quotedSrc, '--quoted-dst', quotedDst],
      { timeoutMs: 30_000 },
    );
    expect(r.stdout.trim(), r.stderr).toBe('SENT');
  }

  beforeAll(async () => {
    scratch = scratchDir('pmtu');
    pcap = join(scratch.dir, 'linux.pcap');
    a = await Netns.create('pmtu-a');
    b = await Netns.create('pmtu-b');
    await a.sysctl('net.ipv4.ip_forward', '1');
    await a.addTap('tap0', `${LINUX}/24`);
    await a.addVeth('veth0', b, 'veth1', [`${A_FAR}/24`], [`${B}/24`]);
    await a.ip('link', 'set', 'veth0', 'mtu', String(NARROW));
    await b.ip('link', 'set', 'veth1', 'mtu', String(NARROW));
    await b.ip('route', 'add', 'default', 'via', A_FAR, 'dev', 'veth1');
    capture = await Capture.start(a, 'tap0', pcap);
    host = await HostProcess.start(a, {
      interfaces: [{ name: 'em0', tap: 'tap0', addresses: [`${OURS}/24`] }],
      routes: [{ to: 'default', via: LINUX }],
    }, scratch.dir);
    const ifc = await host.command('ifconfig');
    ourMac = ifc.map((l) => /^\s*ether (\S+)/.exec(l)).find((m) => m !== null)![1];
    linuxMac = await a.macOf('tap0');
  });

  afterAll(() => teardownInterop({ title: 'interop figures (IPv4 path MTU discovery)', figures, stop: [capture], host, namespaces: [a, b], scratch }));

  test('B answers a small ping through Linux (the route works)', async () => {
    const p = await hostPing(host, `-c 2 -i 0.2 ${B}`);
    expect(p, p.lines.join('\n')).toMatchObject({ transmitted: 2, received: 2 });
    expect(await pmtuEntries(host)).toEqual(new Map());
  });

  test('ping -M do -s 1400: DF set, Linux answers fragmentation needed with MTU 1280, our cache learns 1280', async () => {
    const before = await host.stats('ipv4.pmtu');
    const p = await hostPing(host, `-M do -c 1 -s 1400 ${B}`);
    expect(p, p.lines.join('\n')).toMatchObject({ transmitted: 1, received: 0, errors: 1 });
    expect(p.lines).toContain(`From ${LINUX} icmp_seq=1 Fragmentation needed (type 3 code 4), path mtu now ${NARROW}`);
    // On the wire: our 1428-byte request with DF, and Linux's type 3 code 4 carrying next-hop MTU 1280.
    const requests = await pollUntil('our DF request in the capture', 5_000, async () => {
      const rows = await fields(pcap, `eth.src == ${ourMac} && icmp.type == 8 && ip.dst == ${B} && ip.len > 1000`, ['ip.len', 'ip.flags.df', 'ip.flags.mf']);
      return rows.length > 0 ? rows : null;
    });
    expect(requests.map(([len, df, mf]) => [len, on(df), on(mf)])).toEqual([['1428', true, false]]);
    const reports = await pollUntil('Linux\'s fragmentation needed', 5_000, async () => {
      const rows = await fields(pcap, `eth.src == ${linuxMac} && icmp.type == 3 && icmp.code == 4`, ['ip.src', 'icmp.mtu', 'ip.dst']);
      return rows.length > 0 ? rows : null;
    });
    // ip.src / ip.dst list the outer header, then the quoted one.
    figures.push(`Linux's fragmentation needed: from ${reports[0][0].split(',')[0]}, next-hop MTU ${reports[0][1]}, quoting ${reports[0][2].split(',')[1]}`);
    expect(reports).toEqual([[`${LINUX},${OURS}`, String(NARROW), `${OURS},${B}`]]);
    const after = await host.stats('ipv4.pmtu');
    expect(delta(after, before, 'ipv4.pmtu.updates')).toBe(1);
    const cache = await pmtuEntries(host);
    figures.push(`pmtu view: ${B} mtu ${cache.get(B)?.[0]} expires ${cache.get(B)?.[1]}s`);
    expect(cache.get(B)?.[0]).toBe(NARROW);
    expect(cache.get(B)?.[1]).toBeGreaterThan(590); // RFC 1191 §6.3: 10 minutes
    expect(await host.command(`pmtu ${B}`)).toEqual([expect.stringMatching(new RegExp(`^${B} mtu ${NARROW} learnt, expires \\d+s$`))]);
  });

  test('the next ping -M do -s 1400 fails locally: message too long, mtu=1280, nothing on the wire', async () => {
    const before = await host.stats('ipv4');
    const p = await hostPing(host, `-M do -c 1 -s 1400 ${B}`);
    figures.push(`second ping -M do -s 1400: "${p.lines.find((l) => l.includes('local error'))}"`);
    expect(p.lines).toContain(`ping: local error: message too long, mtu=${NARROW}`);
    expect(p).toMatchObject({ transmitted: 1, received: 0, errors: 1 });
    const after = await host.stats('ipv4');
    expect(delta(after, before, 'ipv4.out.message-too-long')).toBe(1);
    expect(delta(after, before, 'ipv4.out.requests')).toBe(0);
    // The capture holds the first test's request (tcpdump -U writes each frame at once); wait a little
    // longer for anything this one might have sent: still that one alone.
    const big = `eth.src == ${ourMac} && icmp.type == 8 && ip.len == 1428`;
    await pollUntil('the first DF request in the capture', 5_000, async () => (await fields(pcap, big, ['frame.number'])).length > 0);
    await new Promise((r) => setTimeout(r, 300));
    expect(await fields(pcap, big, ['frame.number'])).toHaveLength(1);
  });

  test('ping -s 1400 without DF leaves in fragments of at most 1280 bytes and B answers', async () => {
    const before = await host.stats('ipv4');
    const p = await hostPing(host, `-c 3 -i 0.2 -s 1400 ${B}`);
    expect(p, p.lines.join('\n')).toMatchObject({ transmitted: 3, received: 3, errors: 0 });
    expect(p.lines.filter((l) => l.startsWith(`1408 bytes from ${B}`))).toHaveLength(3);
    const after = await host.stats('ipv4');
    expect(delta(after, before, 'ipv4.out.fragmented')).toBe(3);
    expect(delta(after, before, 'ipv4.out.fragments-created')).toBe(6);
    const frags = await pollUntil('our fragments in the capture', 5_000, async () => {
      const rows = await fields(pcap, `eth.src == ${ourMac} && ip.dst == ${B} && (ip.flags.mf == 1 || ip.frag_offset > 0)`, ['ip.len', 'ip.flags.df', 'ip.flags.mf', 'ip.frag_offset', 'ip.id']);
      return rows.length >= 6 ? rows : null;
    });
    figures.push(`fragments of ping -s 1400 (ip.len/df/mf/offset): ${frags.slice(0, 2).map((f) => f.slice(0, 4).join('/')).join(', ')}`);
    expect(frags).toHaveLength(6);
    for (const [len, df] of frags) {
      expect(Number(len)).toBeLessThanOrEqual(NARROW);
      expect(on(df)).toBe(false);
    }
    // Per datagram: a first fragment with MF set at offset 0 carrying as many 8-byte blocks as fit
    // 1280 bytes (RFC 791 §3.2), then the rest.
    const firstData = Math.floor((NARROW - 20) / 8) * 8;
    // ip.frag_offset: in 8-byte units in tshark 4.0, in bytes in later versions.
    const offset = (v: string): number => (Number(v) * 8 === firstData ? firstData : Number(v));
    const byId = new Map<string, string[][]>();
    for (const f of frags) byId.set(f[4], [...(byId.get(f[4]) ?? []), f]);
    expect(byId.size).toBe(3);
    for (const parts of byId.values()) {
      expect(parts.map((f) => [Number(f[0]), on(f[2]), offset(f[3])])).toEqual([[firstData + 20, true, 0], [1408 - firstData + 20, false, firstData]]);
      expect(parts.reduce((n, f) => n + Number(f[0]) - 20, 0)).toBe(1408);
    }
  });

  test('ping -M do -s 1200 passes', async () => {
    const p = await hostPing(host, `-M do -c 2 -i 0.2 -s 1200 ${B}`);
    expect(p, p.lines.join('\n')).toMatchObject({ transmitted: 2, received: 2, errors: 0 });
    const rows = await pollUntil('our 1228-byte DF requests', 5_000, async () => {
      const r = await fields(pcap, `eth.src == ${ourMac} && icmp.type == 8 && ip.len == 1228`, ['ip.flags.df']);
      return r.length >= 2 ? r : null;
    });
    expect(rows.map(([df]) => on(df))).toEqual([true, true]);
  });

  test('hostile: a forged fragmentation needed quoting a datagram we never sent is ignored', async () => {
    const cacheBefore = await pmtuEntries(host);
    const before = await host.stats('ipv4.pmtu');
    await forgeFragNeeded(576, '192.0.2.77', B); // the quoted source is not ours
    const after = await pollUntil('ipv4.pmtu.ignored to move', 5_000, async () => {
      const s = await host.stats('ipv4.pmtu');
      return delta(s, before, 'ipv4.pmtu.ignored') > 0 ? s : null;
    });
    expect(delta(after, before, 'ipv4.pmtu.ignored')).toBe(1);
    expect(delta(after, before, 'ipv4.pmtu.updates')).toBe(0);
    const cacheAfter = await pmtuEntries(host);
    expect([...cacheAfter.entries()].map(([d, [m]]) => [d, m])).toEqual([...cacheBefore.entries()].map(([d, [m]]) => [d, m]));
    expect(cacheAfter.get(B)?.[0]).toBe(NARROW);
  });

  test('hostile: a forged report of MTU 100 is raised to the 552-byte floor', async () => {
    const other = '198.51.100.3';
    const before = await host.stats('ipv4.pmtu');
    await forgeFragNeeded(100, OURS, other);
    const cache = await pollUntil(`a path MTU for ${other}`, 5_000, async () => {
      const c = await pmtuEntries(host);
      return c.has(other) ? c : null;
    });
    figures.push(`forged MTU 100 towards ${other}: cache holds ${cache.get(other)?.[0]}`);
    expect(cache.get(other)?.[0]).toBe(552);
    expect(cache.get(B)?.[0]).toBe(NARROW);
    const after = await host.stats('ipv4.pmtu');
    expect(delta(after, before, 'ipv4.pmtu.updates')).toBe(1);
  });

  test('every frame we sent passes tshark with no expert warnings (Linux-side capture)', async () => {
    await capture.stop();
    const ours = await tsharkCheck(pcap, `eth.src == ${ourMac}`);
    figures.push(`tshark on the Linux-side capture: ${ours.frames} frames from us, ${ours.problems.length} with warnings or errors`);
    expect(ours.problems, ours.expert).toEqual([]);
    expect(ours.expert).toBe('');
    // ARP, 2 small echoes, 1 DF request, 6 fragments, 2 DF requests at least
    expect(ours.frames).toBeGreaterThanOrEqual(11);
  });
});
