// The host composed with IPv6, on the simulator under a manual clock: IPv6 alone, DAD and its
// conflicts, ping -6 with scopes, UDP echo on IPv6 addresses, static IPv6 routes, and the views.
import { describe, expect, it } from 'vitest';
import { IcmpEchoService, ManualClock, NeighbourResolverService, type StackEvent } from '@stack/core';
import { SeededRandom, SimNetwork } from '@stack/sim';
import { createSocket } from '@stack/udp';
import { ConfigError, validateConfig } from '../src/config.js';
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

  it('interfaces that disagree on a stack-wide ND setting are refused, naming the field', async () => {
    const w = world();
    const doc = validateConfig({
      interfaces: [
        { name: 'em0', sim: 'lan', ipv6: { slaac: true } },
        { name: 'em1', sim: 'wan', ipv6: { slaac: false } },
      ],
    });
    await expect(createHost(doc, w.env)).rejects.toThrow(ConfigError);
    await expect(createHost(doc, w.env)).rejects.toThrow(/^interfaces\[1\]\.ipv6\.slaac: /);
  });

  it('no routers without router advertisements', async () => {
    const w = world();
    const a = await createHost(validateConfig(host6('a', '02:00:00:00:00:0a', ['2001:db8::1/64'])), w.env);
    await w.step(3000);
    expect(ndpRouters(a.stack)).toEqual([]);
    await a.close();
  });
});
