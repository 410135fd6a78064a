// Interop, hostile input: crafted frames (tools/testbed/py/hostile.py, scapy) written into the TAP
// from its Linux end reach our host: bad checksums, impossible header lengths, total length beyond
// the frame, truncated headers, TTL 0, overlapping and endless fragments, broadcast and multicast
// sources, ARP with odd lengths. Each case must land in the counter that names it; afterwards every
// frame is accounted for, nothing threw, memory stayed bounded and ping still works.
// Needs root and the tools of tools/testbed (skipped otherwise, except under CI as root).
// Run: cd apps/host && npm run test:interop
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Capture, HostileSender, HostProcess, interopGate, Netns, scratchDir, tsharkCheck, teardownInterop } from '../../../../tools/testbed/src/testbed.js';
import { all, none, perPair, perTriple, linuxTx, rxPackets, runHostileCase, sumCounters, type HostileCase, reassemblyBoundCases } from '../../../../tools/testbed/src/hostile-cases.js';

const gate = await interopGate();

const LINUX = '192.0.2.1';
const OURS = '192.0.2.2';

/** One counter takes every frame of the case. */
function dropIn(name: string, counter: string, repeat?: number): HostileCase {
  return { name, repeat, wait: counter, exact: { [counter]: all } };
}

const CASES: HostileCase[] = [
  // Ethernet
  dropIn('eth_src_multicast', 'ether.in.bad-source'),
  dropIn('eth_src_broadcast', 'ether.in.bad-source'),
  dropIn('eth_not_for_us', 'ether.in.not-for-us'),
  dropIn('eth_unknown_ethertype', 'ether.in.unknown-ethertype'),
  dropIn('eth_llc', 'ether.in.llc-unsupported'),
  dropIn('eth_vlan', 'ether.in.vlan-unconfigured'),
  dropIn('eth_unicast_ip_in_broadcast', 'ipv4.in.link-broadcast-unicast'),
  // IPv4 header
  dropIn('ip_bad_checksum', 'ipv4.in.bad-checksum'),
  dropIn('ip_bad_version', 'ipv4.in.bad-version'),
  dropIn('ip_ihl_below_5', 'ipv4.in.bad-header-length'),
  dropIn('ip_ihl_beyond_frame', 'ipv4.in.truncated'),
  dropIn('ip_ihl_beyond_total_length', 'ipv4.in.bad-total-length'),
  dropIn('ip_total_length_beyond_frame', 'ipv4.in.truncated'),
  dropIn('ip_total_length_below_header', 'ipv4.in.bad-total-length'),
  dropIn('ip_truncated_header', 'ipv4.in.truncated'),
  dropIn('ip_reserved_flag', 'ipv4.in.bad-flags'),
  dropIn('ip_bad_options', 'ipv4.in.bad-options'),
  dropIn('ip_src_limited_broadcast', 'ipv4.in.bad-source'),
  dropIn('ip_src_directed_broadcast', 'ipv4.in.bad-source'),
  dropIn('ip_src_multicast', 'ipv4.in.bad-source'),
  dropIn('ip_src_class_e', 'ipv4.in.bad-source'),
  dropIn('ip_src_loopback', 'ipv4.in.bad-source'),
  dropIn('ip_dst_loopback', 'ipv4.in.bad-destination'),
  {
    // RFC 1122 §3.2.1.7: a host accepts TTL 0 for local delivery (and never sends TTL 0)
    name: 'ip_ttl_0',
    wait: 'icmp.out.echo-reply',
    exact: { 'icmp.in.echo-request': all, 'icmp.out.echo-reply': all },
  },
  {
    name: 'ip_unknown_protocol',
    wait: 'ipv4.in.unknown-protocol',
    exact: { 'ipv4.in.unknown-protocol': all },
    // protocol unreachable for each, unless the ICMP error rate limit holds it back
    check: (d, f) => expect(d('icmp.out.unreachable') + d('icmp.out.rate-limited')).toBe(f),
  },
  // ICMP and UDP
  dropIn('icmp_bad_checksum', 'icmp.in.bad-checksum'),
  dropIn('icmp_truncated', 'icmp.in.truncated'),
  { name: 'udp_bad_checksum', wait: 'udp.in.bad-checksum', exact: { 'udp.in.bad-checksum': all, 'udp.out.sent': none } },
  dropIn('udp_length_beyond_packet', 'udp.in.bad-length'),
  dropIn('udp_length_below_8', 'udp.in.bad-length'),
  dropIn('udp_truncated', 'udp.in.truncated'),
  { name: 'udp_ttl_0', wait: 'udp.out.sent', exact: { 'udp.in.delivered': all, 'udp.out.sent': all } },
  {
    // no reflection towards a broadcast address: dropped before UDP
    name: 'udp_src_directed_broadcast',
    wait: 'ipv4.in.bad-source',
    exact: { 'ipv4.in.bad-source': all, 'udp.in.received': none, 'udp.out.sent': none },
  },
  // Fragments
  {
    // overlapping pairs, half of them "teardrop" (the second inside the first, last fragment)
    name: 'frag_overlap',
    wait: 'ipv4.in.fragments',
    exact: { 'ipv4.in.fragments': all, 'ipv4.reass.ok': none },
    check: (d, f) => expect(d('ipv4.reass.overlap') + d('ipv4.reass.inconsistent')).toBe(perPair(f)),
  },
  {
    name: 'frag_overlap_then_rest',
    wait: 'ipv4.reass.late-fragment',
    exact: { 'ipv4.in.fragments': all, 'ipv4.reass.overlap': perTriple, 'ipv4.reass.late-fragment': perTriple, 'ipv4.reass.ok': none },
  },
  {
    // every first fragment twice: reassembled once, the copy ignored, the echo answered
    name: 'frag_duplicate',
    wait: 'icmp.out.echo-reply',
    exact: { 'ipv4.reass.ok': perTriple, 'ipv4.reass.duplicate': perTriple, 'icmp.out.echo-reply': perTriple },
  },
  dropIn('frag_bad_size', 'ipv4.reass.inconsistent'),
  dropIn('frag_too_long', 'ipv4.reass.too-long'),
  ...reassemblyBoundCases('ipv4', 'frag'),
  // ARP
  dropIn('arp_hln_0', 'arp.in.bad-address-length'),
  dropIn('arp_pln_0', 'arp.in.bad-address-length'),
  dropIn('arp_hln_8', 'arp.in.bad-hardware-length'),
  dropIn('arp_hln_255', 'arp.in.bad-hardware-length'),
  dropIn('arp_pln_16', 'arp.in.not-ipv4'),
  dropIn('arp_ptype_ipv6', 'arp.in.not-ipv4'),
  dropIn('arp_truncated', 'arp.in.truncated'),
  dropIn('arp_lengths_beyond_frame', 'arp.in.truncated'),
  dropIn('arp_hrd_6', 'arp.in.bad-hardware-type'),
  dropIn('arp_op_3', 'arp.in.bad-operation'),
  dropIn('arp_sender_broadcast_mac', 'arp.in.bad-sender'),
  dropIn('arp_sender_zero_mac', 'arp.in.bad-sender'),
  dropIn('arp_sender_multicast_ip', 'arp.in.bad-sender-ip'),
  dropIn('arp_sender_broadcast_ip', 'arp.in.bad-sender-ip'),
  // a valid request followed by 100 bytes: answered
  { name: 'arp_trailing_bytes', wait: 'arp.out.replies', exact: { 'arp.in.requests': all, 'arp.out.replies': all } },
];

/** Counters whose sum is every frame the Ethernet layer was handed: dropped there, or passed to ARP or IPv4. */
const ETHER_FATES = [
  'ether.in.truncated', 'ether.in.llc-unsupported', 'ether.in.too-many-vlan-tags', 'ether.in.vlan-unconfigured',
  'ether.in.bad-source', 'ether.in.not-for-us', 'ether.in.multicast-filtered', 'ether.in.unknown-ethertype',
  'link.in.no-link-layer', 'link.in.interface-down', 'stack.input-errors',
  // ARP counts each packet once, in one of these
  'arp.in.requests', 'arp.in.replies', 'arp.in.unsupported-link', 'arp.in.truncated', 'arp.in.bad-address-length',
  'arp.in.bad-hardware-type', 'arp.in.bad-hardware-length', 'arp.in.not-ipv4', 'arp.in.bad-operation', 'arp.in.bad-sender',
  'arp.in.bad-sender-ip', 'arp.in.own',
  'ipv4.in.received',
];

describe.skipIf(gate.skip)('hostile input into the TAP', () => {
  let ns: Netns;
  let host: HostProcess;
  let sender: HostileSender;
  let capture: Capture;
  let scratch: { dir: string; cleanup: () => void };
  let ourMac = '';
  let start: { stats: Map<string, number>; rx: number; linux: { packets: number; dropped: number }; rssKiB: number };
  const figures: string[] = [];

  beforeAll(async () => {
    scratch = scratchDir('hostile');
    ns = await Netns.create('hostile');
    await ns.addTap('tap0', `${LINUX}/24`);
    capture = await Capture.start(ns, 'tap0', join(scratch.dir, 'linux.pcap'));
    host = await HostProcess.start(ns, { interfaces: [{ name: 'em0', tap: 'tap0', addresses: [`${OURS}/24`] }], services: { udpEcho: { port: 7 } } }, scratch.dir);
    const ifc = await host.command('ifconfig');
    ourMac = ifc.map((l) => /^\s*ether (\S+)/.exec(l)).find((m) => m !== null)![1];
    // Warm up: neighbours resolved both ways, code paths compiled.
    const warm = await ns.exec(['ping', '-n', '-c', '20', '-i', '0.01', OURS], { timeoutMs: 15_000 });
    expect(warm.stdout).toContain(' 0% packet loss');
    sender = await HostileSender.start(ns, { iface: 'tap0', ourMac, ourIp: OURS, linuxMac: await ns.macOf('tap0'), linuxIp: LINUX });
    start = { stats: await host.stats(), rx: rxPackets(await host.command('ifconfig'), 'em0'), linux: await linuxTx(ns, 'tap0'), rssKiB: host.rssKiB() };
  });

  afterAll(() => teardownInterop({ title: 'hostile-input figures', figures, stop: [sender, capture], host, namespaces: [ns], scratch }));

  test.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => runHostileCase(host, sender, c));

  test('every frame is accounted for, end to end', async () => {
    const stats = await host.stats();
    const rx = rxPackets(await host.command('ifconfig'), 'em0');
    const linux = await linuxTx(ns, 'tap0');
    const d = (name: string): number => (stats.get(name) ?? 0) - (start.stats.get(name) ?? 0);
    const written = linux.packets - start.linux.packets;
    figures.push(`Linux wrote ${written} frames into the TAP (${linux.dropped - start.linux.dropped} dropped there); our interface received ${rx - start.rx}`);
    // Nothing lost between Linux and us: every frame the TAP delivered reached the interface.
    expect(linux.dropped - start.linux.dropped).toBe(0);
    expect(rx - start.rx).toBe(written);
    // Every frame the interface received ends in exactly one Ethernet, ARP or IPv4-input counter.
    const fates = ETHER_FATES.reduce((s, n) => s + d(n), 0);
    expect(fates, 'frames not accounted for by ether/arp/ipv4 counters').toBe(written);
    // Every IPv4 packet ends in one ipv4.in.* outcome; reassembled datagrams add one outcome of their own.
    const now = { after: stats, before: start.stats };
    const outcomes = sumCounters(now.after, 'ipv4.in.', ['ipv4.in.received']) - sumCounters(now.before, 'ipv4.in.', ['ipv4.in.received']);
    expect(outcomes - d('ipv4.reass.ok')).toBe(d('ipv4.in.received'));
    expect(d('stack.input-errors')).toBe(0);
    figures.push(`counters: ${d('ipv4.in.received')} IPv4 packets in, ${d('ipv4.in.fragments')} fragments, ${d('ipv4.reass.ok')} reassembled, ${d('ipv4.reass.evicted')} evicted, ${d('ipv4.reass.memory')} over the byte bound`);
  });

  test('memory stays bounded: the fragment floods again, three more times', async () => {
    const mib = (kib: number): number => Math.round(kib / 102.4) / 10;
    const afterFirst = host.rssKiB();
    const rounds: number[] = [];
    for (let round = 0; round < 3; round++) {
      await sender.send('frag_endless_many', 3000);
      await sender.send('frag_far', 500);
      await sender.send('frag_memory', 1000);
      await sender.send('frag_endless_one', 300);
      await sender.send('frag_overlap', 200);
      await host.stats(); // the frames are read in order: once this answers, most have been handled
      rounds.push(host.rssKiB());
    }
    const stats = await host.stats();
    figures.push(`host RSS ${mib(start.rssKiB)} MiB before the hostile frames, ${mib(afterFirst)} MiB after the cases, ${rounds.map(mib).join(' / ')} MiB after each of 3 more floods (~4,800 frames each)`);
    expect(stats.get('stack.input-errors') ?? 0).toBe(0);
    // Reassembly holds at most 64 datagrams and 1 MiB; the rest is the V8 heap, which settles.
    expect(rounds[2] - start.rssKiB).toBeLessThan(96 * 1024);
    expect(rounds[2] - rounds[0]).toBeLessThan(32 * 1024);
  });

  test('ping still works, both ways', async () => {
    const r = await ns.exec(['ping', '-n', '-c', '10', '-i', '0.05', '-W', '2', OURS], { timeoutMs: 20_000 });
    expect(r.stdout).toContain('10 packets transmitted, 10 received, 0% packet loss');
    const big = await ns.exec(['ping', '-n', '-c', '3', '-i', '0.1', '-W', '2', '-s', '4000', OURS], { timeoutMs: 20_000 });
    expect(big.stdout).toContain('3 packets transmitted, 3 received, 0% packet loss');
    const ours = await host.ping(LINUX, 2, 56);
    expect(ours.lossPercent, ours.lines.join('\n')).toBe(0);
  });

  test('what we sent in reply passes tshark with checksum validation', async () => {
    await capture.stop();
    const report = await tsharkCheck(join(scratch.dir, 'linux.pcap'), `eth.src == ${ourMac}`);
    figures.push(`tshark: ${report.frames} frames from us during the hostile run, ${report.problems.length} with warnings or errors, ${report.quoted.length} ICMP errors quoting a malformed header`);
    expect(report.problems, report.expert).toEqual([]);
    expect(report.frames).toBeGreaterThan(0);
    // Parameter problems answering ip_bad_options quote the bad options, as RFC 792 wants: tshark
    // warns about the quoted header, and only about its options.
    for (const q of report.quoted) expect(q).toMatch(/option/i);
  });
});
