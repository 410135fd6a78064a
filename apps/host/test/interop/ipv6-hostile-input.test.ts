// Interop, hostile IPv6 input: crafted frames (tools/testbed/py/hostile6.py, scapy) written into the
// TAP from its Linux end reach our IPv6-only host: neighbour discovery with hop limit 254, bad option
// lengths (0, beyond the packet), advertisements for unknown targets, router advertisements from a
// global source; long extension-header chains, unknown headers and options, Hop-by-Hop out of place,
// routing header type 0; overlapping, tiny-first (RFC 7112), oversized, endless and flooding
// fragments; bad ICMPv6 and UDP checksums. Each case must land in the counter that names it;
// afterwards every frame is accounted for, nothing threw, reassembly and the heap stayed bounded,
// no router or prefix was learnt from the forged advertisements, and ping -6 still works.
// Needs root and the tools of tools/testbed (skipped otherwise, except under CI as root).
// Run: cd apps/host && npm run test:interop
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Capture, HostileSender, HostProcess, interopGate, Netns, pollUntil, scratchDir, tsharkCheck, teardownInterop } from '../../../../tools/testbed/src/testbed.js';
import { all, none, perPair, perTriple, linuxTx, rxPackets, runHostileCase, sumCounters, type HostileCase, reassemblyBoundCases } from '../../../../tools/testbed/src/hostile-cases.js';
import { INTEROP6_TOOLS } from '../../../../tools/testbed/src/ipv6.js';

const gate = await interopGate(INTEROP6_TOOLS);

const LINUX_LL = 'fe80::1';
const LINUX6 = '2001:db8:1::1';
const OURS6 = '2001:db8:1::2';

/** One counter takes every frame of the case; `quiet` counters must not move. */
function dropIn(name: string, counter: string, quiet: readonly string[] = []): HostileCase {
  return { name, wait: counter, exact: { [counter]: all, ...Object.fromEntries(quiet.map((q) => [q, none])) } };
}

/** Dropped and answered with a parameter problem (unless the ICMPv6 error rate limit holds it back). */
function paramProblem(name: string, counter: string): HostileCase {
  return {
    name,
    wait: counter,
    exact: { [counter]: all, 'icmp6.out.echo-reply': none },
    check: (d, f) => expect(d('icmp6.out.parameter-problem') + d('icmp6.out.rate-limited')).toBe(f),
  };
}

/** Processed normally: every frame is an echo request that is answered. */
function answered(name: string, extra: Record<string, (frames: number) => number> = {}): HostileCase {
  return { name, wait: 'icmp6.out.echo-reply', exact: { 'icmp6.in.echo-request': all, 'icmp6.out.echo-reply': all, ...extra } };
}

// Nothing that neighbour discovery drops may be learnt from (answers are hard to tell from Linux's own probes here).
const ND_QUIET = ['nd.ra.slaac-formed', 'nd.cache.created'];

const CASES: HostileCase[] = [
  // Neighbour discovery validation (RFC 4861 §6.1, §7.1)
  dropIn('nd_ns_hop_limit_254', 'nd.rx.bad-hop-limit', ND_QUIET),
  dropIn('nd_na_hop_limit_254', 'nd.rx.bad-hop-limit', ND_QUIET),
  dropIn('nd_ra_hop_limit_254', 'nd.rx.bad-hop-limit', ND_QUIET),
  dropIn('nd_opt_len_0', 'nd.rx.zero-option-length', ND_QUIET),
  dropIn('nd_ra_opt_len_0', 'nd.rx.zero-option-length', ND_QUIET),
  dropIn('nd_opt_beyond_packet', 'nd.rx.option-overrun', ND_QUIET),
  dropIn('nd_na_unknown_target', 'nd.rx.unknown-target', ND_QUIET),
  dropIn('nd_na_solicited_to_multicast', 'nd.rx.solicited-to-multicast', ND_QUIET),
  dropIn('nd_ra_global_source', 'nd.rx.ra-not-link-local', ND_QUIET),
  dropIn('nd_ns_multicast_target', 'nd.rx.multicast-target', ND_QUIET),
  dropIn('nd_ns_dad_with_slla', 'nd.rx.unspecified-with-slla', ND_QUIET),
  dropIn('nd_code_1', 'nd.rx.bad-code', ND_QUIET),
  dropIn('nd_ns_truncated', 'nd.rx.truncated', ND_QUIET),
  // The IPv6 header (RFC 8200 §3, RFC 4291)
  dropIn('ip6_payload_length_beyond_frame', 'ipv6.in.truncated'),
  dropIn('ip6_truncated_header', 'ipv6.in.truncated'),
  dropIn('ip6_bad_version', 'ipv6.in.bad-version'),
  dropIn('ip6_src_multicast', 'ipv6.in.bad-source'),
  dropIn('ip6_src_loopback', 'ipv6.in.bad-source'),
  dropIn('ip6_dst_not_ours', 'ipv6.in.not-for-us', ['icmp6.out.echo-reply']),
  // Extension headers and options (RFC 8200 §4, RFC 8504 §5.3, RFC 5095)
  dropIn('ext_long_chain', 'ipv6.in.too-many-headers', ['icmp6.out.echo-reply']),
  paramProblem('ext_unknown_next_header', 'ipv6.in.unknown-next-header'),
  paramProblem('ext_unknown_header_in_chain', 'ipv6.in.unknown-next-header'),
  paramProblem('ext_hbh_not_first', 'ipv6.in.unknown-next-header'),
  answered('ext_opt_unknown_skip'),
  dropIn('ext_opt_unknown_discard', 'ipv6.in.unknown-option', ['icmp6.out.parameter-problem', 'icmp6.out.echo-reply']),
  paramProblem('ext_opt_unknown_icmp', 'ipv6.in.unknown-option'),
  // action 11 towards a multicast destination: discarded without an error
  dropIn('ext_opt_unknown_icmp_multicast', 'ipv6.in.unknown-option', ['icmp6.out.parameter-problem', 'icmp6.out.echo-reply']),
  dropIn('ext_opt_beyond_header', 'ipv6.in.bad-options', ['icmp6.out.echo-reply']),
  dropIn('ext_header_beyond_packet', 'ipv6.in.bad-extension-header'),
  paramProblem('ext_rh0', 'ipv6.in.routing-header'),
  answered('ext_rh0_segments_left_0'),
  // Fragments (RFC 8200 §4.5, RFC 5722, RFC 6946, RFC 7112)
  answered('frag6_complete', { 'ipv6.in.fragments': all, 'ipv6.reass.ok': perTriple, 'icmp6.in.echo-request': perTriple, 'icmp6.out.echo-reply': perTriple }),
  answered('frag6_atomic', { 'ipv6.reass.atomic': all }),
  {
    // overlapping pairs: each datagram discarded, never delivered
    name: 'frag6_overlap',
    wait: 'ipv6.reass.overlap',
    exact: { 'ipv6.in.fragments': all, 'ipv6.reass.overlap': perPair, 'ipv6.reass.ok': none },
  },
  {
    name: 'frag6_overlap_then_rest',
    wait: 'ipv6.reass.late-fragment',
    exact: { 'ipv6.in.fragments': all, 'ipv6.reass.overlap': perTriple, 'ipv6.reass.late-fragment': perTriple, 'ipv6.reass.ok': none },
  },
  paramProblem('frag6_bad_size', 'ipv6.in.bad-fragment'),
  paramProblem('frag6_too_long', 'ipv6.in.bad-fragment'),
  {
    // RFC 7112: the first fragment lacks the upper-layer header: dropped (parameter problem code 3);
    // its second fragment waits in reassembly until the timeout
    name: 'frag6_tiny_first',
    wait: 'ipv6.in.incomplete-chain',
    exact: { 'ipv6.in.incomplete-chain': perPair, 'ipv6.reass.ok': none, 'icmp6.out.echo-reply': none },
    check: (d, f) => expect(d('icmp6.out.parameter-problem') + d('icmp6.out.rate-limited')).toBe(f / 2),
  },
  ...reassemblyBoundCases('ipv6', 'frag6'),
  // ICMPv6 and UDP
  dropIn('icmp6_bad_checksum', 'icmp6.in.bad-checksum', ['icmp6.out.echo-reply']),
  dropIn('icmp6_truncated', 'icmp6.in.truncated'),
  dropIn('udp6_zero_checksum', 'udp.in.missing-checksum', ['udp.out.sent']),
  dropIn('udp6_bad_checksum', 'udp.in.bad-checksum', ['udp.out.sent']),
];

/** Counters whose sum is every frame the Ethernet layer was handed: dropped there, or passed to IPv6. */
const ETHER_FATES = [
  'ether.in.truncated', 'ether.in.llc-unsupported', 'ether.in.too-many-vlan-tags', 'ether.in.vlan-unconfigured',
  'ether.in.bad-source', 'ether.in.not-for-us', 'ether.in.multicast-filtered', 'ether.in.unknown-ethertype',
  'link.in.no-link-layer', 'link.in.interface-down', 'stack.input-errors',
  'ipv6.in.received',
];

/** `reass`: IPv6 reassembly in use. */
async function reassembly(host: HostProcess): Promise<{ datagrams: number; bytes: number }> {
  const line = (await host.command('reass')).find((l) => l.startsWith('ipv6 reassembly:')) ?? '';
  const m = /(\d+) datagrams, (\d+) bytes/.exec(line);
  if (!m) throw new Error(`no IPv6 reassembly usage in "${line}"`);
  return { datagrams: Number(m[1]), bytes: Number(m[2]) };
}

/** `memory`: the host process's V8 heap in use, in bytes. */
async function heapUsed(host: HostProcess): Promise<number> {
  const line = (await host.command('memory'))[0] ?? '';
  return Number(/heapUsed (\d+)/.exec(line)?.[1] ?? NaN);
}

describe.skipIf(gate.skip)('hostile IPv6 input into the TAP', () => {
  let ns: Netns;
  let host: HostProcess;
  let sender: HostileSender;
  let capture: Capture;
  let scratch: { dir: string; cleanup: () => void };
  let ourMac = '';
  let ourLinkLocal = '';
  let start: { stats: Map<string, number>; rx: number; linux: { packets: number; dropped: number }; rssKiB: number; heap: number };
  const figures: string[] = [];

  beforeAll(async () => {
    scratch = scratchDir('hostile6');
    ns = await Netns.create('hostile6', { ipv6: true });
    await ns.addTap('tap0', [`${LINUX_LL}/64`, `${LINUX6}/64`]);
    capture = await Capture.start(ns, 'tap0', join(scratch.dir, 'linux.pcap'));
    host = await HostProcess.start(ns, {
      families: ['ipv6'],
      interfaces: [{ name: 'em0', tap: 'tap0', addresses: [`${OURS6}/64`], ipv6: { acceptRa: true, interfaceIdentifier: 'eui64' } }],
      services: { udpEcho: { port: 7, address: '::' } },
    }, scratch.dir);
    const ifc = await host.command('ifconfig');
    ourMac = ifc.map((l) => /^\s*ether (\S+)/.exec(l)).find((m) => m !== null)![1];
    const ready = await pollUntil('our addresses pass DAD', 15_000, async () => {
      const lines = (await host.command('ifconfig')).filter((l) => l.includes('inet6 '));
      const ll = lines.map((l) => /inet6 (fe80:[0-9a-f:]+)%em0\/64$/.exec(l.trim().replace(/ autoconf$/, ''))).find((m) => m !== null);
      const global = lines.some((l) => l.trim() === `inet6 ${OURS6}/64`);
      return ll && global ? ll[1] : null;
    }, 200);
    ourLinkLocal = ready;
    // Warm up: neighbours resolved both ways, code paths compiled.
    const warm = await ns.exec(['ping', '-6', '-n', '-c', '20', '-i', '0.01', OURS6], { timeoutMs: 15_000 });
    expect(warm.stdout).toContain(' 0% packet loss');
    sender = await HostileSender.start(ns, { iface: 'tap0', ourMac, ourIp: OURS6, linuxMac: await ns.macOf('tap0'), linuxIp: LINUX6 }, 'hostile6.py', [
      '--our-ll', ourLinkLocal, '--linux-ll', LINUX_LL,
    ]);
    start = { stats: await host.stats(), rx: rxPackets(await host.command('ifconfig'), 'em0'), linux: await linuxTx(ns, 'tap0'), rssKiB: host.rssKiB(), heap: await heapUsed(host) };
  });

  afterAll(() => teardownInterop({ title: 'hostile IPv6 figures', figures, stop: [sender, capture], host, namespaces: [ns], scratch }));

  test('the script knows every case', async () => {
    const known = await sender.cases();
    expect(CASES.map((c) => c.name).filter((n) => !known.includes(n))).toEqual([]);
  });

  test.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => runHostileCase(host, sender, c));

  test('nothing was learnt from the forged advertisements: no router, no prefix, no address', async () => {
    const routers = await host.command('ndp -r');
    const prefixes = await host.command('ndp -p');
    const routes = await host.command('routes -6');
    expect(routers.filter((l) => l.trim() !== ''), routers.join('\n')).toEqual([]);
    expect(prefixes.join('\n')).not.toContain('2001:db8:bad');
    expect(routes.join('\n')).not.toMatch(/^default/m);
    expect((await host.command('ifconfig')).join('\n')).not.toContain('2001:db8:bad');
    const ndp = await host.command('ndp -a');
    expect(ndp.join('\n')).not.toMatch(/02:66:66|02:77:77/);
  });

  test('every frame is accounted for, end to end', async () => {
    const stats = await host.stats();
    const rx = rxPackets(await host.command('ifconfig'), 'em0');
    const linux = await linuxTx(ns, 'tap0');
    const d = (name: string): number => (stats.get(name) ?? 0) - (start.stats.get(name) ?? 0);
    const written = linux.packets - start.linux.packets;
    figures.push(`Linux wrote ${written} frames into the TAP (${linux.dropped - start.linux.dropped} dropped there); our interface received ${rx - start.rx}`);
    expect(linux.dropped - start.linux.dropped).toBe(0);
    expect(rx - start.rx).toBe(written);
    // Every frame the interface received ends in exactly one Ethernet or IPv6-input counter.
    const fates = ETHER_FATES.reduce((s, n) => s + d(n), 0);
    expect(fates, 'frames not accounted for by ether/ipv6 counters').toBe(written);
    // Every IPv6 packet ends in one ipv6.in.* outcome; reassembled packets add one outcome of their own.
    const outcomes = sumCounters(stats, 'ipv6.in.', ['ipv6.in.received']) - sumCounters(start.stats, 'ipv6.in.', ['ipv6.in.received']);
    expect(outcomes - d('ipv6.reass.ok')).toBe(d('ipv6.in.received'));
    expect(d('stack.input-errors')).toBe(0);
    figures.push(
      `counters: ${d('ipv6.in.received')} IPv6 packets in, ${d('ipv6.in.fragments')} fragments, ${d('ipv6.reass.ok')} reassembled, ${d('ipv6.reass.evicted')} evicted, ` +
        `${d('ipv6.reass.memory')} over the byte bound, ${d('icmp6.in.nd')} ND/MLD messages, ${sumCounters(stats, 'nd.rx.') - sumCounters(start.stats, 'nd.rx.')} ND verdicts`,
    );
  });

  test('memory stays bounded: reassembly within its bounds, the heap settles, through three more floods', async () => {
    const mib = (b: number): number => Math.round(b / 104857.6) / 10;
    const kib = (b: number): number => Math.round(b / 1024);
    const usage: { datagrams: number; bytes: number }[] = [];
    const heaps: number[] = [];
    const rss: number[] = [];
    const atPeak: { datagrams: number; bytes: number }[] = [];
    for (let round = 0; round < 3; round++) {
      await sender.send('frag6_endless_many', 3000);
      await sender.send('frag6_far', 500);
      await sender.send('frag6_memory', 1000);
      await host.stats(); // handled in order: reassembly now holds up to its byte bound
      atPeak.push(await reassembly(host));
      await sender.send('frag6_endless_one', 300);
      await sender.send('frag6_overlap', 200);
      await sender.send('nd_na_unknown_target', 500);
      await host.stats(); // the frames are read in order: once this answers, most have been handled
      usage.push(await reassembly(host));
      heaps.push(await heapUsed(host));
      rss.push(host.rssKiB() * 1024);
    }
    const stats = await host.stats();
    figures.push(
      `IPv6 reassembly at the byte-hungry peak of each flood: ${atPeak.map((u) => `${u.datagrams} packets/${kib(u.bytes)} KiB`).join(', ')}; after it: ` +
        `${usage.map((u) => `${u.datagrams}/${kib(u.bytes)} KiB`).join(', ')}; heap ${mib(start.heap)} MiB before, ` +
        `${heaps.map(mib).join(' / ')} MiB after; RSS ${mib(start.rssKiB * 1024)} → ${rss.map(mib).join(' / ')} MiB`,
    );
    expect(stats.get('stack.input-errors') ?? 0).toBe(0);
    for (const u of [...atPeak, ...usage]) {
      expect(u.datagrams).toBeLessThanOrEqual(64);
      expect(u.bytes).toBeLessThanOrEqual(1 << 20);
    }
    for (const u of atPeak) expect(u.bytes).toBeGreaterThan(0);
    // The heap holds the stack, not the floods: it may grow by what V8 keeps around, within bounds.
    expect(heaps[2] - start.heap).toBeLessThan(64 * 1024 * 1024);
    expect(rss[2] - start.rssKiB * 1024).toBeLessThan(96 * 1024 * 1024);
  });

  test('ping -6 still works, both ways, small and fragmented', async () => {
    const r = await ns.exec(['ping', '-6', '-n', '-c', '10', '-i', '0.05', '-W', '2', OURS6], { timeoutMs: 20_000 });
    expect(r.stdout).toContain('10 packets transmitted, 10 received, 0% packet loss');
    const ll = await ns.exec(['ping', '-6', '-n', '-c', '5', '-i', '0.05', '-W', '2', `${ourLinkLocal}%tap0`], { timeoutMs: 20_000 });
    expect(ll.stdout).toContain('5 packets transmitted, 5 received, 0% packet loss');
    const big = await ns.exec(['ping', '-6', '-n', '-c', '3', '-i', '0.1', '-W', '2', '-s', '4000', OURS6], { timeoutMs: 20_000 });
    expect(big.stdout).toContain('3 packets transmitted, 3 received, 0% packet loss');
    const ours = await host.ping(LINUX6, 2, 56);
    expect(ours.lossPercent, ours.lines.join('\n')).toBe(0);
  });

  test('what we sent in reply passes tshark with checksum validation', async () => {
    await capture.stop();
    const report = await tsharkCheck(join(scratch.dir, 'linux.pcap'), `eth.src == ${ourMac}`);
    figures.push(`tshark: ${report.frames} frames from us during the hostile run, ${report.problems.length} with warnings or errors, ${report.quoted.length} ICMPv6 errors quoting a malformed packet`);
    expect(report.problems, report.expert).toEqual([]);
    expect(report.frames).toBeGreaterThan(0);
    // Parameter problems answering ext_hbh_not_first quote that packet, and tshark warns about it.
    for (const q of report.quoted) expect(q).toMatch(/Hop-by-Hop/);
  });
});
