// The host composed with IPv6, on the simulator under a manual clock: IPv6 alone, DAD and its
// conflicts, ping -6 with scopes, UDP echo on IPv6 addresses, static IPv6 routes, and the views.
import { describe, expect, it } from 'vitest';
import {
  IcmpEchoService,
  internetChecksum,
  Ipv6Address,
  ManualClock,
  NeighbourResolverService,
  PacketBuffer,
  pseudoHeaderSum6,
  type StackEvent,
} from '@stack/core';
import { emitNdMessage, type NdMessage, ndMessageLength } from '@stack/ipv6-nd';
import { SeededRandom, SimNetwork } from '@stack/sim';
import { createSocket } from '@stack/udp';
import { validateConfig } from '../src/config.js';
import { createHost, SimFabric, type Host } from '../src/compose.js';
import { ping, pingTarget, type PingStatistics } from '../src/ping.js';
import { ifconfig, ndpTable, routeTable } from '../src/views.js';
import { ndpInterfaces, ndpRouters } from '../src/ipv6-support.js';

function world() {
  const clock = new ManualClock();
  const net = new SimNetwork({ clock, seed: 3 });
  const fabric = new SimFabric(net);
  const random = new SeededRandom(11);
  const env = { clock, fabric, ndRandom: () => random.nextFloat() };
  const step = async (ms: number): Promise<void> => {
    for (let t = 0; t < ms; t += 100) {
      net.run(100);
      await new Promise((r) => setImmediate(r));
    }
  };
  const settle = async <T>(p: Promise<T>, maxMs = 20_000): Promise<T> => {
    let done: { v: T } | null = null;
    void p.then((v) => (done = { v }));
    for (let t = 0; t < maxMs && done === null; t += 100) await step(100);
    if (done === null) throw new Error('did not settle');
    return (done as { v: T }).v;
  };
  return { clock, net, env, step, settle };
}

function host6(name: string, mac: string, addresses: string[], extra: Record<string, unknown> = {}): unknown {
  return {
    families: ['ipv6'],
    interfaces: [{ name: 'em0', sim: 'lan', mac, addresses, ipv6: { acceptRa: false, interfaceIdentifier: 'eui64' } }],
    ...extra,
  };
}

/** A port on a simulated network that the test drives by hand (a router sending crafted RAs). */
function rawPort(fabric: SimFabric, net: string, mac: string) {
  const device = fabric.switchFor(net).port({ name: `${net}-router`, mac: Uint8Array.from(mac.split(':').map((x) => parseInt(x, 16))) });
  device.start({ allocate: (n) => new PacketBuffer(new Uint8Array(n)), receive: () => {}, linkStateChanged: () => {} });
  return { mac: device.hardwareAddress, send: (frame: Uint8Array) => device.send([PacketBuffer.from(frame)], 1) };
}

/** An Ethernet frame with a router advertisement from fe80::1 to all nodes: router lifetime 1800 s and one autonomous on-link /64. */
function routerAdvertisement(mac: Uint8Array, prefix: string): Uint8Array {
  const message: NdMessage = {
    kind: 'router-advertisement', code: 0, curHopLimit: 64, flags: 0, routerLifetime: 1800, reachableTime: 0, retransTimer: 0,
    options: [
      { type: 'source-link-address', address: mac },
      { type: 'prefix-information', prefixLength: 64, onLink: true, autonomous: true, otherFlags: 0, validLifetime: 86_400, preferredLifetime: 14_400, prefix: Ipv6Address.parse(prefix).toBytes() },
    ],
  };
  const length = ndMessageLength(message);
  const frame = new Uint8Array(54 + length);
  frame.set([0x33, 0x33, 0, 0, 0, 1], 0);
  frame.set(mac, 6);
  frame.set([0x86, 0xdd, 0x60, 0, 0, 0, length >> 8, length & 0xff, 58, 255], 12);
  const src = Ipv6Address.parse('fe80::1').toBytes();
  const dst = Ipv6Address.parse('ff02::1').toBytes();
  frame.set(src, 22);
  frame.set(dst, 38);
  emitNdMessage(message, frame, 54);
  const sum = internetChecksum(frame, 54, length, pseudoHeaderSum6(src, 0, dst, 0, 58, length));
  frame[56] = sum >> 8;
  frame[57] = sum & 0xff;
  return frame;
}

function events(host: Host): string[] {
  const seen: string[] = [];
  host.stack.events.onAny((e: StackEvent & { address?: string }) => {
    if (e.system === 'ND') seen.push(`${e.type} ${e.address ?? ''}`.trim());
  });
  return seen;
}

describe('host composition with IPv6', () => {
  it('IPv6 alone: no IPv4, no ARP; link-local and global addresses pass DAD; ping -6 and UDP echo on :: work', async () => {
    const w = world();
    const a = await createHost(validateConfig(host6('a', '02:00:00:00:00:0a', ['2001:db8::1/64'], { services: { udpEcho: { port: 7 } } })), w.env);
    const b = await createHost(validateConfig(host6('b', '02:00:00:00:00:0b', ['2001:db8::2/64'])), w.env);
    const seenA = events(a);
    expect(a.stack.services.tryGet(IcmpEchoService, 'ipv4')).toBeUndefined();
    expect(a.stack.services.tryGet(NeighbourResolverService, 'ipv4')).toBeUndefined();
    expect(ifconfig(a.stack).join('\n')).toContain('inet6 2001:db8::1/64 tentative');
    await w.step(3000);
    expect(seenA).toEqual(expect.arrayContaining(['ADDRESS_READY fe80::ff:fe00:a', 'ADDRESS_READY 2001:db8::1']));
    const lines = ifconfig(a.stack);
    expect(lines).toContain('\tinet6 fe80::ff:fe00:a%em0/64 autoconf');
    expect(lines).toContain('\tinet6 2001:db8::1/64');
    expect(lines).toContain('\tinet6 ::1/128');
    expect(lines.join('\n')).not.toMatch(/\binet /);

    const out: string[] = [];
    const ll: PingStatistics = await w.settle(ping(b.stack, 'fe80::ff:fe00:a%em0', { count: 3, onLine: (l) => out.push(l) }));
    expect(ll).toMatchObject({ transmitted: 3, received: 3, lossPercent: 0 });
    expect(out[0]).toBe('PING fe80::ff:fe00:a%em0 56(104) bytes of data.');
    expect(out[1]).toMatch(/^64 bytes from fe80::ff:fe00:a%em0: icmp_seq=1 ttl=64 time=/);
    const global = await w.settle(ping(b.stack, '2001:db8::1', { count: 2, size: 3000 }));
    expect(global).toMatchObject({ transmitted: 2, received: 2, lossPercent: 0 });

    const sock = createSocket(b.stack, { type: 'udp6' });
    const got: string[] = [];
    sock.on('message', (m, r) => got.push(`${r.address}:${r.port} ${new TextDecoder().decode(m)}`));
    sock.send(new TextEncoder().encode('over ipv6'), 7, '2001:db8::1');
    await w.step(200);
    expect(got).toEqual(['2001:db8::1:7 over ipv6']);
    sock.close();

    const ndp = ndpTable(b.stack);
    expect(ndp[0]).toMatch(/^Neighbor\s+Linklayer Address\s+Netif\s+Expire\s+S Flags$/);
    expect(ndp.join('\n')).toMatch(/^fe80::ff:fe00:a%em0\s+02:00:00:00:00:0a\s+em0\s+\d+s\s+[RSDP]$/m);
    expect(ndp.join('\n')).toMatch(/^2001:db8::1\s+02:00:00:00:00:0a\s+em0/m);
    const groups = ndpInterfaces(a.stack).join('\n');
    expect(groups).toContain('group ff02::1:ff00:a');
    expect(groups).toContain('group ff02::1:ff00:1');
    await a.close();
    await b.close();
  });

  it('a configured address another host already holds: DAD reports the conflict and the address is never used', async () => {
    const w = world();
    const a = await createHost(validateConfig(host6('a', '02:00:00:00:00:0a', ['2001:db8::1/64'])), w.env);
    await w.step(3000);
    const b = await createHost(validateConfig(host6('b', '02:00:00:00:00:0b', ['2001:db8::2/64', '2001:db8::1/64'])), w.env);
    const seenB = events(b);
    await w.step(3000);
    expect(seenB).toContain('DAD_CONFLICT 2001:db8::1');
    expect(ifconfig(b.stack)).toContain('\tinet6 2001:db8::1/64 duplicated');
    expect(ifconfig(b.stack)).toContain('\tinet6 2001:db8::2/64');
    expect(b.stack.counters.get('nd.dad.duplicates')).toBe(1);
    // A keeps its address and talks from it; B answers on its other address.
    const lines: string[] = [];
    const stats = await w.settle(ping(a.stack, '2001:db8::2', { count: 2, onLine: (l) => lines.push(l) }));
    expect(stats.received, lines.join('\n')).toBe(2);
    await a.close();
    await b.close();
  });

  it('dual stack: both families, echo on 0.0.0.0 and :: at once, routes of both families in the views', async () => {
    const w = world();
    const cfg = (mac: string, v4: string, v6: string): unknown => ({
      interfaces: [{ name: 'em0', sim: 'lan', mac, addresses: [v4, v6], ipv6: { interfaceIdentifier: 'eui64' } }],
      routes: [
        { to: 'default', via: '192.0.2.254' },
        { to: 'default', via: 'fe80::1%em0' },
        { to: '2001:db8:99::/48', via: '2001:db8::fe' },
      ],
      services: { udpEcho: [{ port: 7 }] },
    });
    const a = await createHost(validateConfig(cfg('02:00:00:00:00:0a', '192.0.2.1/24', '2001:db8::1/64')), w.env);
    expect(a.services.udpEcho.map((s) => s.address().address).sort()).toEqual(['0.0.0.0', '::']);
    const v6 = routeTable(a.stack, 0, ['ipv6']).join('\n');
    expect(v6).toMatch(/^default\s+fe80::1%em0\s+UGS\s+em0\s+static$/m);
    expect(v6).toMatch(/^2001:db8:99::\/48\s+2001:db8::fe\s+UGS\s+em0\s+static$/m);
    const both = routeTable(a.stack);
    expect(both).toContain('Internet:');
    expect(both).toContain('Internet6:');
    expect(both.join('\n')).toMatch(/^default\s+192\.0\.2\.254\s+UGS\s+em0\s+static$/m);
    await a.close();
  });

  it('an echo service bound to an IPv6 address binds once the address has passed DAD', async () => {
    const w = world();
    const a = await createHost(validateConfig(host6('a', '02:00:00:00:00:0a', ['2001:db8::1/64'], { services: { udpEcho: { port: 7, address: '2001:db8::1' } } })), w.env);
    const b = await createHost(validateConfig(host6('b', '02:00:00:00:00:0b', ['2001:db8::2/64'])), w.env);
    expect(() => a.services.udpEcho[0].address()).toThrow();
    await w.step(3000);
    expect(a.services.udpEcho[0].address()).toEqual({ address: '2001:db8::1', family: 'IPv6', port: 7 });
    const sock = createSocket(b.stack, { type: 'udp6' });
    const got: number[] = [];
    sock.on('message', (m) => got.push(m.length));
    sock.send(new Uint8Array(4000), 7, '2001:db8::1');
    await w.step(200);
    expect(got).toEqual([4000]);
    sock.close();
    await a.close();
    await b.close();
  });

  it('ping targets: scopes, families, and what is wrong with them', async () => {
    const w = world();
    const a = await createHost(validateConfig({
      interfaces: [
        { name: 'em0', sim: 'lan', mac: '02:00:00:00:00:0a', addresses: ['192.0.2.1/24'], ipv6: { interfaceIdentifier: 'eui64' } },
        { name: 'em1', sim: 'wan', mac: '02:00:00:00:00:1a', ipv6: { interfaceIdentifier: 'eui64' } },
      ],
    }), w.env);
    await w.step(3000);
    const em1 = a.stack.interfaces.require('em1');
    expect(pingTarget(a.stack, 'fe80::1%em1')).toMatchObject({ ifindex: em1.index, display: 'fe80::1%em1' });
    expect(pingTarget(a.stack, 'fe80::1%em1').source?.toString()).toBe('fe80::ff:fe00:1a');
    expect(() => pingTarget(a.stack, 'fe80::1')).toThrow(/needs its interface, e\.g\. fe80::1%em0/);
    expect(() => pingTarget(a.stack, 'fe80::1%em7')).toThrow(/no interface "em7"/);
    expect(() => pingTarget(a.stack, '2001:db8::1%em0')).toThrow(/only goes with a link-local address/);
    expect(() => pingTarget(a.stack, '192.0.2.9', 'ipv6')).toThrow(/not an IPv6 address \(ping -6\)/);
    expect(() => pingTarget(a.stack, '2001:db8::x')).toThrow(/2001:db8::x/);
    expect(pingTarget(a.stack, '192.0.2.9')).toMatchObject({ display: '192.0.2.9' });
    await a.close();
  });

  it('IPv4 alone leaves IPv6 out entirely, and ping -6 says so', async () => {
    const w = world();
    const a = await createHost(validateConfig({ interfaces: [{ name: 'em0', sim: 'lan', addresses: ['192.0.2.1/24'] }] }), w.env);
    expect(a.stack.services.tryGet(IcmpEchoService, 'ipv6')).toBeUndefined();
    expect(ifconfig(a.stack).join('\n')).not.toContain('inet6');
    await expect(ping(a.stack, '2001:db8::1')).rejects.toThrow(/IPv6 is not loaded/);
    expect(ndpTable(a.stack)).toEqual(['(IPv6 is not loaded)']);
    await a.close();
  });

  it('interfaces with different IPv6 settings each follow their own', async () => {
    const w = world();
    const a = await createHost(validateConfig({
      families: ['ipv6'],
      interfaces: [
        { name: 'em0', sim: 'lan', mac: '02:00:00:00:00:0a', addresses: ['2001:db8:1::1/64'], ipv6: { interfaceIdentifier: 'eui64' } },
        { name: 'em1', sim: 'wan', mac: '02:00:00:00:00:1a', addresses: ['2001:db8:2::1/64'], ipv6: { linkLocal: false, slaac: false, dadTransmits: 0 } },
        { name: 'em2', sim: 'dmz', mac: '02:00:00:00:00:2a', ipv6: { acceptRa: false } },
      ],
    }), w.env);
    // DAD on em0 only; em1 forms no link-local address.
    const early = ifconfig(a.stack);
    expect(early).toContain('\tinet6 2001:db8:1::1/64 tentative');
    expect(early).toContain('\tinet6 2001:db8:2::1/64');
    await w.step(3000);
    const routers = ['lan', 'wan', 'dmz'].map((net, i) => rawPort(w.env.fabric, net, `02:00:00:00:01:0${i}`));
    for (const [i, r] of routers.entries()) r.send(routerAdvertisement(r.mac, `2001:db8:${10 + i}::`));
    await w.step(3000);
    const lines = ifconfig(a.stack).join('\n');
    expect(lines).toContain('inet6 fe80::ff:fe00:a%em0/64 autoconf');
    expect(lines).toContain('inet6 2001:db8:10::ff:fe00:a/64 autoconf'); // SLAAC with an EUI-64 identifier on em0
    expect(lines).not.toMatch(/%em1/); // no link-local address on em1
    expect(lines).not.toMatch(/2001:db8:11:/); // no SLAAC on em1
    expect(lines).toMatch(/inet6 fe80::[0-9a-f:]+%em2\/64 autoconf/); // a stable link-local address on em2
    expect(lines).not.toMatch(/2001:db8:12:/); // em2 ignores RAs
    expect(ndpRouters(a.stack).map((l) => l.replace(/^\*| /, '').split(' ')[0])).toEqual(['fe80::1%em0', 'fe80::1%em1']);
    const ndpI = ndpInterfaces(a.stack).filter((l) => !l.startsWith('\t'));
    expect(ndpI[0]).toMatch(/^em0: .* dad=1 accept_ra=on slaac=on linklocal=on iid=eui64/);
    expect(ndpI[1]).toMatch(/^em1: .* dad=0 accept_ra=on slaac=off linklocal=off iid=stable/);
    expect(ndpI[2]).toMatch(/^em2: .* dad=1 accept_ra=off slaac=on linklocal=on iid=stable/);
    await a.close();
  });

  it('no routers without router advertisements', async () => {
    const w = world();
    const a = await createHost(validateConfig(host6('a', '02:00:00:00:00:0a', ['2001:db8::1/64'])), w.env);
    await w.step(3000);
    expect(ndpRouters(a.stack)).toEqual([]);
    await a.close();
  });
});
