import { describe, expect, it } from 'vitest';
import { Ipv4Address, RouteTablesService } from '@stack/core';
import { Ipv4PacketView } from '../src/index.js';
import type { EchoEvent } from '@stack/core';
import { connect, makeHost, world } from './helpers/scenario.js';
import { single } from './helpers/single.js';

const addr = (t: string) => Ipv4Address.parse(t);

describe('fragmentation and reassembly', () => {
  it('round-trips a 4000-byte echo over a 1500-byte MTU (fragmented both ways, reassembled both ends)', () => {
    const { clock, sim } = world();
    const a = makeHost(clock, 'a');
    const b = makeHost(clock, 'b');
    connect(sim, a, '192.0.2.1/24', b, '192.0.2.2/24');
    const events: EchoEvent[] = [];
    a.echo.listen(5, (e) => events.push(e));
    expect(a.echo.send({ destination: addr('192.0.2.2'), identifier: 5, sequence: 1, size: 4000 })).toBeNull();
    sim.settle();
    expect(events).toHaveLength(1);
    const reply = events[0];
    if (reply.type !== 'reply') throw new Error('expected a reply');
    expect(reply.size).toBe(4000);
    expect(reply.data.every((byte, i) => byte === (i & 0xff))).toBe(true);
    expect(a.counter('ipv4.out.fragments-created')).toBe(3);
    expect(b.counter('ipv4.reass.ok')).toBe(1);
    expect(b.counter('ipv4.out.fragments-created')).toBe(3);
    expect(a.counter('ipv4.reass.ok')).toBe(1);
    expect(a.control.reassemblyUsage()).toEqual({ datagrams: 0, bytes: 0 });
    expect(a.stack.pool.stats.inUse).toBe(0);
    expect(b.stack.pool.stats.inUse).toBe(0);
  });

  it('cuts fragments on 8-byte boundaries with MF on all but the last (RFC 791 §3.2)', () => {
    const s = single();
    s.echo.send({ destination: addr('192.0.2.2'), identifier: 1, sequence: 1, size: 4000 });
    const sent = s.wire.take().map((p) => new Ipv4PacketView(p));
    expect(sent.map((v) => v.check())).toEqual([null, null, null]);
    expect(sent.map((v) => [v.totalLength, v.fragmentOffset, v.moreFragments])).toEqual([
      [1500, 0, true],
      [1500, 1480, true],
      [1068, 2960, false],
    ]);
    expect(new Set(sent.map((v) => v.identification)).size).toBe(1);
  });

  it("refuses with 'message-too-long' when DF is set and the datagram exceeds the route MTU", () => {
    const s = single();
    expect(s.echo.send({ destination: addr('192.0.2.2'), identifier: 1, sequence: 1, size: 1473, dontFragment: true })).toBe('message-too-long');
    expect(s.echo.send({ destination: addr('192.0.2.2'), identifier: 1, sequence: 1, size: 1472, dontFragment: true })).toBeNull();
    const routes = s.stack.services.get(RouteTablesService);
    routes.add(0, { prefix: addr('198.51.100.0'), prefixLength: 24, ifindex: s.ifp.index, mtu: 1280 });
    expect(s.echo.send({ destination: addr('198.51.100.1'), identifier: 1, sequence: 2, size: 1300, dontFragment: true })).toBe('message-too-long');
    expect(s.echo.send({ destination: addr('198.51.100.1'), identifier: 1, sequence: 2, size: 1300 })).toBeNull();
    expect(s.wire.take().map((p) => p.length)).toEqual([1500, 1276, 72]);
    expect(s.counter('ipv4.out.message-too-long')).toBe(2);
  });
});
