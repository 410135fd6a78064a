// Multicast groups in the host: the `multicastGroups` setting, the `join` / `leave` commands and the
// `igmp` view, on the simulator under a manual clock, with the IGMP reports decoded off the wire.
import { describe, expect, it } from 'vitest';
import { ManualClock, PacketBuffer } from '@stack/core';
import { emitIgmp, emitIpv4Header, IgmpGroups, parseIgmp, parseIpv4Header, type IgmpMessage } from '@stack/ipv4';
import { SimNetwork } from '@stack/sim';
import { ConfigError, validateConfig } from '../src/config.js';
import { createHost, SimFabric } from '../src/compose.js';
import { igmpView, membershipCommand } from '../src/multicast.js';

const base = { interfaces: [{ name: 'em0', sim: 'lan', mac: '02:00:00:00:00:0a', addresses: ['192.0.2.2/24'] }] };

function fieldOf(doc: unknown): string {
  try {
    validateConfig(doc);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  return '(accepted)';
}

/** A host on a simulated switch, and every IGMP message it puts on the wire (seen from another port). */
async function world(groups: string[]) {
  const clock = new ManualClock();
  const net = new SimNetwork({ clock, seed: 5 });
  const fabric = new SimFabric(net);
  const seen: { dst: number; ttl: number; msg: IgmpMessage }[] = [];
  const peer = fabric.switchFor('lan').port({ name: 'peer' });
  peer.start({
    allocate: (n) => new PacketBuffer(new Uint8Array(n)),
    receive: (frames, count) => {
      for (let i = 0; i < count; i++) {
        const f = frames[i].data.subarray(frames[i].start, frames[i].end);
        if (f[12] !== 0x08 || f[13] !== 0x00 || f[14 + 9] !== 2) continue;
        const h = parseIpv4Header(f, 14, f.length - 14);
        if ('error' in h) throw new Error(h.error);
        const at = 14 + 20 + h.options.length; // frames shorter than 60 bytes are padded
        const msg = parseIgmp(f, at, h.payloadLength);
        if ('error' in msg) throw new Error(msg.error);
        seen.push({ dst: h.dst, ttl: h.ttl, msg });
      }
    },
    linkStateChanged: () => {},
  });
  const host = await createHost(validateConfig({ ...base, interfaces: [{ ...base.interfaces[0], multicastGroups: groups }] }), { clock, fabric });
  /** The peer, as a querier, sends an IGMPv3 general query (Max Resp Time 1 s) to 224.0.0.1 in an Ethernet frame. */
  const query = (): void => {
    const frame = new Uint8Array(14 + 24 + 12);
    frame.set([0x01, 0x00, 0x5e, 0, 0, 1], 0);
    frame.set(peer.hardwareAddress!, 6);
    frame.set([0x08, 0x00], 12);
    emitIpv4Header(
      { dscp: 48, ecn: 0, identification: 1, dontFragment: false, moreFragments: false, fragmentOffset: 0, ttl: 1, protocol: 2, src: 0xc0000201, dst: IgmpGroups.ALL_SYSTEMS, options: Uint8Array.of(148, 4, 0, 0), payloadLength: 12 },
      frame,
      14,
    );
    emitIgmp({ kind: 'query', version: 3, maxRespCode: 10, group: 0, suppress: false, qrv: 2, qqic: 125, sources: [] }, frame, 38);
    peer.send([PacketBuffer.from(frame)], 1);
  };
  return { host, net, seen, query };
}

describe('multicast groups in the host', () => {
  it('validates multicastGroups, naming the field', () => {
    const withGroups = (g: unknown, extra: Record<string, unknown> = {}) => ({ ...extra, interfaces: [{ ...base.interfaces[0], multicastGroups: g }] });
    expect(fieldOf(withGroups(['239.1.2.3', '224.0.0.251']))).toBe('(accepted)');
    expect(fieldOf(withGroups('239.1.2.3'))).toMatch(/^interfaces\[0\]\.multicastGroups: expected a list/);
    expect(fieldOf(withGroups(['192.0.2.9']))).toMatch(/^interfaces\[0\]\.multicastGroups\[0\]: 192\.0\.2\.9 is not an IPv4 multicast address/);
    expect(fieldOf(withGroups(['239.1.2.3', '239.1.2.3']))).toMatch(/^interfaces\[0\]\.multicastGroups\[1\]: 239\.1\.2\.3 is listed twice/);
    expect(fieldOf(withGroups(['224.0.0.1']))).toMatch(/^interfaces\[0\]\.multicastGroups\[0\]: 224\.0\.0\.1 \(all hosts\) is joined/);
    expect(fieldOf(withGroups(['239.1.2.300']))).toMatch(/^interfaces\[0\]\.multicastGroups\[0\]: /);
    expect(fieldOf(withGroups(['239.1.2.3/32']))).toMatch(/^interfaces\[0\]\.multicastGroups\[0\]: expected a multicast address without prefix/);
    expect(fieldOf(withGroups([7]))).toMatch(/^interfaces\[0\]\.multicastGroups\[0\]: expected a non-empty string/);
    expect(fieldOf(withGroups(['ff05::1:3'], { families: ['ipv4'] }))).toMatch(/^interfaces\[0\]\.multicastGroups\[0\]: group ff05::1:3 is IPv6, but "families"/);
    expect(fieldOf(withGroups(['ff02::1'], { families: ['ipv4', 'ipv6'] }))).toMatch(/ff02::1 \(all nodes\) is joined/);
    // An IPv6 group makes the host load IPv6 when "families" is absent.
    expect(validateConfig(withGroups(['ff05::1:3'])).families).toEqual(['ipv4', 'ipv6']);
    expect(validateConfig(base).interfaces[0].multicastGroups).toEqual([]);
  });

  it('joins the configured groups at start: IGMPv3 reports to 224.0.0.22 with TTL 1, and the igmp view lists them', async () => {
    const { host, net, seen } = await world(['239.1.2.3']);
    net.run(2000);
    expect(seen.map((s) => [s.dst, s.ttl, s.msg.kind])).toEqual([
      [IgmpGroups.IGMPV3_ROUTERS, 1, 'v3-report'],
      [IgmpGroups.IGMPV3_ROUTERS, 1, 'v3-report'],
    ]);
    expect(seen[0].msg).toMatchObject({ records: [{ type: 4, group: 0xef010203, sources: [] }] });
    expect(igmpView(host.stack)).toEqual(['em0: igmp v3 robustness 2 query-interval 125s', '\tgroup 239.1.2.3 refs 1']);
    await host.close();
  });

  it('receives queries sent to 224.0.0.1 over Ethernet (01:00:5e:00:00:01 is joined) and answers within Max Resp Time', async () => {
    const { host, net, seen, query } = await world(['239.1.2.3']);
    net.run(2000);
    seen.length = 0;
    query();
    net.run(1100);
    expect(host.stack.counters.get('igmp.in.v3-queries')).toBe(1);
    expect(seen.map((s) => s.msg)).toEqual([{ kind: 'v3-report', records: [{ type: 2, group: 0xef010203, sources: [], auxData: new Uint8Array(0) }] }]);
    await host.close();
  });

  it('join and leave at run time send the state changes; mistakes are explained', async () => {
    const { host, net, seen } = await world([]);
    expect(igmpView(host.stack)).toEqual(['(no IPv4 multicast groups joined)']);
    expect(membershipCommand(host.stack, 'join', ['239.9.9.9', 'em0'])).toEqual(['joined 239.9.9.9 on em0']);
    net.run(2000);
    expect(membershipCommand(host.stack, 'leave', ['239.9.9.9', 'em0'])).toEqual(['left 239.9.9.9 on em0']);
    net.run(2000);
    expect(seen.map((s) => (s.msg.kind === 'v3-report' ? s.msg.records.map((r) => r.type) : []))).toEqual([[4], [4], [3], [3]]);
    expect(membershipCommand(host.stack, 'join', ['239.9.9.9'])).toEqual(['usage: join GROUP IFNAME (e.g. join 239.1.2.3 em0)']);
    expect(membershipCommand(host.stack, 'join', ['192.0.2.1', 'em0'])).toEqual(['join: 192.0.2.1 is not a multicast address']);
    expect(membershipCommand(host.stack, 'join', ['239.9.9.9', 'em7'])).toEqual(['join: no interface named "em7"']);
    expect(membershipCommand(host.stack, 'join', ['ff05::1', 'em0'])).toEqual(['join: IPv6 is not loaded']);
    expect(membershipCommand(host.stack, 'leave', ['nonsense', 'em0'])[0]).toMatch(/^leave: /);
    await host.close();
  });
});
