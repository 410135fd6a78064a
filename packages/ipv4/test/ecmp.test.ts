import { describe, expect, it } from 'vitest';
import {
  createStack,
  Ipv4Address,
  ManualClock,
  NetworkProtocolService,
  RouteTablesService,
  type NetInterface,
  type Stack,
} from '@stack/core';
import { fibModule } from '@stack/fib';
import { ptpLinkModule, PtpDriver } from '@stack/sim';
import { ipv4Module, Ipv4PacketView } from '../src/index.js';
import { datagramFlowHash4 } from '../src/flow-hash.js';
import { fragments, ipv4Packet } from './helpers/packets.js';

const addr = (t: string) => Ipv4Address.parse(t);
const ip = (t: string) => addr(t).value;
const SEED = 0x2545f491;
const DST = '198.51.100.7';

/** An 8-byte UDP header (checksum 0: none, RFC 768) followed by `size` bytes. */
function udp(sport: number, dport: number, size = 0): Uint8Array {
  const out = new Uint8Array(8 + size);
  out[0] = sport >> 8;
  out[1] = sport;
  out[2] = dport >> 8;
  out[3] = dport;
  out[4] = out.length >> 8;
  out[5] = out.length;
  for (let i = 8; i < out.length; i++) out[i] = i;
  return out;
}

interface Member {
  readonly ifp: NetInterface;
  readonly wire: PtpDriver;
}

/**
 * A router (forwarding) with an input link "in0" (192.0.2.254/24) and `count` output links
 * out1..outN (10.0.i.1/24, MTU `mtu`); 198.51.100.0/24 is one ECMP route through 10.0.i.2 on
 * each. Raw @stack/sim drivers on every link: tests inject datagrams and read what left where.
 */
function router(count: number, mtu = 1500) {
  const clock = new ManualClock();
  const stack: Stack = createStack({ name: 'r', clock });
  stack.load(fibModule());
  stack.load(ptpLinkModule());
  stack.load(ipv4Module({ forwarding: true, flowHashSeed: SEED }));
  const wire = new PtpDriver({ name: 'in0', protocol: 0x0800 });
  stack.interfaces.add({ name: 'in0', type: 'ptp', driver: wire }).addAddress({ address: '192.0.2.254/24' });
  const members: Member[] = [];
  for (let i = 1; i <= count; i++) {
    const d = new PtpDriver({ name: `out${i}`, protocol: 0x0800, mtu });
    const ifp = stack.interfaces.add({ name: `out${i}`, type: 'ptp', driver: d });
    ifp.addAddress({ address: `10.0.${i}.1/24` });
    members.push({ ifp, wire: d });
  }
  stack.services.get(RouteTablesService).add(0, {
    prefix: addr('198.51.100.0'),
    prefixLength: 24,
    gateway: addr('10.0.1.2'),
    ifindex: members[0].ifp.index,
    multipath: members.slice(1).map((m, i) => ({ gateway: addr(`10.0.${i + 2}.2`), ifindex: m.ifp.index })),
  });
  /** Index of the member each packet left through, keyed by `key(view)`, in order. */
  const taken = <K>(key: (v: Ipv4PacketView) => K): Map<K, number[]> => {
    const out = new Map<K, number[]>();
    members.forEach((m, i) => {
      for (const p of m.wire.take()) {
        const k = key(new Ipv4PacketView(p));
        out.set(k, [...(out.get(k) ?? []), i]);
      }
    });
    return out;
  };
  const net = stack.services.get(NetworkProtocolService, 'ipv4');
  return { clock, stack, wire, members, taken, net };
}

const sourcePort = (v: Ipv4PacketView): number => (v.bytes[v.payloadOffset] << 8) | v.bytes[v.payloadOffset + 1];

/** How many keys went to each member (each key to exactly one, else the test fails). */
function shares(taken: Map<unknown, number[]>, count: number): number[] {
  const per = new Array<number>(count).fill(0);
  for (const [key, list] of taken) {
    expect(new Set(list).size, `flow ${String(key)} took one member`).toBe(1);
    per[list[0]]++;
  }
  return per;
}

describe('ECMP flow hashing (forwarding)', () => {
  it('spreads 200 UDP flows that differ only in the source port over both members, at least 25% each', () => {
    const r = router(2);
    for (let i = 0; i < 200; i++)
      r.wire.inject([ipv4Packet({ src: ip('192.0.2.1'), dst: ip(DST), protocol: 17 }, udp(20000 + i, 53))]);
    const per = shares(r.taken(sourcePort), 2);
    expect(per[0] + per[1]).toBe(200);
    expect(Math.min(...per)).toBeGreaterThanOrEqual(50);
    expect(r.stack.counters.get('ipv4.in.forwarded')).toBe(200);
  });

  it('spreads 300 flows from distinct source addresses over three members, at least a sixth each', () => {
    const r = router(3);
    for (let i = 0; i < 300; i++) {
      const src = ip('192.0.2.0') + 1 + (i % 250);
      r.wire.inject([ipv4Packet({ src, dst: ip(DST), protocol: 17 }, udp(i < 250 ? 5000 : 5001, 53))]);
    }
    const per = shares(
      r.taken((v) => `${v.src}:${sourcePort(v)}`),
      3,
    );
    expect(per.reduce((a, b) => a + b)).toBe(300);
    expect(Math.min(...per)).toBeGreaterThanOrEqual(50);
  });

  it('keeps every packet of a flow on one member, ICMP and TCP alike', () => {
    const r = router(3);
    for (let n = 0; n < 20; n++) {
      for (let f = 0; f < 30; f++) {
        r.wire.inject([
          ipv4Packet({ src: ip('192.0.2.9'), dst: ip(DST), protocol: 6, identification: n }, udp(30000 + f, 443, n)),
        ]);
      }
      r.wire.inject([
        ipv4Packet({ src: ip('192.0.2.10'), dst: ip(DST), protocol: 1, identification: n }, new Uint8Array(8 + n)),
      ]);
    }
    const taken = r.taken((v) => (v.protocol === 1 ? 'icmp' : sourcePort(v)));
    expect(taken.size).toBe(31);
    for (const list of taken.values()) expect(list).toHaveLength(20);
    expect(Math.min(...shares(taken, 3))).toBeGreaterThan(0);
  });

  it('sends every fragment of a datagram, first and later, the same way, and spreads datagrams by address', () => {
    const r = router(2);
    for (let i = 1; i <= 100; i++) {
      const src = ip('192.0.2.0') + i;
      const base = { src, dst: ip(DST), identification: i, protocol: 17 };
      // The first fragment holds the UDP header (ports); the others do not.
      r.wire.inject(
        fragments(base, udp(40000 + i, 53, 1992), [
          [0, 808, true],
          [808, 800, true],
          [1608, 392, false],
        ]),
      );
    }
    const taken = r.taken((v) => v.identification);
    for (const list of taken.values()) expect(list).toHaveLength(3);
    const per = shares(taken, 2);
    expect(Math.min(...per)).toBeGreaterThanOrEqual(25);
  });

  it('keeps the datagrams of a flow that are all fragmented on one member', () => {
    const r = router(3);
    for (let id = 1; id <= 12; id++) {
      r.wire.inject(
        fragments({ src: ip('192.0.2.33'), dst: ip(DST), identification: id, protocol: 17 }, udp(1234, 53, 1400), [
          [0, 1000, true],
          [1000, 408, false],
        ]),
      );
    }
    const all = r.taken(() => 'flow');
    expect(all.get('flow')).toHaveLength(24);
    expect(new Set(all.get('flow')).size).toBe(1);
  });
});

describe('ECMP flow hashing (locally originated)', () => {
  /** Send a UDP-like datagram of `size` payload bytes from `sport` through the NetworkProtocol contract. */
  function send(net: ReturnType<typeof router>['net'], sport: number, size: number): void {
    const req = { destination: addr(DST), protocol: 17 };
    const buf = net.allocate(req, 8 + size);
    if (typeof buf === 'string') throw new Error(buf);
    buf.data.set(udp(sport, 9, size), buf.start);
    expect(net.send(buf, req)).toBeNull();
  }

  it('spreads 200 flows over two members by their ports, at least 25% each', () => {
    const r = router(2);
    for (let i = 0; i < 200; i++) send(r.net, 10000 + i, 16);
    const per = shares(r.taken(sourcePort), 2);
    expect(per[0] + per[1]).toBe(200);
    expect(Math.min(...per)).toBeGreaterThanOrEqual(50);
  });

  it('sends every datagram of a flow and all fragments of its large ones through one member', () => {
    const r = router(3);
    for (let f = 0; f < 40; f++) {
      send(r.net, 50000 + f, 100);
      send(r.net, 50000 + f, 3000); // 3 fragments over MTU 1500
      send(r.net, 50000 + f, 10);
    }
    // Fragments after the first carry no ports: map each (id) to the flow of its first fragment.
    const flowOfId = new Map<number, number>();
    const byFlow = new Map<number, number[]>();
    r.members.forEach((m, i) => {
      const views = m.wire.sent.map((p) => new Ipv4PacketView(p));
      for (const v of views) if (v.fragmentOffset === 0) flowOfId.set(v.identification, sourcePort(v));
      for (const v of views) {
        const flow = flowOfId.get(v.identification)!;
        byFlow.set(flow, [...(byFlow.get(flow) ?? []), i]);
      }
    });
    expect(byFlow.size).toBe(40);
    for (const list of byFlow.values()) {
      expect(list).toHaveLength(5);
      expect(new Set(list).size).toBe(1);
    }
    const per = shares(byFlow, 3);
    expect(Math.min(...per)).toBeGreaterThan(0);
  });
});

describe('datagramFlowHash4', () => {
  const packet = (
    sport: number,
    fields: { moreFragments?: boolean; fragmentOffset?: number; protocol?: number } = {},
  ) => ipv4Packet({ src: ip('192.0.2.1'), dst: ip(DST), protocol: 17, ...fields }, udp(sport, 53, 8));
  const hash = (p: Uint8Array, seed = SEED) => datagramFlowHash4(seed, p, 0, p.length);

  it('is deterministic and depends on the ports of an unfragmented datagram and on the seed', () => {
    expect(hash(packet(1000))).toBe(hash(packet(1000)));
    expect(hash(packet(1000))).not.toBe(hash(packet(1001)));
    expect(hash(packet(1000), SEED + 1)).not.toBe(hash(packet(1000)));
  });

  it('ignores the ports of fragments, first and later, so they all agree', () => {
    const first = hash(packet(1000, { moreFragments: true }));
    expect(hash(packet(2000, { moreFragments: true }))).toBe(first);
    expect(hash(packet(1000, { fragmentOffset: 808, moreFragments: true }))).toBe(first);
    expect(hash(packet(3000, { fragmentOffset: 1608 }))).toBe(first);
    expect(first).not.toBe(hash(packet(1000)));
  });

  it('uses no ports for protocols without them', () => {
    expect(hash(packet(1000, { protocol: 47 }))).toBe(hash(packet(2000, { protocol: 47 })));
    expect(hash(packet(1000, { protocol: 6 }))).not.toBe(hash(packet(2000, { protocol: 6 })));
  });

  it('reads the ports after IPv4 options', () => {
    const withOptions = (sport: number) =>
      ipv4Packet(
        { src: ip('192.0.2.1'), dst: ip(DST), protocol: 17, options: Uint8Array.of(1, 1, 1, 0) },
        udp(sport, 53),
      );
    expect(hash(withOptions(1000))).toBe(hash(withOptions(1000)));
    expect(hash(withOptions(1000))).not.toBe(hash(withOptions(1001)));
  });
});

describe('flowHashSeed option', () => {
  it('is checked when the module is made', () => {
    expect(() => ipv4Module({ flowHashSeed: -1 })).toThrow(/flowHashSeed/);
    expect(() => ipv4Module({ flowHashSeed: 2 ** 32 })).toThrow(/flowHashSeed/);
    expect(() => ipv4Module({ flowHashSeed: 0xffffffff })).not.toThrow();
  });
});
