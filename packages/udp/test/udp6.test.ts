import { describe, expect, it } from 'vitest';
import { AddressFlags, internetChecksum, Ipv6Address, NetworkProtocolService, pseudoHeaderSum6, RouteTablesService, TransportService, type LinkDriver, type LinkDriverSink } from '@stack/core';
import { Ipv6ControlService } from '@stack/ipv6-nd';
import { ptpLinkModule } from '@stack/sim';
import { createSocket, type UdpSocketError, type RemoteInfo } from '../src/index.js';
import { dualStack, ipv6OnlyStack, pair6 } from './helpers/hosts6.js';

const bytes = (t: string) => Uint8Array.from(t, (c) => c.charCodeAt(0));
const text = (b: Uint8Array) => String.fromCharCode(...b);

describe('UDP over IPv6', () => {
  it('works on a stack with IPv6 alone, no IPv4 loaded', () => {
    const stack = ipv6OnlyStack();
    expect(stack.services.tryGet(NetworkProtocolService, 'ipv4')).toBeUndefined();
    const server = createSocket(stack, { type: 'udp6' }).bind(5000);
    const got: Array<[string, string, string]> = [];
    server.on('message', (m, r) => {
      got.push([text(m), r.address, r.family]);
      server.send(bytes('pong'), r.port, r.address);
    });
    const client = createSocket(stack, { type: 'udp6' });
    const replies: string[] = [];
    client.on('message', (m) => replies.push(text(m)));
    expect(client.send(bytes('ping'), 5000, '::1')).toBeNull();
    expect(client.send(bytes('ping2'), 5000)).toBeNull(); // default destination: ::1, as Node
    expect(got).toEqual([
      ['ping', '::1', 'IPv6'],
      ['ping2', '::1', 'IPv6'],
    ]);
    expect(replies).toEqual(['pong', 'pong']);
    expect(server.address()).toEqual({ address: '::', family: 'IPv6', port: 5000 });
    expect(createSocket(stack, { type: 'udp4' }).send(bytes('x'), 1, '127.0.0.1')).toBe('no-network-protocol');
    expect(stack.counters.get('udp.in.bad-checksum') + stack.counters.get('udp.in.missing-checksum')).toBe(0);
    expect(stack.pool.stats.inUse).toBe(0);
  });

  it('answers a closed port with ICMPv6 port unreachable, delivered to the connected socket as ECONNREFUSED', () => {
    const stack = ipv6OnlyStack();
    const client = createSocket(stack, { type: 'udp6' }).connect(9, '::1');
    const errors: UdpSocketError[] = [];
    client.on('error', (e) => errors.push(e));
    expect(client.send(bytes('anyone?'))).toBeNull();
    expect(errors.map((e) => e.code)).toEqual(['ECONNREFUSED']);
    expect(stack.counters.get('icmp6.out.destination-unreachable')).toBe(1);
    expect(stack.counters.get('udp.in.icmp-errors')).toBe(1);
    expect(client.remoteAddress()).toEqual({ address: '::1', family: 'IPv6', port: 9 });
  });

  it('checks and fills the mandatory checksum between two stacks (RFC 8200 §8.1)', () => {
    const { sim, a, b } = pair6();
    const server = createSocket(b, { type: 'udp6' }).bind(4000, '2001:db8::2');
    const got: Array<[string, string]> = [];
    server.on('message', (m, r) => got.push([text(m), r.address]));
    expect(createSocket(a, { type: 'udp6' }).send(bytes('hello'), 4000, '2001:db8::2')).toBeNull();
    sim.settle();
    expect(got).toEqual([['hello', '2001:db8::1']]);
    expect(b.counters.get('udp.in.delivered')).toBe(1);
  });

  it('sends to a link-local address with a zone and reports the zone in rinfo', () => {
    const { sim, a, b } = pair6();
    const server = createSocket(b, { type: 'udp6' }).bind(4000);
    const got: RemoteInfo[] = [];
    server.on('message', (_m, r) => {
      got.push(r);
      server.send(bytes('back'), r.port, r.address);
    });
    const client = createSocket(a, { type: 'udp6' });
    const back: string[] = [];
    client.on('message', (_m, r) => back.push(r.address));
    expect(client.send(bytes('x'), 4000, 'fe80::2%p1')).toBeNull();
    expect(client.send(bytes('y'), 4000, 'fe80::2%2')).toBeNull();
    expect(() => client.send(bytes('z'), 4000, 'fe80::2%nope')).toThrow(/zone/);
    sim.settle();
    expect(got.map((r) => [r.address, r.ifindex])).toEqual([
      ['fe80::1%p1', 2],
      ['fe80::1%p1', 2],
    ]);
    expect(back).toEqual(['fe80::2%p1', 'fe80::2%p1']);
  });

  it('sends a 4000-byte datagram over a 1500-byte MTU (fragmented and reassembled)', () => {
    const { sim, a, b } = pair6();
    const server = createSocket(b, { type: 'udp6' }).bind(4000);
    const got: Uint8Array[] = [];
    server.on('message', (m) => got.push(m));
    const payload = Uint8Array.from({ length: 4000 }, (_, i) => (i * 7) & 0xff);
    expect(createSocket(a, { type: 'udp6' }).send(payload, 4000, '2001:db8::2')).toBeNull();
    sim.settle();
    expect(got).toEqual([payload]);
    expect(a.counters.get('ipv6.out.fragments-created')).toBe(3);
    expect(b.counters.get('ipv6.reass.ok')).toBe(1);
  });

  it('receives multicast after addMembership on a named interface, on every socket of the port', () => {
    const { sim, a, b } = pair6();
    const one = createSocket(b, { type: 'udp6', reuseAddr: true }).bind(5353);
    const two = createSocket(b, { type: 'udp6', reuseAddr: true }).bind(5353);
    const got: string[] = [];
    one.on('message', (m) => got.push(`1:${text(m)}`));
    two.on('message', (m) => got.push(`2:${text(m)}`));
    const client = createSocket(a, { type: 'udp6' });
    client.setMulticastInterface('::%p1');
    expect(client.send(bytes('early'), 5353, 'ff12::1')).toBeNull();
    sim.settle();
    expect(got).toEqual([]);
    one.addMembership('ff12::1', '::%p1');
    expect(client.send(bytes('m'), 5353, 'ff12::1')).toBeNull();
    sim.settle();
    expect(got.sort()).toEqual(['1:m', '2:m']);
    // A multicast to a closed port is never answered with an ICMPv6 error.
    client.send(bytes('closed'), 5354, 'ff12::1');
    sim.settle();
    expect(b.counters.get('icmp6.out.destination-unreachable')).toBe(0);
    one.dropMembership('ff12::1');
    client.send(bytes('late'), 5353, 'ff12::1');
    sim.settle();
    expect(got).toHaveLength(2);
  });

  it('reports ICMPv6 errors from a router to the connected socket (no route → ENETUNREACH)', () => {
    const { sim, a, b } = pair6();
    b.services.get(Ipv6ControlService).forwarding = true;
    a.services.get(RouteTablesService).add(0, { prefix: Ipv6Address.parse('2001:db8:99::'), prefixLength: 48, gateway: Ipv6Address.parse('fe80::2'), ifindex: 2 });
    const client = createSocket(a, { type: 'udp6' }).connect(53, '2001:db8:99::1');
    const codes: string[] = [];
    client.on('error', (e) => codes.push(e.code));
    expect(client.send(bytes('q'))).toBeNull();
    sim.settle();
    expect(codes).toEqual(['ENETUNREACH']);
  });

  it('lists udp6 endpoints', () => {
    const stack = ipv6OnlyStack();
    createSocket(stack, { type: 'udp6' }).bind(7, '::1').connect(9, '::1');
    expect(stack.services.get(TransportService, 'udp').listEndpoints()).toEqual([
      { protocol: 'udp6', localAddress: '::1', localPort: 7, remoteAddress: '::1', remotePort: 9, state: 'CONNECTED', fib: 0 },
    ]);
  });
});

describe('dual-stack UDP (Node dgram semantics: a udp6 socket takes IPv4 unless ipv6Only)', () => {
  it('receives IPv4 datagrams on a udp6 socket bound to :: as IPv4-mapped sources, and answers over IPv4', () => {
    const stack = dualStack();
    const server = createSocket(stack, { type: 'udp6' }).bind(6000);
    const got: Array<[string, string]> = [];
    server.on('message', (m, r) => {
      got.push([text(m), r.address]);
      server.send(bytes('re'), r.port, r.address);
    });
    const client = createSocket(stack, { type: 'udp4' });
    const replies: Array<[string, string]> = [];
    client.on('message', (m, r) => replies.push([text(m), r.address]));
    expect(client.send(bytes('v4'), 6000, '127.0.0.1')).toBeNull();
    expect(got).toEqual([['v4', '::ffff:127.0.0.1']]);
    expect(replies).toEqual([['re', '127.0.0.1']]);
    expect(createSocket(stack, { type: 'udp6' }).send(bytes('v6'), 6000, '::1')).toBeNull();
    expect(got[1]).toEqual(['v6', '::1']);
  });

  it('prefers a udp4 socket over a dual-stack one at equal specificity; an ipv6Only socket takes no IPv4', () => {
    const stack = dualStack();
    const only = createSocket(stack, { type: 'udp6', ipv6Only: true }).bind(6100);
    const v4 = createSocket(stack, { type: 'udp4' }).bind(6100);
    const got: string[] = [];
    only.on('message', (m) => got.push(`6:${text(m)}`));
    v4.on('message', (m) => got.push(`4:${text(m)}`));
    createSocket(stack, { type: 'udp4' }).send(bytes('a'), 6100, '127.0.0.1');
    createSocket(stack, { type: 'udp6' }).send(bytes('b'), 6100, '::1');
    expect(got).toEqual(['4:a', '6:b']);
    const dual = createSocket(stack, { type: 'udp6', reuseAddr: true }).bind(6200, '::ffff:127.0.0.1');
    const wild4 = createSocket(stack, { type: 'udp4', reuseAddr: true }).bind(6200);
    const seen: string[] = [];
    dual.on('message', () => seen.push('dual'));
    wild4.on('message', () => seen.push('v4'));
    createSocket(stack, { type: 'udp4' }).send(bytes('c'), 6200, '127.0.0.1');
    expect(seen).toEqual(['dual']); // bound to the address beats the wildcard
  });

  it('shares the port space: a dual-stack bind conflicts with a udp4 bind of the same port', () => {
    const stack = dualStack();
    createSocket(stack, { type: 'udp4' }).bind(7000);
    expect(() => createSocket(stack, { type: 'udp6' }).bind(7000)).toThrow(/EADDRINUSE/);
    expect(() => createSocket(stack, { type: 'udp6', ipv6Only: true }).bind(7000)).not.toThrow();
    createSocket(stack, { type: 'udp6' }).bind(7001);
    expect(() => createSocket(stack, { type: 'udp4' }).bind(7001, '127.0.0.1')).toThrow(/EADDRINUSE/);
    expect(() => createSocket(stack, { type: 'udp6', ipv6Only: true }).bind(7002, '::ffff:127.0.0.1')).toThrow(/EADDRNOTAVAIL/);
    expect(() => createSocket(stack, { type: 'udp6' }).bind(7003, '::ffff:192.0.2.9')).toThrow(/EADDRNOTAVAIL/);
  });

  it('sends from a socket bound to an IPv4-mapped address over IPv4 only, and reports errors to a mapped connected peer', () => {
    const stack = dualStack();
    const s = createSocket(stack, { type: 'udp6' }).bind(0, '::ffff:127.0.0.1');
    expect(s.send(bytes('x'), 9, '::1')).toBe('address-not-available');
    const c = createSocket(stack, { type: 'udp6' }).connect(9, '::ffff:127.0.0.1');
    const codes: string[] = [];
    c.on('error', (e) => codes.push(e.code));
    expect(c.send(bytes('y'))).toBeNull();
    expect(codes).toEqual(['ECONNREFUSED']);
    expect(stack.counters.get('icmp.out.unreachable')).toBe(1);
    const only = createSocket(stack, { type: 'udp6', ipv6Only: true });
    expect(only.send(bytes('z'), 9, '::ffff:127.0.0.1')).toBe('network-unreachable');
  });
});

describe('UDP over IPv6 from a crafted wire', () => {
  /** One IPv6-only stack whose ptp interface "p1" (2001:db8::1) the test feeds by hand. */
  function wired() {
    const stack = ipv6OnlyStack();
    stack.load(ptpLinkModule());
    let sink: LinkDriverSink | null = null;
    const sent: Uint8Array[] = [];
    const driver: LinkDriver = {
      kind: 'raw',
      name: 'raw',
      mtu: 1500,
      hardwareAddress: null,
      linkUp: true,
      stats: { rxFrames: 0, rxBytes: 0, txFrames: 0, txBytes: 0, txDropped: 0, rxDropped: 0 },
      start: (s) => void (sink = s),
      send: (frames, count) => {
        for (let i = 0; i < count; i++) {
          sent.push(frames[i].data.slice(frames[i].start + 3, frames[i].end));
          frames[i].release();
        }
      },
      close: async () => {},
    };
    const ifp = stack.interfaces.add({ name: 'p1', type: 'ptp', driver, flags: 0x8000 });
    ifp.addAddress({ address: '2001:db8::1/64', flags: AddressFlags.NODAD });
    const inject = (packet: Uint8Array) => {
      const b = sink!.allocate(packet.length + 3);
      b.data.set([0, 0x86, 0xdd], b.start);
      b.data.set(packet, b.start + 3);
      b.end = b.start + 3 + packet.length;
      sink!.receive([b], 1);
    };
    return { stack, inject, sent };
  }

  /** IPv6 header 2001:db8::2 → 2001:db8::1, next header UDP, then the datagram. */
  function packet(datagram: Uint8Array): Uint8Array {
    const p = new Uint8Array(40 + datagram.length);
    p[0] = 0x60;
    p[4] = datagram.length >> 8;
    p[5] = datagram.length & 0xff;
    p[6] = 17;
    p[7] = 64;
    p.set(Ipv6Address.parse('2001:db8::2').bytes, 8);
    p.set(Ipv6Address.parse('2001:db8::1').bytes, 24);
    p.set(datagram, 40);
    return p;
  }

  function datagram(checksum: number | null): Uint8Array {
    const d = Uint8Array.from([0x13, 0x88, 0x0f, 0xa0, 0, 12, 0, 0, 1, 2, 3, 4]);
    if (checksum === null) {
      const sum = internetChecksum(d, 0, d.length, pseudoHeaderSum6(Ipv6Address.parse('2001:db8::2').bytes as Uint8Array, 0, Ipv6Address.parse('2001:db8::1').bytes as Uint8Array, 0, 17, d.length));
      checksum = sum === 0 ? 0xffff : sum;
    }
    d[6] = checksum >> 8;
    d[7] = checksum & 0xff;
    return d;
  }

  it('drops a zero checksum and counts it (RFC 8200 §8.1), accepts the computed one', () => {
    const { stack, inject } = wired();
    const server = createSocket(stack, { type: 'udp6' }).bind(4000);
    const got: number[] = [];
    server.on('message', (m) => got.push(m.length));
    inject(packet(datagram(0)));
    expect(got).toEqual([]);
    expect(stack.counters.get('udp.in.missing-checksum')).toBe(1);
    inject(packet(datagram(0x1234)));
    expect(stack.counters.get('udp.in.bad-checksum')).toBe(1);
    inject(packet(datagram(null)));
    expect(got).toEqual([4]);
    expect(stack.pool.stats.inUse).toBe(0);
  });

  it('answers a datagram to a closed port with destination unreachable code 4 quoting it', () => {
    const { stack, inject, sent } = wired();
    const p = packet(datagram(null));
    inject(p);
    expect(stack.counters.get('udp.in.no-port')).toBe(1);
    expect(sent).toHaveLength(1);
    const reply = sent[0];
    expect([reply[6], reply[40], reply[41]]).toEqual([58, 1, 4]);
    expect(reply.subarray(48)).toEqual(p);
  });
});
