// Answering the sender of a received datagram from its rinfo (UdpSocket.sendToRemote): no address
// text formatted or parsed, the zone of a link-local sender kept, IPv4 senders of dual-stack
// sockets answered over IPv4, and no address object made per datagram for a sender seen before.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AddressFlags, Ipv6Address, ManualClock, type Stack } from '@stack/core';
import { ptpLinkModule, SimNetwork } from '@stack/sim';
import { createSocket, RemoteInfo, type UdpSocket } from '../src/index.js';
import { pair } from './helpers/hosts.js';
import { dualStack, ipv6OnlyStack, pair6 } from './helpers/hosts6.js';

const bytes = (t: string) => Uint8Array.from(t, (c) => c.charCodeAt(0));
const text = (b: Uint8Array) => String.fromCharCode(...b);

/** An echo server on `stack`:`port` answering with sendToRemote; its send results land in `results`. */
function echo(stack: Stack, type: 'udp4' | 'udp6', port: number, results: Array<string | null>, ipv6Only = false): UdpSocket {
  const server = createSocket(stack, type === 'udp6' ? { type, ipv6Only } : { type }).bind(port);
  server.on('message', (msg, rinfo) => results.push(server.sendToRemote(msg, rinfo)));
  return server;
}

/** A client socket and the replies it received, as "text from address:port" (formatted when read). */
function client(stack: Stack, type: 'udp4' | 'udp6'): { sock: UdpSocket; readonly got: string[] } {
  const sock = createSocket(stack, { type });
  const received: Array<[Uint8Array, RemoteInfo]> = [];
  sock.on('message', (m, r) => received.push([m.slice(), r]));
  return {
    sock,
    get got() {
      return received.map(([m, r]) => `${text(m)} from ${r.address}:${r.port}`);
    },
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('UdpSocket.sendToRemote', () => {
  it('answers an IPv4 sender across the wire without formatting its address', () => {
    const { sim, a, b } = pair();
    const results: Array<string | null> = [];
    echo(b, 'udp4', 7, results);
    const c = client(a, 'udp4');
    const formatted = vi.spyOn(RemoteInfo.prototype, 'address', 'get');
    for (const word of ['one', 'two', 'three']) expect(c.sock.send(bytes(word), 7, '192.0.2.2')).toBeNull();
    sim.settle();
    expect(results).toEqual([null, null, null]);
    expect(formatted).not.toHaveBeenCalled(); // the server never read rinfo.address
    formatted.mockRestore();
    expect(c.got).toEqual(['one from 192.0.2.2:7', 'two from 192.0.2.2:7', 'three from 192.0.2.2:7']);
    expect(b.counters.get('udp.out.sent')).toBe(3);
    expect(a.pool.stats.inUse + b.pool.stats.inUse).toBe(0);
  });

  it('answers an IPv6 sender, making its address object once for repeated datagrams', () => {
    const { sim, a, b } = pair6();
    const results: Array<string | null> = [];
    echo(b, 'udp6', 7, results);
    const c = client(a, 'udp6');
    const made = vi.spyOn(Ipv6Address, 'fromWords');
    const formatted = vi.spyOn(RemoteInfo.prototype, 'address', 'get');
    for (let i = 0; i < 5; i++) expect(c.sock.send(bytes(`n${i}`), 7, '2001:db8::2')).toBeNull();
    sim.settle();
    expect(results).toEqual([null, null, null, null, null]);
    expect(made).toHaveBeenCalledTimes(1); // the first reply; later ones reuse it
    expect(formatted).not.toHaveBeenCalled();
    formatted.mockRestore();
    expect(c.got).toEqual([0, 1, 2, 3, 4].map((i) => `n${i} from 2001:db8::2:7`));
  });

  it('answers a link-local sender out of the interface it came in on (its zone, RFC 4007 §6)', () => {
    // s has two links; on each, a neighbour uses the same link-local address fe80::9.
    const clock = new ManualClock();
    const sim = new SimNetwork({ clock });
    const s = ipv6OnlyStack(clock);
    s.load(ptpLinkModule());
    const peers = ['a', 'b'].map((name, i) => {
      const peer = ipv6OnlyStack(clock);
      peer.load(ptpLinkModule());
      const [ds, dp] = sim.linkPair();
      const sideS = s.interfaces.add({ name: `p${i + 1}`, type: 'ptp', driver: ds, flags: 0x8000 });
      const sideP = peer.interfaces.add({ name: 'p1', type: 'ptp', driver: dp, flags: 0x8000 });
      sideS.addAddress({ address: `fe80::${i + 1}/64`, flags: AddressFlags.NODAD });
      sideP.addAddress({ address: 'fe80::9/64', flags: AddressFlags.NODAD });
      return { name, stack: peer, sideS, c: client(peer, 'udp6') };
    });
    const results: Array<string | null> = [];
    const server = echo(s, 'udp6', 7, results);
    const arrivals: string[] = [];
    server.on('message', (_m, r) => arrivals.push(`${r.ifindex}`));
    // With two running links a link-local destination needs its zone: without it there is no route.
    expect(server.send(bytes('?'), 7, 'fe80::9')).toBe('no-route');
    for (const [i, p] of peers.entries()) {
      expect(p.c.sock.send(bytes(`from ${p.name}`), 7, `fe80::${i + 1}%p1`)).toBeNull();
      expect(p.c.sock.send(bytes(`again ${p.name}`), 7, `fe80::${i + 1}%p1`)).toBeNull();
    }
    sim.settle();
    expect(results).toEqual([null, null, null, null]);
    expect(arrivals).toEqual([peers[0].sideS.index, peers[0].sideS.index, peers[1].sideS.index, peers[1].sideS.index].map(String));
    expect(peers[0].c.got).toEqual(['from a from fe80::1%p1:7', 'again a from fe80::1%p1:7']);
    expect(peers[1].c.got).toEqual(['from b from fe80::2%p1:7', 'again b from fe80::2%p1:7']);
  });

  it('answers an IPv4 sender of a dual-stack socket over IPv4, and an IPv6 one over IPv6', () => {
    const stack = dualStack();
    const results: Array<string | null> = [];
    echo(stack, 'udp6', 6000, results);
    const v4 = client(stack, 'udp4');
    const v6 = client(stack, 'udp6');
    const made = vi.spyOn(Ipv6Address, 'fromWords');
    expect(v4.sock.send(bytes('v4'), 6000, '127.0.0.1')).toBeNull();
    expect(v4.sock.send(bytes('v4 again'), 6000, '127.0.0.1')).toBeNull();
    expect(v6.sock.send(bytes('v6'), 6000, '::1')).toBeNull();
    expect(results).toEqual([null, null, null]);
    expect(v4.got).toEqual(['v4 from 127.0.0.1:6000', 'v4 again from 127.0.0.1:6000']);
    expect(v6.got).toEqual(['v6 from ::1:6000']);
    expect(made).toHaveBeenCalledTimes(1); // ::1 only: the IPv4 sender is answered as 127.0.0.1
    expect(stack.pool.stats.inUse).toBe(0);
  });

  it('keeps senders apart when they share a reply cache slot', () => {
    const stack = ipv6OnlyStack();
    const server = createSocket(stack, { type: 'udp6' }).bind(5000);
    const sent: string[] = [];
    const receiver = createSocket(stack, { type: 'udp6' }).bind(5001);
    receiver.on('message', (m) => sent.push(text(m)));
    // Remote infos built by hand (as delivery builds them): ::1 (reachable) between 256 senders
    // without a route, so some of them share its slot; each answer must go to its own sender.
    const answer = (address: string) => server.sendToRemote(bytes(address), new RemoteInfo('ipv6', Ipv6Address.parse(address).toBytes(), 5001, 1, 1));
    for (let i = 0; i < 256; i++) {
      expect(answer(`2001:db8::${i.toString(16)}`)).toBe('no-route');
      expect(answer('::1')).toBeNull();
    }
    expect(sent).toHaveLength(256);
    expect(new Set(sent)).toEqual(new Set(['::1']));
  });

  it('refuses what it cannot answer: port 0, another family, a connected or closed socket', () => {
    const stack = dualStack();
    const v4 = new RemoteInfo('ipv4', Uint8Array.of(127, 0, 0, 1), 5000, 1, 1);
    const v6 = new RemoteInfo('ipv6', Ipv6Address.LOOPBACK.toBytes(), 5000, 1, 1);
    const udp4 = createSocket(stack, { type: 'udp4' });
    const udp6 = createSocket(stack, { type: 'udp6' });
    expect(udp4.sendToRemote(bytes('x'), new RemoteInfo('ipv4', Uint8Array.of(127, 0, 0, 1), 0, 1, 1))).toBe('bad-port');
    expect(() => udp4.sendToRemote(bytes('x'), v6)).toThrow(TypeError);
    expect(() => udp6.sendToRemote(bytes('x'), v4)).toThrow(/rinfo: an IPv4 sender cannot be answered from a udp6 socket/);
    expect(() => udp4.sendToRemote(bytes('x'), { family: 'IPv4', address: '127.0.0.1', port: 1, size: 1, ifindex: 1 } as unknown as RemoteInfo)).toThrow(/RemoteInfo/);
    udp4.connect(5000, '127.0.0.1');
    expect(udp4.sendToRemote(bytes('x'), v4)).toBe('already-connected');
    udp6.close();
    expect(udp6.sendToRemote(bytes('x'), v6)).toBe('socket-closed');
    expect(stack.counters.get('udp.out.errors')).toBe(1); // bad-port; the rest never tried to send
  });
});
