import { describe, expect, it } from 'vitest';
import { NetworkProtocolService, TransportService } from '@stack/core';
import { ipv4Module } from '@stack/ipv4';
import { createSocket, udpModule, UdpSocketError, type RemoteInfo, type UdpMessage } from '../src/index.js';
import { loopbackStack, pair } from './helpers/hosts.js';

const bytes = (t: string) => Uint8Array.from(t, (c) => c.charCodeAt(0));
const text = (b: Uint8Array) => String.fromCharCode(...b);

describe('UDP over loopback', () => {
  it('sends and receives with rinfo, and answers back', () => {
    const stack = loopbackStack();
    const server = createSocket(stack, { type: 'udp4' }).bind(5000);
    const client = createSocket(stack, { type: 'udp4' });
    const got: Array<[string, RemoteInfo]> = [];
    server.on('message', (msg, rinfo) => {
      got.push([text(msg), rinfo]);
      server.send(bytes('pong'), rinfo.port, rinfo.address);
    });
    const replies: string[] = [];
    client.on('message', (msg) => replies.push(text(msg)));
    expect(client.send(bytes('ping'), 5000, '127.0.0.1')).toBeNull();
    expect(got.map(([m, r]) => [m, r.address, r.family, r.size])).toEqual([['ping', '127.0.0.1', 'IPv4', 4]]);
    expect(got[0][1].port).toBe(client.address().port);
    expect(client.address().port).toBeGreaterThanOrEqual(49152);
    expect(replies).toEqual(['pong']);
    expect(stack.counters.get('udp.in.delivered')).toBe(2);
    expect(stack.counters.get('udp.in.bad-checksum')).toBe(0);
    expect(stack.pool.stats.inUse).toBe(0);
  });

  it('delivers to a connected socket with an error event on port unreachable (ECONNREFUSED)', () => {
    const stack = loopbackStack();
    const client = createSocket(stack, { type: 'udp4' }).connect(9, '127.0.0.1');
    const errors: UdpSocketError[] = [];
    client.on('error', (e) => errors.push(e));
    expect(client.send(bytes('anyone?'))).toBeNull();
    expect(errors.map((e) => e.code)).toEqual(['ECONNREFUSED']);
    expect(stack.counters.get('udp.in.no-port')).toBe(1);
    expect(stack.counters.get('icmp.out.unreachable')).toBe(1);
    expect(client.remoteAddress()).toEqual({ address: '127.0.0.1', family: 'IPv4', port: 9 });
    // An unconnected socket is not told (BSD semantics).
    const other = createSocket(stack, { type: 'udp4' });
    other.on('error', (e) => errors.push(e));
    other.send(bytes('x'), 9, '127.0.0.1');
    expect(errors).toHaveLength(1);
  });

  it('yields datagrams through async iteration with a bounded queue', async () => {
    const stack = loopbackStack();
    const server = createSocket(stack, { type: 'udp4', receiveQueueLimit: 2 }).bind(7000);
    const it = server[Symbol.asyncIterator]();
    const client = createSocket(stack, { type: 'udp4' });
    for (const m of ['a', 'b', 'c']) client.send(bytes(m), 7000);
    expect(stack.counters.get('udp.in.queue-full')).toBe(1);
    const first = (await it.next()).value as UdpMessage;
    const second = (await it.next()).value as UdpMessage;
    expect([text(first.msg), text(second.msg)]).toEqual(['a', 'b']);
    const pending = it.next();
    server.close();
    expect((await pending).done).toBe(true);
  });

  it('enforces binding rules: EADDRINUSE, reuseAddr, EADDRNOTAVAIL, bad ports, states', () => {
    const stack = loopbackStack();
    createSocket(stack, { type: 'udp4' }).bind(53);
    expect(() => createSocket(stack, { type: 'udp4' }).bind(53, '127.0.0.1')).toThrow(UdpSocketError);
    const r1 = createSocket(stack, { type: 'udp4', reuseAddr: true }).bind(54);
    createSocket(stack, { type: 'udp4', reuseAddr: true }).bind(54);
    expect(r1.address()).toEqual({ address: '0.0.0.0', family: 'IPv4', port: 54 });
    expect(() => createSocket(stack, { type: 'udp4' }).bind(55, '192.0.2.1')).toThrow(/EADDRNOTAVAIL/);
    expect(() => createSocket(stack, { type: 'udp4' }).bind(70000)).toThrow(/ERR_SOCKET_BAD_PORT/);
    expect(() => createSocket(stack, { type: 'udp4' }).remoteAddress()).toThrow(/NOT_CONNECTED/);
    expect(() => createSocket(stack, { type: 'udp9' as 'udp4' })).toThrow(/type/);
    const s = createSocket(stack, { type: 'udp4' });
    expect(s.send(bytes('x'))).toBe('not-connected');
    s.close();
    expect(s.send(bytes('x'), 1)).toBe('socket-closed');
    expect(createSocket(stack, { type: 'udp6' }).send(bytes('x'), 1)).toBe('no-network-protocol');
    expect(stack.services.get(TransportService, 'udp').listEndpoints().length).toBeGreaterThanOrEqual(3);
  });

  it('registers with a network protocol loaded after it, and survives its unload and reload', () => {
    const stack = loopbackStack();
    stack.unload('udp');
    expect(stack.unload('ipv4')).toEqual({ ok: true });
    stack.load(udpModule());
    stack.load(ipv4Module());
    stack.loopback.addAddress({ address: '127.0.0.2/8' });
    const server = createSocket(stack, { type: 'udp4' }).bind(5000);
    const got: string[] = [];
    server.on('message', (m) => got.push(text(m)));
    createSocket(stack, { type: 'udp4' }).send(bytes('late'), 5000, '127.0.0.2');
    expect(got).toEqual(['late']);
    stack.unload('ipv4');
    stack.load(ipv4Module());
    createSocket(stack, { type: 'udp4' }).send(bytes('again'), 5000, '127.0.0.2');
    expect(got).toEqual(['late', 'again']);
    expect(stack.services.get(NetworkProtocolService, 'ipv4')).toBeDefined();
    expect(stack.unload('udp')).toEqual({ ok: true });
    expect(() => createSocket(stack, { type: 'udp4' })).toThrow(/udp module is not loaded/);
  });
});

describe('UDP between two stacks (ether + arp + ipv4 + udp over @stack/sim)', () => {
  it('sends and receives, checksums verified', () => {
    const { sim, a, b } = pair();
    const server = createSocket(b, { type: 'udp4' }).bind(4000, '192.0.2.2');
    const got: Array<[string, string]> = [];
    server.on('message', (m, r) => got.push([text(m), r.address]));
    const client = createSocket(a, { type: 'udp4' });
    expect(client.send(bytes('hello'), 4000, '192.0.2.2')).toBeNull();
    sim.settle();
    expect(got).toEqual([['hello', '192.0.2.1']]);
    expect(b.counters.get('udp.in.bad-checksum')).toBe(0);
  });

  it('sends a 4000-byte datagram over a 1500-byte MTU (fragmented and reassembled)', () => {
    const { sim, a, b } = pair();
    const server = createSocket(b, { type: 'udp4' }).bind(4000);
    const got: Uint8Array[] = [];
    server.on('message', (m) => got.push(m));
    const payload = Uint8Array.from({ length: 4000 }, (_, i) => (i * 7) & 0xff);
    expect(createSocket(a, { type: 'udp4' }).send(payload, 4000, '192.0.2.2')).toBeNull();
    sim.settle();
    expect(got).toHaveLength(1);
    expect(got[0]).toEqual(payload);
    expect(b.counters.get('ipv4.reass.ok')).toBe(1);
  });

  it('broadcasts only with setBroadcast, to limited and directed broadcast addresses', () => {
    const { sim, a, b } = pair();
    const server = createSocket(b, { type: 'udp4' }).bind(6000);
    const got: string[] = [];
    server.on('message', (m) => got.push(text(m)));
    const client = createSocket(a, { type: 'udp4' });
    expect(client.send(bytes('no'), 6000, '255.255.255.255')).toBe('broadcast-not-permitted');
    client.setBroadcast(true);
    expect(client.send(bytes('all'), 6000, '255.255.255.255')).toBeNull();
    expect(client.send(bytes('net'), 6000, '192.0.2.255')).toBeNull();
    sim.settle();
    expect(got).toEqual(['all', 'net']);
    // A broadcast to a closed port is never answered with an ICMP error.
    client.send(bytes('closed'), 6001, '255.255.255.255');
    sim.settle();
    expect(b.counters.get('icmp.out.unreachable')).toBe(0);
  });

  it('delivers port unreachable to a connected socket across the wire', () => {
    const { sim, a } = pair();
    const client = createSocket(a, { type: 'udp4' }).connect(9999, '192.0.2.2');
    const codes: string[] = [];
    client.on('error', (e) => codes.push(e.code));
    client.send(bytes('x'));
    sim.settle();
    expect(codes).toEqual(['ECONNREFUSED']);
  });

  it('receives multicast after addMembership', () => {
    const { sim, a, b } = pair();
    const server = createSocket(b, { type: 'udp4', reuseAddr: true }).bind(5353);
    const second = createSocket(b, { type: 'udp4', reuseAddr: true }).bind(5353);
    const got: string[] = [];
    server.on('message', (m) => got.push(`1:${text(m)}`));
    second.on('message', (m) => got.push(`2:${text(m)}`));
    server.addMembership('239.1.2.3');
    const client = createSocket(a, { type: 'udp4' });
    expect(client.send(bytes('m'), 5353, '239.1.2.3')).toBeNull();
    sim.settle();
    expect(got.sort()).toEqual(['1:m', '2:m']);
  });
});
