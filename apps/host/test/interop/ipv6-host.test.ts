// Interop, IPv6: our host (fib + ether + ipv6-nd + udp, IPv6 only, apps/host) on one end of a TAP,
// Linux on the other, in fresh network namespaces.
//  1. Static addresses: Linux pings our link-local (with its scope) and global address, small and
//     fragmented both ways; ndisc6 resolves us to our MAC; Linux's neighbour table shows us
//     REACHABLE; we ping Linux; UDP echo through socat and a 1000-datagram client, byte for byte;
//     a closed port is refused; every frame we sent passes tshark with checksum validation on.
//  2. Autoconfiguration: radvd advertises a prefix; we form a SLAAC address (DAD, MLDv2 report for
//     its solicited-node group), choose Linux as default router, and reach a second namespace that
//     Linux routes to.
//  3. DAD: an address Linux already holds is reported as a conflict and never used.
// Needs root and the tools of tools/testbed (skipped otherwise, except under CI as root).
// Run: cd apps/host && npm run test:interop
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Ipv6Address } from '@stack/core';
import {
  Capture, HostileSender, HostProcess, interopGate, Netns, pingSummary, pollUntil, REPO_ROOT, scratchDir, SYSTEM_PYTHON, tsharkCheck, udpClosedPortProbe, teardownInterop
} from '../../../../tools/testbed/src/testbed.js';
import { INTEROP6_TOOLS, linuxAddresses6, linuxNeighbours6, mldReports, ndisc6, ndMessages, Radvd, countFrames, socatUdpEcho } from '../../../../tools/testbed/src/ipv6.js';

const gate = await interopGate(INTEROP6_TOOLS);

const LINUX_LL = 'fe80::1';
const LINUX6 = '2001:db8:1::1';
const OURS6 = '2001:db8:1::2';

function delta(after: Map<string, number>, before: Map<string, number>, name: string): number {
  return (after.get(name) ?? 0) - (before.get(name) ?? 0);
}

/** Our MAC, from `ifconfig`. */
async function macOf(host: HostProcess): Promise<string> {
  const ifc = await host.command('ifconfig');
  return ifc.map((l) => /^\s*ether (\S+)/.exec(l)).find((m) => m !== null)![1];
}

interface Inet6 {
  readonly address: string;
  readonly prefixLength: number;
  readonly flags: string[];
}

/** Our IPv6 addresses on em0, from `ifconfig` (`inet6 fe80::1%em0/64 autoconf`). */
async function inet6(host: HostProcess): Promise<Inet6[]> {
  const out: Inet6[] = [];
  const lines = await host.command('ifconfig');
  for (const l of lines.slice(lines.findIndex((x) => x.startsWith('em0:')))) {
    const m = /^\s*inet6 ([0-9a-f:]+)(?:%\S+)?\/(\d+)((?: \S+)*)$/.exec(l);
    if (m) out.push({ address: m[1], prefixLength: Number(m[2]), flags: m[3].trim().split(' ').filter((f) => f !== '') });
  }
  return out;
}

/** Wait until an address matching `pick` is configured and usable (not tentative, not duplicated). */
async function usableAddress(host: HostProcess, what: string, pick: (a: Inet6) => boolean, timeoutMs = 15_000): Promise<Inet6> {
  return pollUntil(what, timeoutMs, async () => (await inet6(host)).find((a) => pick(a) && !a.flags.includes('tentative') && !a.flags.includes('duplicated')), 200);
}

const isLinkLocal = (a: Inet6): boolean => Ipv6Address.parse(a.address).isLinkLocal();

describe.skipIf(gate.skip)('IPv6 host against Linux over a TAP', () => {
  let ns: Netns;
  let host: HostProcess;
  let capture: Capture;
  let scratch: { dir: string; cleanup: () => void };
  let ourMac = '';
  let ourLinkLocal = '';
  let hostCaptures = false;
  const figures: string[] = [];

  beforeAll(async () => {
    scratch = scratchDir('ipv6');
    ns = await Netns.create('ipv6', { ipv6: true });
    await ns.addTap('tap0', [`${LINUX_LL}/64`, `${LINUX6}/64`]);
    capture = await Capture.start(ns, 'tap0', join(scratch.dir, 'linux.pcap'));
    // IPv6 alone: no IPv4 module, no ARP. A link-local address with a stable (RFC 7217) identifier, DAD on.
    host = await HostProcess.start(ns, {
      families: ['ipv6'],
      interfaces: [{ name: 'em0', tap: 'tap0', addresses: [`${OURS6}/64`], ipv6: { acceptRa: false, interfaceIdentifier: 'stable', dadTransmits: 1 } }],
      ipv6: { secret: 'interop test secret, stable across runs' },
      services: { udpEcho: { port: 7, address: '::' } },
      pcap: join(scratch.dir, 'host.pcap'),
    }, scratch.dir);
    hostCaptures = host.output.some((l) => l.includes('capturing em0'));
    ourMac = await macOf(host);
    ourLinkLocal = (await usableAddress(host, 'our link-local address passes DAD', isLinkLocal)).address;
    await usableAddress(host, `${OURS6} passes DAD`, (a) => a.address === OURS6);
  });

  afterAll(() => teardownInterop({ title: 'interop figures (IPv6)', figures, stop: [capture], host, namespaces: [ns], scratch }));

  test('IPv6 alone: no IPv4 or ARP module, a link-local address and the configured one, both past DAD', async () => {
    const stats = await host.stats();
    expect([...stats.keys()].filter((k) => k.startsWith('ipv4.') || k.startsWith('arp.'))).toEqual([]);
    const addrs = await inet6(host);
    figures.push(`our addresses: ${addrs.map((a) => `${a.address}/${a.prefixLength} ${a.flags.join(',')}`).join('; ')}`);
    expect(addrs.find(isLinkLocal)?.prefixLength).toBe(64);
    expect(addrs.find((a) => a.address === OURS6)?.flags).toEqual([]);
    expect(stats.get('nd.dad.succeeded')).toBeGreaterThanOrEqual(2);
  });

  test('Linux pings our link-local address with its scope: ping -6 -c 20, 0% loss', async () => {
    const r = await ns.exec(['ping', '-6', '-n', '-c', '20', '-i', '0.05', '-W', '2', `${ourLinkLocal}%tap0`], { timeoutMs: 30_000 });
    const s = pingSummary(r.stdout);
    figures.push(`linux ping -6 -c 20 ${ourLinkLocal}%tap0: ${s.transmitted} sent, ${s.received} received, ${s.loss}% loss`);
    expect(s, r.stdout + r.stderr).toEqual({ transmitted: 20, received: 20, loss: 0 });
  });

  test('Linux pings our global address: ping -6 -c 20, 0% loss', async () => {
    const r = await ns.exec(['ping', '-6', '-n', '-c', '20', '-i', '0.05', '-W', '2', OURS6], { timeoutMs: 30_000 });
    const s = pingSummary(r.stdout);
    figures.push(`linux ping -6 -c 20 ${OURS6}: ${s.transmitted} sent, ${s.received} received, ${s.loss}% loss`);
    expect(s, r.stdout + r.stderr).toEqual({ transmitted: 20, received: 20, loss: 0 });
  });

  test('Linux pings us with -s 4000 (fragmented both ways): 0% loss', async () => {
    const before = await host.stats('ipv6');
    const r = await ns.exec(['ping', '-6', '-n', '-c', '10', '-i', '0.1', '-W', '2', '-s', '4000', OURS6], { timeoutMs: 30_000 });
    const s = pingSummary(r.stdout);
    figures.push(`linux ping -6 -c 10 -s 4000 ${OURS6}: ${s.transmitted} sent, ${s.received} received, ${s.loss}% loss`);
    expect(s, r.stdout + r.stderr).toEqual({ transmitted: 10, received: 10, loss: 0 });
    expect(r.stdout).toContain('4008 bytes from');
    const after = await host.stats('ipv6');
    expect(delta(after, before, 'ipv6.reass.ok')).toBe(10); // 3 fragments each, reassembled by us
    expect(delta(after, before, 'ipv6.out.fragmented')).toBe(10); // our replies, fragmented by us
    expect(delta(after, before, 'ipv6.out.fragments-created')).toBe(30);
  });

  test('ndisc6 resolves our global and link-local addresses to our MAC', async () => {
    const global = await ndisc6(ns, OURS6, 'tap0');
    const linkLocal = await ndisc6(ns, ourLinkLocal, 'tap0');
    figures.push(`ndisc6 ${OURS6}: ${global.mac}; ndisc6 ${ourLinkLocal}: ${linkLocal.mac}`);
    expect(global.mac, global.output).toBe(ourMac);
    expect(linkLocal.mac, linkLocal.output).toBe(ourMac);
  });

  test("Linux's neighbour table shows us REACHABLE after traffic", async () => {
    // REACHABLE needs a solicited advertisement from us (or upper-layer confirmation): a ping makes
    // Linux resolve or probe us; poll, pinging again while the entry is STALE/DELAY/PROBE.
    const entry = await pollUntil('ip -6 neigh shows us REACHABLE', 20_000, async () => {
      await ns.exec(['ping', '-6', '-n', '-c', '1', '-W', '1', OURS6], { timeoutMs: 5_000 });
      const e = (await linuxNeighbours6(ns, 'tap0')).find((n) => n.dst === OURS6);
      return e?.state.includes('REACHABLE') ? e : null;
    }, 500);
    figures.push(`ip -6 neigh: ${entry.dst} lladdr ${entry.lladdr} ${entry.state.join(',')}`);
    expect(entry.lladdr).toBe(ourMac);
  });

  test('we ping Linux (global and link-local with scope, small and fragmented): 0% loss', async () => {
    const global = await host.ping(LINUX6, 4, 56);
    const ll = await host.ping(`${LINUX_LL}%em0`, 3, 56);
    const big = await host.ping(LINUX6, 3, 4000);
    figures.push(
      `our ping -6 ${LINUX6} x4: ${global.received}/${global.transmitted}; ${LINUX_LL}%em0 x3: ${ll.received}/${ll.transmitted}; -s 4000 x3: ${big.received}/${big.transmitted}`,
    );
    expect(global, global.lines.join('\n')).toMatchObject({ transmitted: 4, received: 4, lossPercent: 0 });
    expect(ll, ll.lines.join('\n')).toMatchObject({ transmitted: 3, received: 3, lossPercent: 0 });
    expect(ll.lines.join('\n')).toContain(`bytes from ${LINUX_LL}%em0: icmp_seq=1`);
    expect(big, big.lines.join('\n')).toMatchObject({ transmitted: 3, received: 3, lossPercent: 0 });
    const linuxMac = await ns.macOf('tap0');
    const ndp = await host.command('ndp -a');
    expect(ndp.join('\n'), ndp.join('\n')).toMatch(new RegExp(`^${LINUX6.replace(/\./g, '\\.')}\\s+${linuxMac}\\s+em0`, 'm'));
    expect(ndp.join('\n')).toMatch(new RegExp(`^${LINUX_LL}%em0\\s+${linuxMac}\\s+em0`, 'm'));
  });

  test('UDP echo through socat, byte for byte, single datagrams and fragmented ones', async () => {
    const sizes = [1, 2, 7, 8, 100, 1000, 1232, 1451, 1452, 1453, 1500, 2000, 2896, 2897, 4000, 8192, 9000, 16000, 32768, 65000, 65527];
    const before = await host.stats('udp');
    const results = await socatUdpEcho(ns, OURS6, 7, sizes, scratch.dir);
    const bad = results.filter((r) => !r.ok);
    figures.push(`socat UDP6 echo: ${results.length - bad.length}/${results.length} sizes byte-exact (${sizes[0]}..${sizes[sizes.length - 1]} bytes)`);
    expect(bad).toEqual([]);
    const after = await host.stats('udp');
    expect(delta(after, before, 'udp.in.delivered')).toBe(sizes.length);
  });

  test('1000 UDP datagrams of varied sizes are echoed byte for byte', async () => {
    const before = await host.stats('udp');
    const client = join(REPO_ROOT, 'tools/testbed/py/udp_echo_client.py');
    const r = await ns.exec([SYSTEM_PYTHON, client, OURS6, '7', '1000', '--seed', '7'], { timeoutMs: 90_000 });
    const report = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
    figures.push(`udp6 echo: ${JSON.stringify(report)}`);
    expect(report, r.stderr).toMatchObject({ sent: 1000, echoed: 1000, lost: 0, mismatched: [] });
    const after = await host.stats('udp');
    expect(delta(after, before, 'udp.in.delivered')).toBe(1000);
    expect(delta(after, before, 'udp.out.sent')).toBe(1000);
  });

  test('a datagram to a closed port: Linux reports connection refused', async () => {
    const before = await host.stats();
    const probe = await udpClosedPortProbe(ns, OURS6, 9);
    expect(probe.outcome, probe.stderr).toBe('refused');
    const after = await host.stats();
    expect(delta(after, before, 'udp.in.no-port')).toBe(1);
    expect(delta(after, before, 'icmp6.out.destination-unreachable')).toBe(1);
  });

  test('our DAD probes and MLDv2 reports are on the wire', async () => {
    await capture.stop();
    const file = join(scratch.dir, 'linux.pcap');
    // DAD: a solicitation from :: for each of our addresses (RFC 4862 §5.4.2)
    const nd = await ndMessages(file, ourMac);
    const dad = nd.filter((m) => m.type === 135 && m.source === '::').map((m) => m.target);
    expect(new Set(dad)).toEqual(new Set([ourLinkLocal, OURS6]));
    // MLDv2 reports joining the solicited-node group of each address (RFC 3810 §6.1, RFC 4861 §7.2.1)
    const reports = await mldReports(file, ourMac);
    const joined = new Set(reports.flatMap((r) => r.records.map((x) => x.group)));
    for (const a of [ourLinkLocal, OURS6]) expect(joined, `MLD reports: ${JSON.stringify(reports)}`).toContain(Ipv6Address.parse(a).solicitedNodeMulticast().toString());
    expect(reports.every((r) => r.wellFormed), JSON.stringify(reports)).toBe(true);
    figures.push(`capture: ${dad.length} DAD probes, ${reports.length} MLDv2 reports (${[...joined].join(', ')})`);
  });

  test('every frame we sent passes tshark with checksum validation (Linux-side capture)', async () => {
    await capture.stop();
    const ours = await tsharkCheck(join(scratch.dir, 'linux.pcap'), `eth.src == ${ourMac}`);
    figures.push(`tshark on the Linux-side capture: ${ours.frames} frames from us, ${ours.problems.length} with warnings or errors`);
    expect(ours.problems, ours.expert).toEqual([]);
    expect(ours.expert).toBe('');
    expect(ours.frames).toBeGreaterThan(1000);
    // Nothing but IPv6 from an IPv6-only host.
    expect(await countFrames(join(scratch.dir, 'linux.pcap'), `eth.src == ${ourMac} && !ipv6`)).toBe(0);
  });

  test('every frame we sent passes tshark with checksum validation (our own pcap)', async () => {
    // The TAP driver is a FrameTap (core's observe() capability), so stack-host captures em0 itself.
    expect(hostCaptures, `stack-host did not capture em0:\n${host.output.slice(0, 10).join('\n')}`).toBe(true);
    const ours = await tsharkCheck(join(scratch.dir, 'host.pcap'), `eth.src == ${ourMac}`);
    figures.push(`tshark on our pcap: ${ours.frames} frames from us, ${ours.problems.length} with warnings or errors`);
    expect(ours.problems, ours.expert).toEqual([]);
    expect(ours.frames).toBeGreaterThan(1000);
  });
});

describe.skipIf(gate.skip)('IPv6 autoconfiguration from radvd, routed by Linux to a second namespace', () => {
  const PREFIX = '2001:db8:2::';
  const FAR_NET_LINUX = '2001:db8:3::1';
  const FAR = '2001:db8:3::2';
  let ns: Netns;
  let far: Netns;
  let host: HostProcess;
  let radvd: Radvd | undefined;
  let capture: Capture;
  let scratch: { dir: string; cleanup: () => void };
  let ourMac = '';
  let slaac: Inet6;
  const figures: string[] = [];

  beforeAll(async () => {
    scratch = scratchDir('ipv6-ra');
    ns = await Netns.create('ipv6ra', { ipv6: true });
    far = await Netns.create('ipv6far', { ipv6: true });
    await ns.sysctl('net.ipv6.conf.all.forwarding', '1');
    await ns.addTap('tap0', [`${LINUX_LL}/64`, `${PREFIX}1/64`]);
    // Link-local addresses on the veth too: Linux solicits the next hop of a forwarded packet from one.
    await ns.addVeth('veth0', far, 'veth1', ['fe80::3:1/64', `${FAR_NET_LINUX}/64`], ['fe80::3:2/64', `${FAR}/64`]);
    await far.ip('-6', 'route', 'add', 'default', 'via', FAR_NET_LINUX, 'dev', 'veth1');
    capture = await Capture.start(ns, 'tap0', join(scratch.dir, 'linux.pcap'));
    // No configured address at all: everything comes from autoconfiguration.
    host = await HostProcess.start(ns, {
      families: ['ipv6'],
      interfaces: [{ name: 'em0', tap: 'tap0', ipv6: { acceptRa: true, slaac: true, interfaceIdentifier: 'stable' } }],
      services: { udpEcho: { port: 7, address: '::' } },
    }, scratch.dir);
    ourMac = await macOf(host);
    // We solicit routers when the interface starts (RFC 4861 §6.3.7); radvd, started once it has
    // seen that (it needs the TAP's carrier, which comes with our host), advertises at once.
    await pollUntil('our router solicitation', 10_000, async () => (await countFrames(capture.file, `eth.src == ${ourMac} && icmpv6.type == 133`)) > 0, 250);
    radvd = await Radvd.start(ns, scratch.dir, { dev: 'tap0', prefixes: [{ prefix: `${PREFIX}/64` }], interval: 4, defaultLifetime: 600 });
    slaac = await usableAddress(host, `a SLAAC address in ${PREFIX}/64`, (a) => a.address.startsWith('2001:db8:2:'), 30_000);
  });

  afterAll(() => teardownInterop({ title: 'interop figures (IPv6 autoconfiguration)', figures, stop: [radvd, capture], host, namespaces: [ns, far], scratch }));

  test('we form a SLAAC address from the advertised prefix, with a stable (not EUI-64) identifier', async () => {
    figures.push(`SLAAC address ${slaac.address}/${slaac.prefixLength} (${slaac.flags.join(',')})`);
    expect(slaac.prefixLength).toBe(64);
    expect(slaac.flags).toContain('autoconf');
    const iid = Ipv6Address.parse(slaac.address).bytes.slice(8);
    expect(iid[3] === 0xff && iid[4] === 0xfe, 'RFC 7217 identifiers carry no ff:fe from the MAC').toBe(false);
    expect(host.output.some((l) => l.startsWith('event: ND em0 ADDRESS_READY') && l.includes(slaac.address))).toBe(true);
    const prefixes = await host.command('ndp -p');
    expect(prefixes.join('\n')).toContain(`${PREFIX}/64 if=em0`);
  });

  test('we choose Linux as default router', async () => {
    const router = await pollUntil('a default route via Linux', 10_000, async () => {
      const routes = await host.command('routes -6');
      return routes.find((l) => l.startsWith('default') && l.includes(`${LINUX_LL}%em0`)) ?? null;
    });
    figures.push(`route: ${router.replace(/\s+/g, ' ')}`);
    const routers = await host.command('ndp -r');
    expect(routers.join('\n')).toMatch(new RegExp(`^\\*${LINUX_LL}%em0 `, 'm'));
  });

  test('we join the solicited-node group of the SLAAC address (MLDv2 report on the wire)', async () => {
    const group = Ipv6Address.parse(slaac.address).solicitedNodeMulticast().toString();
    const groups = await host.command('ndp -i');
    expect(groups.join('\n')).toContain(`group ${group}`);
    const seen = await pollUntil(`an MLDv2 report for ${group}`, 10_000, async () => {
      const reports = await mldReports(capture.file, ourMac);
      return reports.find((r) => r.records.some((x) => x.group === group)) ?? null;
    }, 500);
    figures.push(`MLDv2 report (frame ${seen.frame}): ${seen.records.map((r) => `type ${r.type} ${r.group}`).join(', ')}`);
    expect(seen.wellFormed).toBe(true);
  });

  test('we reach the second namespace through Linux, and it reaches us', async () => {
    const out = await host.ping(FAR, 4, 56);
    figures.push(`our ping -6 ${FAR} (routed by Linux): ${out.received}/${out.transmitted}`);
    expect(out, out.lines.join('\n')).toMatchObject({ transmitted: 4, received: 4, lossPercent: 0 });
    const back = await far.exec(['ping', '-6', '-n', '-c', '5', '-i', '0.1', '-W', '2', slaac.address], { timeoutMs: 20_000 });
    const s = pingSummary(back.stdout);
    figures.push(`ping -6 from the second namespace to ${slaac.address}: ${s.received}/${s.transmitted}`);
    expect(s, back.stdout + back.stderr).toEqual({ transmitted: 5, received: 5, loss: 0 });
    // and UDP from there, through the router
    const echo = await socatUdpEcho(far, slaac.address, 7, [1, 1452, 3000], scratch.dir);
    expect(echo.filter((r) => !r.ok)).toEqual([]);
  });

  test('every frame we sent passes tshark with checksum validation', async () => {
    await capture.stop();
    const ours = await tsharkCheck(join(scratch.dir, 'linux.pcap'), `eth.src == ${ourMac}`);
    figures.push(`tshark: ${ours.frames} frames from us, ${ours.problems.length} with warnings or errors`);
    expect(ours.problems, ours.expert).toEqual([]);
    expect(ours.frames).toBeGreaterThan(10);
  });
});

describe.skipIf(gate.skip)('IPv6 duplicate address detection against an address Linux holds', () => {
  const DUP = '2001:db8:1::99';
  let ns: Netns;
  let host: HostProcess;
  let capture: Capture;
  let sender: HostileSender | undefined;
  let scratch: { dir: string; cleanup: () => void };
  let ourMac = '';
  let ourLinkLocal = '';
  const figures: string[] = [];

  beforeAll(async () => {
    scratch = scratchDir('ipv6-dad');
    ns = await Netns.create('ipv6dad', { ipv6: true });
    await ns.addTap('tap0', [`${LINUX_LL}/64`, `${LINUX6}/64`, `${DUP}/64`]);
    capture = await Capture.start(ns, 'tap0', join(scratch.dir, 'linux.pcap'));
    host = await HostProcess.start(ns, {
      families: ['ipv6'],
      interfaces: [{ name: 'em0', tap: 'tap0', addresses: [`${OURS6}/64`, `${DUP}/64`], ipv6: { acceptRa: false, interfaceIdentifier: 'eui64', dadTransmits: 1 } }],
    }, scratch.dir);
    ourMac = await macOf(host);
    ourLinkLocal = (await usableAddress(host, 'our link-local address', isLinkLocal)).address;
    await usableAddress(host, `${OURS6} passes DAD`, (a) => a.address === OURS6);
  });

  afterAll(() => teardownInterop({ title: 'interop figures (DAD)', figures, stop: [sender, capture], host, namespaces: [ns], scratch }));

  test('DAD reports the conflict as an event and marks the address duplicated', async () => {
    const { match } = await host.waitFor(new RegExp(`^event: ND em0 DAD_CONFLICT address=${DUP} (.*)$`), 0, 10_000);
    figures.push(`event: ND em0 DAD_CONFLICT address=${DUP} ${match[1]}`);
    expect(match[1]).toContain('tentative=true');
    const addrs = await inet6(host);
    expect(addrs.find((a) => a.address === DUP)?.flags).toContain('duplicated');
    expect(addrs.find((a) => a.address === OURS6)?.flags).toEqual([]);
    // the EUI-64 link-local address came from our MAC (RFC 4291 appendix A)
    const mac = ourMac.split(':').map((h) => parseInt(h, 16));
    const iid = [mac[0] ^ 0x02, mac[1], mac[2], 0xff, 0xfe, mac[3], mac[4], mac[5]];
    expect(Ipv6Address.parse(ourLinkLocal).bytes.slice(8)).toEqual(Uint8Array.from(iid));
    const stats = await host.stats('nd.dad');
    expect(stats.get('nd.dad.duplicates')).toBe(1);
  });

  test('we never claim the address: no advertisement for it, no answer to pings to it', async () => {
    sender = await HostileSender.start(ns, { iface: 'tap0', ourMac, ourIp: OURS6, linuxMac: await ns.macOf('tap0'), linuxIp: LINUX6 }, 'hostile6.py', [
      '--our-ll', ourLinkLocal, '--linux-ll', LINUX_LL,
    ]);
    await sender.set('target', DUP);
    const before = await host.stats();
    const frames = await sender.send('echo6_target', 10);
    // Linux resolving the address finds itself; ndisc6 from Linux sees no answer from us either.
    const nd = await ndisc6(ns, DUP, 'tap0', 2);
    const after = await pollUntil('the echo requests to the duplicate are counted', 5_000, async () => {
      const s = await host.stats();
      return delta(s, before, 'ipv6.in.not-for-us') >= frames ? s : null;
    });
    expect(delta(after, before, 'icmp6.in.echo-request')).toBe(0);
    await capture.stop();
    const file = join(scratch.dir, 'linux.pcap');
    const claims = (await ndMessages(file, ourMac)).filter((m) => m.type === 136 && m.target === DUP);
    expect(claims, 'neighbour advertisements from us for the duplicate').toEqual([]);
    const replies = await countFrames(file, `eth.src == ${ourMac} && icmpv6.type == 129 && ipv6.src == ${DUP}`);
    expect(replies).toBe(0);
    figures.push(`after the conflict: ${frames} echo requests to ${DUP} unanswered, 0 advertisements for it from us; ndisc6 saw ${nd.mac ?? 'no answer'}`);
    expect(nd.mac).not.toBe(ourMac);
    // Linux keeps its address (our probe from :: does not make it a duplicate for Linux)
    const linux = (await linuxAddresses6(ns, 'tap0')).find((a) => a.local === DUP);
    expect(linux?.dadfailed).toBeFalsy();
  });

  test('the other address keeps working', async () => {
    const r = await ns.exec(['ping', '-6', '-n', '-c', '5', '-i', '0.05', '-W', '2', OURS6], { timeoutMs: 15_000 });
    expect(pingSummary(r.stdout)).toEqual({ transmitted: 5, received: 5, loss: 0 });
  });

  test('every frame we sent passes tshark with checksum validation', async () => {
    await capture.stop();
    const ours = await tsharkCheck(join(scratch.dir, 'linux.pcap'), `eth.src == ${ourMac}`);
    expect(ours.problems, ours.expert).toEqual([]);
    expect(ours.frames).toBeGreaterThan(0);
  });
});
