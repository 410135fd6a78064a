// UdpSocket.setDontFragment (IP_PMTUDISC_DO / IPV6_DONTFRAG): DF on the wire, path MTU discovery
// through a router with a narrower link (RFC 1191), 'message-too-long' above the path MTU, and
// IPv6's refusal to fragment locally. In-memory links, manual clock.
import { describe, expect, it } from 'vitest';
import { createStack, Ipv4Address, ManualClock, NetworkProtocolService, RouteTablesService, type NetInterface, type Stack } from '@stack/core';
import { fibModule } from '@stack/fib';
import { Ipv4ControlService, Ipv4PacketView, ipv4Module, type Ipv4ModuleOptions } from '@stack/ipv4';
import { PTP_HEADER_LENGTH, ptpLinkModule, SimNetwork, type SimEndpoint } from '@stack/sim';
import { createSocket, udpModule, type UdpSocketError } from '../src/index.js';
import { pair6 } from './helpers/hosts6.js';

const A = '192.0.2.1';
const FAR = '198.51.100.1';

function host(clock: ManualClock, name: string, options?: Ipv4ModuleOptions): Stack {
  const stack = createStack({ clock, name });
  stack.load(fibModule());
  stack.load(ptpLinkModule());
  stack.load(ipv4Module(options));
  stack.load(udpModule());
  return stack;
}

function cable(sim: SimNetwork, a: Stack, aAddr: string, b: Stack, bAddr: string, mtu: number): [NetInterface, NetInterface] {
  const [da, db] = sim.linkPair({ mtu });
  const ia = a.interfaces.add({ name: `p${a.interfaces.size}`, type: 'ptp', driver: da });
  const ib = b.interfaces.add({ name: `p${b.interfaces.size}`, type: 'ptp', driver: db });
  ia.addAddress({ address: aAddr });
  ib.addAddress({ address: bAddr });
  return [ia, ib];
}

/** A (192.0.2.1) — R (forwarding) — B (198.51.100.1); A—R has MTU 1500, R—B 1000. */
function routed() {
  const clock = new ManualClock();
  const sim = new SimNetwork({ clock });
  const a = host(clock, 'a');
  const r = host(clock, 'r', { forwarding: true });
  const b = host(clock, 'b');
  const [pa] = cable(sim, a, `${A}/24`, r, '192.0.2.254/24', 1500);
  const [, pb] = cable(sim, r, '198.51.100.254/24', b, `${FAR}/24`, 1000);
  const route = (s: Stack, gateway: string, ifindex: number) =>
    s.services.get(RouteTablesService).add(0, { prefix: Ipv4Address.parse('0.0.0.0'), prefixLength: 0, gateway: Ipv4Address.parse(gateway), ifindex });
  route(a, '192.0.2.254', pa.index);
  route(b, '198.51.100.254', pb.index);
  // Every IPv4 packet A puts on its wire, decoded.
  const wire: Ipv4PacketView[] = [];
  (pa.driver as SimEndpoint).observe((direction, data, start, length) => {
    if (direction === 'tx') wire.push(new Ipv4PacketView(data.slice(start + PTP_HEADER_LENGTH, start + length)));
  });
  const server = createSocket(b, { type: 'udp4' }).bind(7);
  const received: number[] = [];
  server.on('message', (m) => received.push(m.length));
  return { sim, a, r, b, wire, received };
}

describe("UdpSocket.setDontFragment (IP_PMTUDISC_DO)", () => {
  it('is off by default: a datagram over the path MTU is fragmented on the way and delivered', () => {
    const { sim, a, r, wire, received } = routed();
    const s = createSocket(a, { type: 'udp4' });
    expect(s.getDontFragment()).toBe(false);
    expect(s.send(new Uint8Array(1400), 7, FAR)).toBeNull();
    sim.settle();
    expect(wire.map((v) => [v.totalLength, v.dontFragment])).toEqual([[1428, false]]);
    expect(r.counters.get('ipv4.out.fragments-created')).toBe(2);
    expect(received).toEqual([1400]);
  });

  it('sets DF, learns the path MTU from fragmentation needed, then refuses with message-too-long', () => {
    const { sim, a, r, wire, received } = routed();
    const s = createSocket(a, { type: 'udp4' }).connect(7, FAR);
    const errors: UdpSocketError[] = [];
    s.on('error', (e) => errors.push(e));
    s.setDontFragment(true);
    expect(s.getDontFragment()).toBe(true);
    // Fits A's 1500-byte link: leaves with DF; R cannot forward it over 1000 bytes and says so.
    expect(s.send(new Uint8Array(1400))).toBeNull();
    sim.settle();
    expect(wire.map((v) => [v.check(), v.totalLength, v.dontFragment, v.moreFragments])).toEqual([[null, 1428, true, false]]);
    expect(r.counters.get('ipv4.in.frag-needed')).toBe(1);
    expect(received).toEqual([]);
    // The connected socket hears of it (EMSGSIZE), and the stack now knows the path MTU.
    expect(errors.map((e) => e.code)).toEqual(['EMSGSIZE']);
    expect(a.services.get(Ipv4ControlService).pathMtus()).toEqual([{ destination: FAR, mtu: 1000, expiresIn: 600_000 }]);
    const net = a.services.get(NetworkProtocolService, 'ipv4');
    expect(net.pathMtu(Ipv4Address.parse(FAR))).toBe(1000);

    // Above the learnt MTU: refused locally, nothing on the wire.
    wire.length = 0;
    const before = a.counters.get('udp.out.errors');
    expect(s.send(new Uint8Array(1000 - 28 + 1))).toBe('message-too-long');
    expect(a.counters.get('udp.out.errors')).toBe(before + 1);
    sim.settle();
    expect(wire).toEqual([]);
    // Exactly the path MTU: sent with DF and delivered.
    expect(s.send(new Uint8Array(1000 - 28))).toBeNull();
    sim.settle();
    expect(wire.map((v) => [v.totalLength, v.dontFragment])).toEqual([[1000, true]]);
    expect(received).toEqual([972]);

    // Off again: the sender fragments to the learnt MTU itself, without DF.
    s.setDontFragment(false);
    wire.length = 0;
    expect(s.send(new Uint8Array(1400))).toBeNull();
    sim.settle();
    expect(wire.map((v) => [v.totalLength, v.fragmentOffset, v.moreFragments, v.dontFragment])).toEqual([
      [996, 0, true, false],
      [452, 976, false, false],
    ]);
    expect(received).toEqual([972, 1400]);
    expect(r.counters.get('ipv4.out.fragments-created')).toBe(0);
  });

  it('refuses above the link MTU at once, on unconnected sends and sendToRemote alike', () => {
    const { sim, a, b, wire } = routed();
    const s = createSocket(a, { type: 'udp4' }).bind(9000);
    s.setDontFragment(true);
    expect(s.send(new Uint8Array(1473), 7, FAR)).toBe('message-too-long'); // 1473 + 28 > 1500
    expect(wire).toEqual([]);
    // A server answering with DF over its 1000-byte link: sendToRemote refuses a 1200-byte reply.
    const server = createSocket(b, { type: 'udp4' }).bind(9);
    server.setDontFragment(true);
    const answers: Array<string | null> = [];
    server.on('message', (m, rinfo) => answers.push(server.sendToRemote(new Uint8Array(m.length === 1 ? 972 : 1200), rinfo)));
    expect(s.send(new Uint8Array(1), 9, FAR)).toBeNull();
    expect(s.send(new Uint8Array(2), 9, FAR)).toBeNull();
    sim.settle();
    expect(answers).toEqual([null, 'message-too-long']);
    expect(b.counters.get('udp.out.errors')).toBe(1);
  });

  it('takes only a boolean', () => {
    const { a } = routed();
    expect(() => createSocket(a, { type: 'udp4' }).setDontFragment(1 as unknown as boolean)).toThrow(/dontFragment: must be a boolean/);
  });

  it('over IPv6: refuses to fragment locally above the path MTU, fragments when off', () => {
    const { sim, a, b } = pair6();
    const server = createSocket(b, { type: 'udp6' }).bind(7);
    const received: number[] = [];
    server.on('message', (m) => received.push(m.length));
    const s = createSocket(a, { type: 'udp6' });
    s.setDontFragment(true);
    // 40 + 8 + 1452 = 1500: fits the link; one byte more does not, and is not fragmented.
    expect(s.send(new Uint8Array(1452), 7, '2001:db8::2')).toBeNull();
    expect(s.send(new Uint8Array(1453), 7, '2001:db8::2')).toBe('message-too-long');
    sim.settle();
    expect(received).toEqual([1452]);
    expect(a.counters.get('ipv6.out.fragmented')).toBe(0);
    s.setDontFragment(false);
    expect(s.send(new Uint8Array(1453), 7, '2001:db8::2')).toBeNull();
    sim.settle();
    expect(received).toEqual([1452, 1453]);
    expect(a.counters.get('ipv6.out.fragmented')).toBe(1);
  });
});
