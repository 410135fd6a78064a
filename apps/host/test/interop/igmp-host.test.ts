// Interop: our IGMP host (apps/host) against the Linux kernel's bridge. The far side of our TAP is a
// port of a Linux bridge that snoops IGMP and is the link's querier (IGMPv3, then IGMPv2): it must
// learn the groups we join on that port (`bridge mdb show`) and forget them when we leave, our
// answers to its queries keep them, an IGMPv2 querier switches us to IGMPv2 and back, and every
// IGMP frame we sent is TTL 1 with Router Alert and passes tshark. Needs root (skipped otherwise,
// except under CI as root). Run: cd apps/host && npm run test:interop -- test/interop/igmp-host.test.ts
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addSnoopingBridge, igmpFrames, mdbEntries, setBridgeMulticast } from '../../../../tools/testbed/src/bridge.js';
import { Capture, HostProcess, interopGate, Netns, pollUntil, scratchDir, tsharkCheck, teardownInterop } from '../../../../tools/testbed/src/testbed.js';

const gate = await interopGate(['ip', 'bridge', 'tcpdump', 'tshark'], false);

const LINUX = '192.0.2.1';
const OURS = '192.0.2.2';
const CONFIGURED = '239.1.2.3';

describe.skipIf(gate.skip)('IGMP host against a Linux snooping bridge and querier', () => {
  let ns: Netns;
  let host: HostProcess;
  let capture: Capture;
  let scratch: { dir: string; cleanup: () => void };
  let ourMac = '';
  const figures: string[] = [];

  /** Whether the bridge has `group` learnt on our port. */
  const learnt = async (group: string): Promise<boolean> => (await mdbEntries(ns, 'br0')).some((e) => e.port === 'tap0' && e.group === group);
  const igmpLine = async (): Promise<string> => (await host.command('igmp')).find((l) => l.startsWith('em0:')) ?? '';

  beforeAll(async () => {
    scratch = scratchDir('igmp');
    ns = await Netns.create('igmp');
    // Queries every 3 s answered within 1 s, IGMPv3; after a leave, group-specific queries 0.5 s apart.
    await addSnoopingBridge(ns, 'br0', 'tap0', `${LINUX}/24`, {
      igmpVersion: 3,
      queryIntervalCs: 300,
      queryResponseIntervalCs: 100,
      startupQueryIntervalCs: 100,
      lastMemberIntervalCs: 50,
    });
    capture = await Capture.start(ns, 'tap0', join(scratch.dir, 'linux.pcap'));
    host = await HostProcess.start(
      ns,
      {
        interfaces: [{ name: 'em0', tap: 'tap0', addresses: [`${OURS}/24`], multicastGroups: [CONFIGURED, '224.0.0.251'] }],
        pcap: join(scratch.dir, 'host.pcap'),
      },
      scratch.dir,
    );
    const ifc = await host.command('ifconfig');
    ourMac = ifc.map((l) => /^\s*ether (\S+)/.exec(l)).find((m) => m !== null)![1];
  });

  afterAll(() => teardownInterop({ title: 'interop figures', figures, stop: [capture], host, namespaces: [ns], scratch }));

  test('the bridge learns the group we joined at start-up on our port', async () => {
    const started = Date.now();
    await pollUntil(`bridge mdb lists ${CONFIGURED} on tap0`, 15_000, () => learnt(CONFIGURED));
    figures.push(`${CONFIGURED} in the bridge's mdb after ${Date.now() - started} ms`);
    expect(await igmpLine()).toMatch(/^em0: igmp v3 robustness 2 query-interval \d+s/);
  });

  test("the bridge's IGMPv3 queries are answered and keep the membership", async () => {
    await pollUntil('two IGMPv3 queries answered', 15_000, async () => {
      const s = await host.stats('igmp');
      return (s.get('igmp.in.v3-queries') ?? 0) >= 2 && (s.get('igmp.out.v3-reports') ?? 0) >= 4 ? s : null;
    });
    const s = await host.stats('igmp');
    figures.push(`after the queries: ${[...s].map(([k, v]) => `${k}=${v}`).join(' ')}`);
    // Nothing the kernel sent was refused: TTL 1, Router Alert, general queries to 224.0.0.1.
    for (const drop of ['truncated', 'bad-checksum', 'bad-ttl', 'no-router-alert', 'bad-destination', 'bad-group', 'bad-query-length', 'bad-source-count']) {
      expect(s.get(`igmp.in.${drop}`) ?? 0, drop).toBe(0);
    }
    // The QQIC of the bridge's queries (3 s) is now ours (RFC 3376 §4.1.7).
    expect(await igmpLine()).toMatch(/^em0: igmp v3 robustness 2 query-interval 3s/);
    expect(await learnt(CONFIGURED)).toBe(true);
  });

  test('join at run time: the bridge learns the group; leave: it forgets it', async () => {
    expect(await host.command('join 239.5.6.7 em0')).toEqual(['joined 239.5.6.7 on em0']);
    await pollUntil('bridge mdb lists 239.5.6.7', 10_000, () => learnt('239.5.6.7'));
    expect(await host.command('leave 239.5.6.7 em0')).toEqual(['left 239.5.6.7 on em0']);
    const left = Date.now();
    await pollUntil('bridge mdb drops 239.5.6.7', 10_000, async () => !(await learnt('239.5.6.7')));
    figures.push(`IGMPv3 leave (TO_IN{}): 239.5.6.7 gone from the mdb after ${Date.now() - left} ms`);
    expect(await learnt(CONFIGURED)).toBe(true);
  });

  test('an IGMPv2 querier makes us speak IGMPv2 (report, leave), and we speak IGMPv3 again once it is gone', async () => {
    await setBridgeMulticast(ns, 'br0', { igmpVersion: 2 });
    await pollUntil('IGMPv2 compatibility mode', 15_000, async () => /^em0: igmp v2 .*v2-querier-present/.test(await igmpLine()));
    expect(await host.command('join 239.7.7.7 em0')).toEqual(['joined 239.7.7.7 on em0']);
    await pollUntil('bridge mdb lists 239.7.7.7', 10_000, () => learnt('239.7.7.7'));
    await host.command('leave 239.7.7.7 em0');
    await pollUntil('bridge mdb drops 239.7.7.7', 10_000, async () => !(await learnt('239.7.7.7')));
    const s = await host.stats('igmp');
    expect(s.get('igmp.in.v2-queries') ?? 0).toBeGreaterThan(0);
    expect(s.get('igmp.out.v2-reports') ?? 0).toBeGreaterThan(0);
    expect(s.get('igmp.out.leaves')).toBe(1);
    // Older Version Querier Present Timeout: 2 × 3 s (the QQIC learnt) + 1 s (the IGMPv2 Max Resp Time).
    await setBridgeMulticast(ns, 'br0', { igmpVersion: 3 });
    const back = Date.now();
    await pollUntil('IGMPv3 mode again', 20_000, async () => /^em0: igmp v3 /.test(await igmpLine()), 250);
    figures.push(`back to IGMPv3 ${Date.now() - back} ms after the bridge's querier went back to IGMPv3`);
    expect(await learnt(CONFIGURED)).toBe(true);
  });

  test('every IGMP frame we sent: TTL 1, Router Alert, never 224.0.0.1, clean in tshark', async () => {
    await capture.stop();
    const file = join(scratch.dir, 'linux.pcap');
    const ours = await igmpFrames(file, `eth.src == ${ourMac}`);
    const theirs = await igmpFrames(file, `eth.src != ${ourMac}`);
    figures.push(`capture: ${ours.length} IGMP frames from us, ${theirs.length} from the bridge (${theirs.filter((f) => f.type === 0x11).length} queries)`);
    expect(ours.length).toBeGreaterThan(5);
    for (const f of ours) {
      expect([f.frame, f.src, f.ttl, f.routerAlert]).toEqual([f.frame, OURS, 1, true]);
      expect(f.groups).not.toContain('224.0.0.1');
    }
    const v3 = ours.filter((f) => f.type === 0x22);
    expect(v3.every((f) => f.dst === '224.0.0.22' && f.version === 3)).toBe(true);
    const recordTypes = new Set(v3.flatMap((f) => f.recordTypes));
    // TO_EX{} on join, TO_IN{} on leave, IS_EX{} in answers to queries (RFC 3376 §4.2.12).
    expect([...recordTypes].sort()).toEqual([2, 3, 4]);
    expect(v3.flatMap((f) => f.groups)).toEqual(expect.arrayContaining([CONFIGURED, '224.0.0.251', '239.5.6.7']));
    const v2 = ours.filter((f) => f.type === 0x16);
    expect(v2.length).toBeGreaterThan(0);
    expect(v2.every((f) => f.groups.length === 1 && f.dst === f.groups[0])).toBe(true);
    const leaves = ours.filter((f) => f.type === 0x17);
    expect(leaves.map((f) => [f.dst, f.groups])).toEqual([['224.0.0.2', ['239.7.7.7']]]);
    // The bridge's queries carry Router Alert too (so ours were not accepted by luck).
    expect(theirs.filter((f) => f.type === 0x11).every((f) => f.routerAlert && f.ttl === 1)).toBe(true);

    const check = await tsharkCheck(file, `eth.src == ${ourMac} && igmp`);
    expect(check.frames).toBe(ours.length);
    expect(check.problems, check.expert).toEqual([]);
    expect(check.expert).toBe('');
    const own = await tsharkCheck(join(scratch.dir, 'host.pcap'), `eth.src == ${ourMac} && igmp`);
    expect(own.frames).toBeGreaterThan(5);
    expect(own.problems, own.expert).toEqual([]);
  });
});
