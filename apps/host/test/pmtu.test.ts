// ping -M do|dont and the `pmtu` view on the simulator under a manual clock: A — R (forwarding) — B,
// where R—B has MTU 1280. A's first DF request draws fragmentation needed from R (RFC 1191), A's
// cache learns 1280, the next one fails locally with "message too long, mtu=1280", and without DF
// the request leaves in fragments and is answered.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '@stack/core';
import { SimNetwork } from '@stack/sim';
import { validateConfig } from '../src/config.js';
import { createHost, SimFabric } from '../src/compose.js';
import { parsePingArgs, ping, type PingOptions, type PingStatistics } from '../src/ping.js';
import { pathMtuView } from '../src/views.js';
import { ipv6PathMtus } from '../src/ipv6-support.js';

const B = '198.51.100.2';

async function world() {
  const clock = new ManualClock();
  const net = new SimNetwork({ clock, seed: 3 });
  const fabric = new SimFabric(net);
  const a = await createHost(validateConfig({
    interfaces: [{ name: 'em0', sim: 'lan1', mac: '02:00:00:00:00:0a', addresses: ['192.0.2.2/24'] }],
    routes: [{ to: 'default', via: '192.0.2.1' }],
  }), { clock, fabric });
  const r = await createHost(validateConfig({
    interfaces: [
      { name: 'em0', sim: 'lan1', mac: '02:00:00:00:00:01', addresses: ['192.0.2.1/24'] },
      { name: 'em1', sim: 'lan2', mac: '02:00:00:00:01:01', addresses: ['198.51.100.1/24'], mtu: 1280 },
    ],
    forwarding: true,
  }), { clock, fabric });
  const b = await createHost(validateConfig({
    interfaces: [{ name: 'em0', sim: 'lan2', mac: '02:00:00:00:01:02', addresses: [`${B}/24`], mtu: 1280 }],
    routes: [{ to: 'default', via: '198.51.100.1' }],
  }), { clock, fabric });
  /** Run a ping to completion on the manual clock; every printed line is kept. */
  const run = async (args: string[]): Promise<{ stats: PingStatistics; lines: string[] }> => {
    const lines: string[] = [];
    const { destination, options } = parsePingArgs(args);
    const opts: PingOptions = { ...options, interval: 200, timeout: 1000, onLine: (l) => lines.push(l) };
    let done: PingStatistics | null = null;
    void ping(a.stack, destination, opts).then((s) => (done = s));
    for (let t = 0; t < 20_000 && done === null; t += 50) {
      net.run(50);
      await new Promise((res) => setImmediate(res));
    }
    expect(done, lines.join('\n')).not.toBeNull();
    return { stats: done!, lines };
  };
  return { clock, a, r, b, run };
}

describe('ping -M do and the pmtu view', () => {
  it('learns 1280 from fragmentation needed, then fails locally; without DF it fragments and is answered', async () => {
    const { clock, a, r, run } = await world();
    expect(pathMtuView(a.stack, [])).toEqual(['IPv4 path MTU cache: 0 entries']);
    expect(pathMtuView(a.stack, [B])).toEqual([`${B} mtu 1500 of the route`]);

    const first = await run(['-M', 'do', '-c', '1', '-s', '1400', B]);
    expect(first.lines).toContain(`From 192.0.2.1 icmp_seq=1 Fragmentation needed (type 3 code 4), path mtu now 1280`);
    expect(first.stats).toMatchObject({ transmitted: 1, received: 0, errors: 1 });
    expect(r.stack.counters.get('ipv4.in.frag-needed')).toBe(1);
    const view = pathMtuView(a.stack, []);
    expect(view[0]).toBe('IPv4 path MTU cache: 1 entry');
    expect(view[1]).toMatch(new RegExp(`^${B} mtu 1280 expires (599|600)s$`));
    expect(pathMtuView(a.stack, [B])[0]).toMatch(new RegExp(`^${B} mtu 1280 learnt, expires \\d+s$`));

    const sentBefore = a.stack.counters.get('ipv4.out.requests');
    const second = await run(['-M', 'do', '-c', '1', '-s', '1400', B]);
    expect(second.lines).toContain('ping: local error: message too long, mtu=1280');
    expect(second.stats).toMatchObject({ transmitted: 1, received: 0, errors: 1 });
    expect(second.stats.summary[1]).toBe('1 packets transmitted, 0 received, +1 errors, 100% packet loss');
    expect(a.stack.counters.get('ipv4.out.requests')).toBe(sentBefore); // nothing left

    const fragmented = await run(['-c', '2', '-s', '1400', B]);
    expect(fragmented.stats).toMatchObject({ transmitted: 2, received: 2, errors: 0 });
    expect(a.stack.counters.get('ipv4.out.fragmented')).toBe(2);
    expect(r.stack.counters.get('ipv4.out.fragments-created')).toBe(0); // A cut them to 1280 itself

    const fits = await run(['-M', 'do', '-c', '1', '-s', '1252', B]); // 1252 + 28 = 1280
    expect(fits.stats).toMatchObject({ transmitted: 1, received: 1 });

    // Ten minutes later (RFC 1191 §6.3) the entry has aged out.
    clock.advance(600_001);
    expect(pathMtuView(a.stack, [])).toEqual(['IPv4 path MTU cache: 0 entries']);
  });

  it('pmtu flush forgets the learnt MTUs; -4/-6 choose a family', async () => {
    const { a, run } = await world();
    await run(['-M', 'do', '-c', '1', '-s', '1400', B]);
    expect(pathMtuView(a.stack, ['-6'], ipv6PathMtus)).toEqual(['(IPv6 is not loaded)']);
    expect(pathMtuView(a.stack, ['-4'], ipv6PathMtus)).toHaveLength(2);
    expect(pathMtuView(a.stack, ['flush'], ipv6PathMtus)).toEqual(['path MTU caches flushed']);
    expect(pathMtuView(a.stack, [])).toEqual(['IPv4 path MTU cache: 0 entries']);
    expect(pathMtuView(a.stack, ['300.1.1.1'])[0]).toMatch(/^pmtu: ADDRESS: /);
    expect(pathMtuView(a.stack, ['-4', 'x'])[0]).toMatch(/unexpected argument/);
  });

  it('parses ping options the Linux way, naming what is wrong', () => {
    expect(parsePingArgs(['-M', 'do', '-s', '1400', '-c', '3', '-i', '0.2', '192.0.2.1'])).toEqual({
      destination: '192.0.2.1',
      options: { family: undefined, pmtu: 'do', size: 1400, count: 3, interval: 200 },
    });
    expect(parsePingArgs(['-6', 'fe80::1%em0', '2', '100'])).toEqual({ destination: 'fe80::1%em0', options: { family: 'ipv6', count: 2, size: 100 } });
    expect(parsePingArgs(['192.0.2.1'], 'ipv6').options.family).toBe('ipv6');
    expect(() => parsePingArgs(['-M', 'want', '192.0.2.1'])).toThrow('-M (pmtu discovery): expected "do" or "dont", got "want"');
    expect(() => parsePingArgs(['-s', 'big', '192.0.2.1'])).toThrow(/^-s \(size\): expected an integer/);
    expect(() => parsePingArgs(['-c', '0', '192.0.2.1'])).toThrow(/^-c \(count\)/);
    expect(() => parsePingArgs(['-i', 'x', '192.0.2.1'])).toThrow(/^-i \(interval\)/);
    expect(() => parsePingArgs(['-x', '192.0.2.1'])).toThrow(/^-x: unknown option/);
    expect(() => parsePingArgs(['-M'])).toThrow(/^-M/);
    expect(() => parsePingArgs([])).toThrow(/^destination: missing/);
    expect(() => parsePingArgs(['192.0.2.1', 'many'])).toThrow(/^count: /);
  });

  it('rejects a size above the family maximum', async () => {
    const { a } = await world();
    await expect(ping(a.stack, B, { size: 65508 })).rejects.toThrow('-s (size): at most 65507 bytes over IPv4, got 65508');
  });

  it('ping -6 -M do: an IPv6 request above the link MTU fails locally instead of being fragmented', async () => {
    const clock = new ManualClock();
    const net = new SimNetwork({ clock, seed: 4 });
    const fabric = new SimFabric(net);
    const ipv6 = { acceptRa: false, slaac: false, linkLocal: false, dadTransmits: 0 };
    const a = await createHost(validateConfig({ interfaces: [{ name: 'em0', sim: 'lan', mac: '02:00:00:00:00:0a', addresses: ['2001:db8::1/64'], ipv6 }] }), { clock, fabric });
    await createHost(validateConfig({ interfaces: [{ name: 'em0', sim: 'lan', mac: '02:00:00:00:00:0b', addresses: ['2001:db8::2/64'], ipv6 }] }), { clock, fabric });
    const go = async (args: string[]) => {
      const lines: string[] = [];
      const { destination, options } = parsePingArgs(args);
      let done: PingStatistics | null = null;
      void ping(a.stack, destination, { ...options, interval: 200, timeout: 1000, onLine: (l) => lines.push(l) }).then((st) => (done = st));
      for (let t = 0; t < 10_000 && done === null; t += 50) {
        net.run(50);
        await new Promise((res) => setImmediate(res));
      }
      return { stats: done!, lines };
    };
    const refused = await go(['-M', 'do', '-c', '1', '-s', '1453', '2001:db8::2']); // 40 + 8 + 1453 > 1500
    expect(refused.lines).toContain('ping: local error: message too long, mtu=1500');
    expect(a.stack.counters.get('ipv6.out.fragmented')).toBe(0);
    const fits = await go(['-6', '-M', 'do', '-c', '1', '-s', '1452', '2001:db8::2']);
    expect(fits.stats).toMatchObject({ transmitted: 1, received: 1 });
    const fragmented = await go(['-c', '1', '-s', '1453', '2001:db8::2']);
    expect(fragmented.stats).toMatchObject({ transmitted: 1, received: 1 });
    expect(a.stack.counters.get('ipv6.out.fragmented')).toBe(1);
  });
});
