// Interop: our host (fib+ether+arp+ipv4+udp, apps/host) on one end of a TAP, Linux on the other,
// inside a fresh network namespace. Linux pings us (small and fragmented), arping and the neighbour
// table see our MAC, we ping Linux, 1000 UDP datagrams of varied sizes are echoed byte for byte, a
// closed port is refused, and every frame we sent passes tshark with checksum validation on.
// Needs root and the tools of tools/testbed (skipped otherwise, except under CI as root).
// Run: cd apps/host && npm run test:interop
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Capture, HostProcess, interopGate, Netns, REPO_ROOT, scratchDir, SYSTEM_PYTHON, tsharkCheck, udpClosedPortProbe, teardownInterop } from '../../../../tools/testbed/src/testbed.js';

const gate = await interopGate();

const LINUX = '192.0.2.1';
const OURS = '192.0.2.2';

/** Parse iputils ping's summary. */
function pingSummary(out: string): { transmitted: number; received: number; loss: number } {
  const m = /(\d+) packets transmitted, (\d+) received.*?([\d.]+)% packet loss/.exec(out);
  if (!m) throw new Error(`no ping summary in:\n${out}`);
  return { transmitted: Number(m[1]), received: Number(m[2]), loss: Number(m[3]) };
}

function delta(after: Map<string, number>, before: Map<string, number>, name: string): number {
  return (after.get(name) ?? 0) - (before.get(name) ?? 0);
}

describe.skipIf(gate.skip)('IPv4 host against Linux over a TAP', () => {
  let ns: Netns;
  let host: HostProcess;
  let capture: Capture;
  let scratch: { dir: string; cleanup: () => void };
  let ourMac = '';
  let hostCaptures = false;
  const figures: string[] = [];

  beforeAll(async () => {
    scratch = scratchDir('ipv4');
    ns = await Netns.create('ipv4');
    await ns.addTap('tap0', `${LINUX}/24`);
    capture = await Capture.start(ns, 'tap0', join(scratch.dir, 'linux.pcap'));
    // No "mac": the host must pick its own address, not the TAP's (which is Linux's end).
    host = await HostProcess.start(ns, {
      interfaces: [{ name: 'em0', tap: 'tap0', addresses: [`${OURS}/24`] }],
      services: { udpEcho: { port: 7 } },
      pcap: join(scratch.dir, 'host.pcap'),
    }, scratch.dir);
    hostCaptures = host.output.some((l) => l.includes('capturing em0'));
    const ifc = await host.command('ifconfig');
    const ether = ifc.map((l) => /^\s*ether (\S+)/.exec(l)).find((m) => m !== null);
    ourMac = ether![1];
  });

  afterAll(() => teardownInterop({ title: 'interop figures', figures, stop: [capture], host, namespaces: [ns], scratch }));

  test('our interface has its own MAC, not the TAP\'s (the Linux end\'s)', async () => {
    const linuxMac = await ns.macOf('tap0');
    expect(ourMac).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
    expect(ourMac).not.toBe(linuxMac);
  });

  test('Linux pings us: ping -c 20, 0% loss', async () => {
    const r = await ns.exec(['ping', '-n', '-c', '20', '-i', '0.05', '-W', '2', OURS], { timeoutMs: 30_000 });
    const s = pingSummary(r.stdout);
    figures.push(`linux ping -c 20 ${OURS}: ${s.transmitted} sent, ${s.received} received, ${s.loss}% loss`);
    expect(s).toEqual({ transmitted: 20, received: 20, loss: 0 });
  });

  test('Linux pings us with -s 4000 (fragmented both ways): 0% loss', async () => {
    const before = await host.stats('ipv4');
    const r = await ns.exec(['ping', '-n', '-c', '10', '-i', '0.1', '-W', '2', '-s', '4000', OURS], { timeoutMs: 30_000 });
    const s = pingSummary(r.stdout);
    figures.push(`linux ping -c 10 -s 4000 ${OURS}: ${s.transmitted} sent, ${s.received} received, ${s.loss}% loss`);
    expect(s).toEqual({ transmitted: 10, received: 10, loss: 0 });
    expect(r.stdout).toContain('4008 bytes from');
    const after = await host.stats('ipv4');
    expect(delta(after, before, 'ipv4.reass.ok')).toBe(10); // 3 fragments each, reassembled by us
    expect(delta(after, before, 'ipv4.out.fragmented')).toBe(10); // our replies, fragmented by us
    expect(delta(after, before, 'ipv4.out.fragments-created')).toBe(30);
  });

  test('arping gets our reply, from our MAC', async () => {
    const r = await ns.exec(['arping', '-c', '3', '-w', '5', '-I', 'tap0', OURS], { timeoutMs: 15_000 });
    figures.push(`arping -c 3 ${OURS}: ${/(\d+) packets received/.exec(r.stdout)?.[0] ?? r.stdout.trim().split('\n').pop()}`);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/3 packets received/);
    expect(r.stdout.toLowerCase()).toContain(ourMac);
  });

  test('ip neigh shows our MAC', async () => {
    const r = await ns.ip('-j', 'neigh', 'show', 'dev', 'tap0', 'to', OURS);
    const entries = JSON.parse(r.stdout) as { dst: string; lladdr?: string; state: string[] }[];
    expect(entries).toHaveLength(1);
    expect(entries[0].lladdr).toBe(ourMac);
    expect(entries[0].state.some((s) => ['REACHABLE', 'STALE', 'DELAY', 'PROBE'].includes(s))).toBe(true);
  });

  test('we ping Linux (small and fragmented): 0% loss', async () => {
    const small = await host.ping(LINUX, 4, 56);
    const big = await host.ping(LINUX, 3, 4000);
    figures.push(`our ping ${LINUX} x4: ${small.received}/${small.transmitted}, ${small.lossPercent}% loss; -s 4000 x3: ${big.received}/${big.transmitted}, ${big.lossPercent}% loss`);
    expect(small, small.lines.join('\n')).toMatchObject({ transmitted: 4, received: 4, lossPercent: 0 });
    expect(big, big.lines.join('\n')).toMatchObject({ transmitted: 3, received: 3, lossPercent: 0 });
    const arp = await host.command('arp');
    expect(arp.join('\n')).toContain(`(${LINUX}) at ${await ns.macOf('tap0')}`);
  });

  test('1000 UDP datagrams of varied sizes are echoed byte for byte', async () => {
    const before = await host.stats('udp');
    const client = join(REPO_ROOT, 'tools/testbed/py/udp_echo_client.py');
    const r = await ns.exec([SYSTEM_PYTHON, client, OURS, '7', '1000', '--seed', '7'], { timeoutMs: 90_000 });
    const report = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
    figures.push(`udp echo: ${JSON.stringify(report)}`);
    expect(report, r.stderr).toMatchObject({ sent: 1000, echoed: 1000, lost: 0, mismatched: [] });
    expect(r.code).toBe(0);
    const after = await host.stats('udp');
    expect(delta(after, before, 'udp.in.delivered')).toBe(1000);
    expect(delta(after, before, 'udp.out.sent')).toBe(1000);
  });

  test('a datagram to a closed port: Linux reports connection refused', async () => {
    const before = await host.stats();
    const probe = await udpClosedPortProbe(ns, OURS, 9);
    expect(probe.outcome, probe.stderr).toBe('refused');
    const after = await host.stats();
    expect(delta(after, before, 'udp.in.no-port')).toBe(1);
    expect(delta(after, before, 'icmp.out.unreachable')).toBe(1);
  });

  test('every frame we sent passes tshark with checksum validation (Linux-side capture)', async () => {
    await capture.stop();
    const file = join(scratch.dir, 'linux.pcap');
    const ours = await tsharkCheck(file, `eth.src == ${ourMac}`);
    figures.push(`tshark on the Linux-side capture: ${ours.frames} frames from us, ${ours.problems.length} with warnings or errors`);
    expect(ours.problems, ours.expert).toEqual([]);
    expect(ours.expert).toBe('');
    // ARP, ICMP (with fragments) and UDP: 20 + 30 + 3 + 4 + 3x3 + 1000+ frames at least
    expect(ours.frames).toBeGreaterThan(1000);
  });

  test('every frame we sent passes tshark with checksum validation (our own pcap)', async () => {
    // The TAP driver is a FrameTap (core's observe() capability), so stack-host captures em0 itself.
    expect(hostCaptures, `stack-host did not capture em0:\n${host.output.slice(0, 10).join('\n')}`).toBe(true);
    const file = join(scratch.dir, 'host.pcap');
    const ours = await tsharkCheck(file, `eth.src == ${ourMac}`);
    figures.push(`tshark on our pcap: ${ours.frames} frames from us, ${ours.problems.length} with warnings or errors`);
    expect(ours.problems, ours.expert).toEqual([]);
    expect(ours.frames).toBeGreaterThan(1000);
  });
});
