import { describe, expect, it } from 'vitest';
import { createStack, IcmpEchoService, Ipv4Address, ManualClock, NetworkProtocolService, type EchoEvent } from '@stack/core';
import { ipv4Module } from '../src/index.js';
import { fibModule as testFibModule } from '@stack/fib';
import { connect, makeHost, world } from './helpers/scenario.js';

const addr = (t: string) => Ipv4Address.parse(t);

describe('ICMP echo', () => {
  it('answers a ping to 127.0.0.1 over lo0 on a stack with only fib + ipv4', () => {
    const clock = new ManualClock();
    const stack = createStack({ clock });
    stack.load(testFibModule());
    stack.load(ipv4Module());
    stack.loopback.addAddress({ address: '127.0.0.1/8' });
    const echo = stack.services.get(IcmpEchoService, 'ipv4');
    const events: EchoEvent[] = [];
    const id = echo.allocateIdentifier();
    echo.listen(id, (e) => events.push(e));
    expect(echo.send({ destination: addr('127.0.0.1'), identifier: id, sequence: 7, size: 100 })).toBeNull();
    expect(events).toHaveLength(1);
    const reply = events[0];
    expect(reply.type).toBe('reply');
    if (reply.type !== 'reply') return;
    expect(reply.from.toString()).toBe('127.0.0.1');
    expect(reply.sequence).toBe(7);
    expect(reply.size).toBe(100);
    expect(reply.data[99]).toBe(99);
    expect(stack.counters.get('icmp.out.echo-reply')).toBe(1);
    expect(stack.counters.get('ipv4.in.delivered')).toBe(2);
    expect(stack.pool.stats.inUse).toBe(0);
  });

  it('pings between two stacks over a simulated cable', () => {
    const { clock, sim } = world();
    const a = makeHost(clock, 'a');
    const b = makeHost(clock, 'b');
    connect(sim, a, '192.0.2.1/24', b, '192.0.2.2/24');
    const events: EchoEvent[] = [];
    a.echo.listen(1, (e) => events.push(e));
    for (let seq = 0; seq < 3; seq++) {
      expect(a.echo.send({ destination: addr('192.0.2.2'), identifier: 1, sequence: seq })).toBeNull();
      clock.advance(1000);
    }
    sim.settle();
    expect(events.map((e) => (e.type === 'reply' ? [e.from.toString(), e.sequence, e.ttl, e.size] : e))).toEqual([
      ['192.0.2.2', 0, 64, 56],
      ['192.0.2.2', 1, 64, 56],
      ['192.0.2.2', 2, 64, 56],
    ]);
    expect(b.counter('icmp.in.echo-request')).toBe(3);
    expect(b.counter('icmp.out.echo-reply')).toBe(3);
  });

  it('reports no route, and selects the source on the outgoing interface', () => {
    const { clock, sim } = world();
    const a = makeHost(clock, 'a');
    const b = makeHost(clock, 'b');
    const [pa] = connect(sim, a, '192.0.2.1/24', b, '192.0.2.2/24');
    pa.addAddress({ address: '198.51.100.1/24' });
    expect(a.echo.send({ destination: addr('203.0.113.9'), identifier: 1, sequence: 0 })).toBe('no-route');
    expect(a.net.selectSource(addr('192.0.2.2'))?.toString()).toBe('192.0.2.1');
    expect(a.net.selectSource(addr('198.51.100.7'))?.toString()).toBe('198.51.100.1');
    expect(a.net.selectSource(addr('192.0.2.1'))?.toString()).toBe('192.0.2.1');
    expect(a.net.selectSource(addr('203.0.113.9'))).toBeNull();
    expect(a.net.isLocalAddress(addr('198.51.100.1'))).toBe(true);
    expect(a.stack.services.get(NetworkProtocolService, 'ipv4')).toBe(a.net);
  });

  it('reaches its own non-loopback address through lo0, never by recursion', () => {
    const { clock, sim } = world();
    const a = makeHost(clock, 'a');
    const b = makeHost(clock, 'b');
    connect(sim, a, '192.0.2.1/24', b, '192.0.2.2/24');
    const events: EchoEvent[] = [];
    a.echo.listen(9, (e) => events.push(e));
    a.echo.send({ destination: addr('192.0.2.1'), identifier: 9, sequence: 1 });
    expect(events).toHaveLength(1);
    expect(a.stack.loopback.counters.txPackets).toBe(2);
    expect(sim.inFlight).toBe(0);
  });
});
