import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AddressFlags,
  createStack,
  Ipv6Address,
  ManualClock,
  NetworkProtocolService,
  RouteTablesService,
  type NetInterface,
  type NetworkProtocol,
  type Stack,
} from '@stack/core';
import { fibModule } from '@stack/fib';
import { ptpLinkModule, PtpDriver } from '@stack/sim';
import { ipv6Module, Ipv6NextHeader } from '../src/index.js';
import { composeIpv6Module } from '../src/ipv6-module.js';
import { packetFlowHash6 } from '../src/flow-hash.js';
import { fakeNdFactory } from './helpers/fake-nd.js';
import { ipv6Packet, type Ext } from './helpers/packets.js';
import { connect, makeHost, world } from './helpers/scenario.js';

const addr = (t: string) => Ipv6Address.parse(t);
const SEED = 0x7c3a91e5;
const DST = '2001:db8:b::7';

// Senders label their packets with a keyed hash whose key comes from crypto.getRandomValues
// (RFC 6437 §3); fixed "random" bytes make those labels, hence the paths, the same in every run.
interface RandomSource {
  getRandomValues(array: ArrayBufferView): ArrayBufferView;
}
beforeEach(() => {
  let x = 0x9e3779b9;
  const crypto = (globalThis as unknown as { crypto: RandomSource }).crypto;
  vi.spyOn(crypto, 'getRandomValues').mockImplementation((array) => {
    const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
    for (let i = 0; i < bytes.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      bytes[i] = x;
    }
    return array;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** An 8-byte UDP header (ports, length; checksum left 0: nothing on the way checks it) and `size` bytes. */
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

/** What tests read of a packet that left the router. */
interface Seen {
  readonly src: string;
  readonly label: number;
  /** Fragment identification, or -1 when not a fragment. */
  readonly id: number;
  readonly offset: number;
  /** UDP source port when the packet holds the UDP header, else -1. */
  readonly sport: number;
}

function seen(p: Uint8Array): Seen {
  const label = ((p[1] & 0x0f) << 16) | (p[2] << 8) | p[3];
  const src = Ipv6Address.fromBytes(p, 8).toString();
  let nh = p[6];
  let at = 40;
  // Hop-by-Hop, Destination Options, Routing: (length + 1) × 8 bytes.
  while (nh === 0 || nh === 60 || nh === 43) {
    nh = p[at];
    at += (p[at + 1] + 1) * 8;
  }
  if (nh !== Ipv6NextHeader.FRAGMENT)
    return { src, label, id: -1, offset: 0, sport: nh === Ipv6NextHeader.UDP ? (p[at] << 8) | p[at + 1] : -1 };
  const offset = ((p[at + 2] << 8) | p[at + 3]) & 0xfff8;
  const id = ((p[at + 4] << 24) | (p[at + 5] << 16) | (p[at + 6] << 8) | p[at + 7]) >>> 0;
  return {
    src,
    label,
    id,
    offset,
    sport: offset === 0 && p[at] === Ipv6NextHeader.UDP ? (p[at + 8] << 8) | p[at + 9] : -1,
  };
}

interface Member {
  readonly ifp: NetInterface;
  readonly wire: PtpDriver;
}

/** Adds out1..outN (2001:db8:i::1/64, raw @stack/sim drivers) and 2001:db8:b::/48 as one ECMP route through fe80::2 on each. */
function addMembers(stack: Stack, count: number, mtu = 1500): Member[] {
  const members: Member[] = [];
  for (let i = 1; i <= count; i++) {
    const wire = new PtpDriver({ name: `out${i}`, protocol: 0x86dd, mtu });
    const ifp = stack.interfaces.add({ name: `out${i}`, type: 'ptp', driver: wire, flags: 0x8000 });
    ifp.addAddress({ address: `2001:db8:${i}::1/64`, flags: AddressFlags.NODAD });
    members.push({ ifp, wire });
  }
  stack.services.get(RouteTablesService).add(0, {
    prefix: addr('2001:db8:b::'),
    prefixLength: 48,
    gateway: addr('fe80::2'),
    ifindex: members[0].ifp.index,
    multipath: members.slice(1).map((m) => ({ gateway: addr('fe80::2'), ifindex: m.ifp.index })),
  });
  return members;
}

/** Each packet that left through a member, with the member's index. */
function takeAll(members: Member[]): Array<[Seen, number]> {
  const out: Array<[Seen, number]> = [];
  members.forEach((m, i) => {
    for (const p of m.wire.take()) out.push([seen(p), i]);
  });
  return out;
}

/** Members taken per key; every key must have taken exactly one member. Returns the share of each member. */
function shares(
  packets: Array<[Seen, number]>,
  key: (s: Seen) => string | number,
  count: number,
): { per: number[]; byKey: Map<string | number, number[]> } {
  const byKey = new Map<string | number, number[]>();
  for (const [s, i] of packets) byKey.set(key(s), [...(byKey.get(key(s)) ?? []), i]);
  const per = new Array<number>(count).fill(0);
  for (const [k, list] of byKey) {
    expect(new Set(list).size, `flow ${String(k)} took one member`).toBe(1);
    per[list[0]]++;
  }
  return { per, byKey };
}

/** The flow (UDP source port) of a packet; fragments after the first by their first fragment's. */
function flowOf(packets: Array<[Seen, number]>): (s: Seen) => number {
  const byId = new Map<number, number>();
  for (const [s] of packets) if (s.id >= 0 && s.offset === 0) byId.set(s.id, s.sport);
  return (s) => (s.id >= 0 ? byId.get(s.id)! : s.sport);
}

/** A router (forwarding, fake ND) with a raw input link "in0" and `count` ECMP members. */
function router(count: number) {
  const clock = new ManualClock();
  const stack = createStack({ name: 'r', clock });
  stack.load(fibModule());
  stack.load(ptpLinkModule());
  stack.load(composeIpv6Module({ forwarding: true, flowHashSeed: SEED }, fakeNdFactory()));
  const wire = new PtpDriver({ name: 'in0', protocol: 0x86dd });
  stack.interfaces
    .add({ name: 'in0', type: 'ptp', driver: wire, flags: 0x8000 })
    .addAddress({ address: '2001:db8:a::fe/64', flags: AddressFlags.NODAD });
  const members = addMembers(stack, count);
  return { stack, wire, members, net: stack.services.get(NetworkProtocolService, 'ipv6') };
}

describe('ECMP flow hashing (forwarding)', () => {
  it('spreads 200 unlabelled UDP flows that differ only in the source port over both members, at least 25% each', () => {
    const r = router(2);
    for (let i = 0; i < 200; i++)
      r.wire.inject([ipv6Packet({ src: '2001:db8:a::1', dst: DST, nextHeader: 17, payload: udp(20000 + i, 53) })]);
    const { per } = shares(takeAll(r.members), (s) => s.sport, 2);
    expect(per[0] + per[1]).toBe(200);
    expect(Math.min(...per)).toBeGreaterThanOrEqual(50);
    expect(r.stack.counters.get('ipv6.in.forwarded')).toBe(200);
  });

  it('finds the ports of an unlabelled packet behind extension headers', () => {
    const r = router(2);
    const ext: Ext[] = [
      { kind: 'hop-by-hop', options: [] },
      { kind: 'destination', options: [] },
    ];
    for (let i = 0; i < 200; i++)
      r.wire.inject([ipv6Packet({ src: '2001:db8:a::1', dst: DST, nextHeader: 17, ext, payload: udp(20000 + i, 53) })]);
    const { per } = shares(takeAll(r.members), (s) => s.sport, 2);
    expect(per[0] + per[1]).toBe(200);
    expect(Math.min(...per)).toBeGreaterThanOrEqual(50);
  });

  it('hashes a non-zero flow label with the addresses only (RFC 6438 §3): labels spread, ports do not matter', () => {
    const r = router(3);
    for (let label = 1; label <= 300; label++) {
      // Each label is one flow; its packets differ in ports, which a labelled packet's hash ignores.
      for (let n = 0; n < 3; n++)
        r.wire.inject([
          ipv6Packet({
            src: '2001:db8:a::1',
            dst: DST,
            nextHeader: 17,
            flowLabel: label * 3001,
            payload: udp(1000 + n * 7, 53 + n),
          }),
        ]);
    }
    const { per, byKey } = shares(takeAll(r.members), (s) => s.label, 3);
    expect(byKey.size).toBe(300);
    for (const list of byKey.values()) expect(list).toHaveLength(3);
    expect(Math.min(...per)).toBeGreaterThanOrEqual(50);
  });

  it('sends every fragment of an unlabelled packet, first and later, the same way, and spreads packets by address', () => {
    const r = router(2);
    const payload = udp(4242, 53, 1992);
    for (let i = 1; i <= 100; i++) {
      const src = `2001:db8:a::${i.toString(16)}`;
      const frag = (offset: number, length: number, more: boolean) =>
        ipv6Packet({
          src,
          dst: DST,
          nextHeader: 17,
          ext: [{ kind: 'fragment', offset, more, id: i }],
          payload: payload.subarray(offset, offset + length),
        });
      r.wire.inject([frag(0, 808, true), frag(808, 800, true), frag(1608, 392, false)]);
    }
    const { per, byKey } = shares(takeAll(r.members), (s) => s.id, 2);
    expect(byKey.size).toBe(100);
    for (const list of byKey.values()) expect(list).toHaveLength(3);
    expect(Math.min(...per)).toBeGreaterThanOrEqual(25);
  });

  it('keeps the flows of a sender on one member each, fragments included, across a simulated link', () => {
    // a (2001:db8:a::1) — r, over an @stack/sim cable; a labels and fragments, r forwards by label.
    const { clock, sim } = world();
    const a = makeHost(clock, 'a');
    const r = makeHost(clock, 'r', { forwarding: true, flowHashSeed: SEED });
    const [ia] = connect(sim, a, '2001:db8:a::1/64', r, '2001:db8:a::fe/64');
    a.stack.services
      .get(RouteTablesService)
      .add(0, { prefix: addr('::'), prefixLength: 0, gateway: addr('2001:db8:a::fe'), ifindex: ia.index });
    const members = addMembers(r.stack, 2);
    for (let f = 0; f < 100; f++) {
      sendUdp(a.net, 30000 + f, 100);
      sendUdp(a.net, 30000 + f, 2800); // two fragments over MTU 1500
    }
    sim.settle();
    const packets = takeAll(members);
    expect(packets).toHaveLength(300);
    expect(packets.every(([s]) => s.label !== 0)).toBe(true);
    const { per, byKey } = shares(packets, flowOf(packets), 2);
    expect(byKey.size).toBe(100);
    for (const list of byKey.values()) expect(list).toHaveLength(3);
    expect(Math.min(...per)).toBeGreaterThanOrEqual(25);
    expect(r.counter('ipv6.in.forwarded')).toBe(300);
  });
});

function sendUdp(net: NetworkProtocol, sport: number, size: number): void {
  const req = { destination: addr(DST), protocol: 17 };
  const buf = net.allocate(req, 8 + size);
  if (typeof buf === 'string') throw new Error(buf);
  buf.data.set(udp(sport, 9, size), buf.start);
  expect(net.send(buf, req)).toBeNull();
}

describe('ECMP flow hashing (locally originated)', () => {
  it('spreads 200 flows over two members, at least 25% each', () => {
    const r = router(2);
    for (let i = 0; i < 200; i++) sendUdp(r.net, 10000 + i, 16);
    const { per } = shares(takeAll(r.members), (s) => s.sport, 2);
    expect(per[0] + per[1]).toBe(200);
    expect(Math.min(...per)).toBeGreaterThanOrEqual(50);
  });

  it('sends every packet of a flow and all fragments of its large ones through one member', () => {
    const r = router(3);
    for (let f = 0; f < 40; f++) {
      sendUdp(r.net, 50000 + f, 100);
      sendUdp(r.net, 50000 + f, 3000); // three fragments over MTU 1500
      sendUdp(r.net, 50000 + f, 10);
    }
    const packets = takeAll(r.members);
    const { per, byKey } = shares(packets, flowOf(packets), 3);
    expect(byKey.size).toBe(40);
    for (const list of byKey.values()) expect(list).toHaveLength(5);
    expect(Math.min(...per)).toBeGreaterThan(0);
  });
});

describe('packetFlowHash6', () => {
  const packet = (sport: number, extra: { flowLabel?: number; ext?: Ext[]; nextHeader?: number; src?: string } = {}) =>
    ipv6Packet({
      src: extra.src ?? '2001:db8:a::1',
      dst: DST,
      nextHeader: extra.nextHeader ?? 17,
      flowLabel: extra.flowLabel,
      ext: extra.ext,
      payload: udp(sport, 53, 8),
    });
  const hash = (p: Uint8Array, maxHeaders = 8, seed = SEED) => packetFlowHash6(seed, p, 0, p.length, maxHeaders);
  const fragment = (offset: number, more: boolean): Ext[] => [{ kind: 'fragment', offset, more, id: 7 }];

  it('is deterministic and depends on the ports of an unlabelled packet and on the seed', () => {
    expect(hash(packet(1000))).toBe(hash(packet(1000)));
    expect(hash(packet(1000))).not.toBe(hash(packet(1001)));
    expect(hash(packet(1000), 8, SEED + 1)).not.toBe(hash(packet(1000)));
    expect(hash(packet(1000, { src: '2001:db8:a::2' }))).not.toBe(hash(packet(1000)));
  });

  it('uses a non-zero label with the addresses and ignores the rest', () => {
    const labelled = hash(packet(1000, { flowLabel: 0xabcde }));
    expect(hash(packet(2000, { flowLabel: 0xabcde, nextHeader: 6 }))).toBe(labelled);
    expect(hash(packet(2000, { flowLabel: 0xabcde, ext: fragment(800, false) }))).toBe(labelled);
    expect(hash(packet(1000, { flowLabel: 0xabcdf }))).not.toBe(labelled);
    expect(hash(packet(1000))).not.toBe(labelled);
  });

  it('ignores the ports of unlabelled fragments, first and later, so they all agree', () => {
    const first = hash(packet(1000, { ext: fragment(0, true) }));
    expect(hash(packet(2000, { ext: fragment(0, true) }))).toBe(first);
    expect(hash(packet(3000, { ext: fragment(808, true) }))).toBe(first);
    expect(hash(packet(4000, { ext: fragment(1608, false) }))).toBe(first);
    expect(first).not.toBe(hash(packet(1000)));
  });

  it('walks at most maxHeaders extension headers, and uses no ports for protocols without them', () => {
    const ext: Ext[] = [
      { kind: 'hop-by-hop', options: [] },
      { kind: 'destination', options: [] },
    ];
    expect(hash(packet(1000, { ext }))).not.toBe(hash(packet(1001, { ext })));
    expect(hash(packet(1000, { ext }), 1)).toBe(hash(packet(1001, { ext }), 1));
    expect(hash(packet(1000, { nextHeader: 58 }))).toBe(hash(packet(1001, { nextHeader: 58 })));
  });

  it('never reads past the end of a packet cut short', () => {
    const p = packet(1000, { ext: [{ kind: 'hop-by-hop', options: [] }] });
    for (let end = 40; end <= p.length; end++) expect(Number.isInteger(packetFlowHash6(SEED, p, 0, end, 8))).toBe(true);
    expect(packetFlowHash6(SEED, p, 0, 50, 8)).toBe(
      packetFlowHash6(SEED, packet(2000, { ext: [{ kind: 'hop-by-hop', options: [] }] }), 0, 50, 8),
    );
  });
});

describe('flowHashSeed option', () => {
  it('is checked when the module is made', () => {
    expect(() => ipv6Module({ flowHashSeed: -1 })).toThrow(/flowHashSeed/);
    expect(() => ipv6Module({ flowHashSeed: 1.5 })).toThrow(/flowHashSeed/);
    expect(() => ipv6Module({ flowHashSeed: 0 })).not.toThrow();
  });
});
