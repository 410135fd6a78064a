// Scenario: two stacks on a simulated cable and on a switch, with a fake resolver standing in for ARP.
import { createStack, ManualClock } from '@stack/core';
import { PcapWriter, MemorySink, SimNetwork, readPcap } from '@stack/sim';
import { describe, expect, it } from 'vitest';
import { etherModule } from '../src/index.js';
import { FakeResolver, type Received, recorderModule, resolverModule, sendIpv4 } from './helpers.js';

function host(net: SimNetwork, clock: ManualClock, name: string) {
  const stack = createStack({ name, clock });
  stack.load(etherModule());
  const received: Received[] = [];
  stack.load(recorderModule(received));
  const resolver = new FakeResolver();
  stack.load(resolverModule(resolver));
  return { stack, received, resolver };
}

describe('ether over @stack/sim', () => {
  it('carries a packet across a cable once the resolver answers, and the peer dispatches it', () => {
    const clock = new ManualClock();
    const net = new SimNetwork({ clock });
    const [da, db] = net.linkPair();
    const a = host(net, clock, 'a');
    const b = host(net, clock, 'b');
    const ia = a.stack.interfaces.add({ name: 'em0', driver: da });
    b.stack.interfaces.add({ name: 'em0', driver: db });
    const sink = new MemorySink();
    const pcap = new PcapWriter(sink.write);
    pcap.tap(da);

    a.resolver.table.set('192.0.2.2', db.hardwareAddress);
    sendIpv4(a.stack, ia, [192, 0, 2, 2], Uint8Array.from([1, 2, 3, 4, 5]));
    net.settle();
    expect(b.received).toHaveLength(1);
    expect([...b.received[0].payload.subarray(0, 5)]).toEqual([1, 2, 3, 4, 5]);
    expect(b.received[0].payload.length).toBe(46); // padded to the minimum frame
    const { records } = readPcap(sink.bytes());
    expect(records).toHaveLength(1);
    expect(records[0].data.length).toBe(60);
  });

  it('filters by destination on a switch: only the addressed host receives unicast, all receive broadcast', () => {
    const clock = new ManualClock();
    const net = new SimNetwork({ clock });
    const sw = net.switch();
    const hosts = ['a', 'b', 'c'].map((n) => {
      const h = host(net, clock, n);
      const port = sw.port();
      const ifp = h.stack.interfaces.add({ name: 'em0', driver: port });
      return { ...h, port, ifp };
    });
    const [a, b, c] = hosts;
    // Unknown unicast is flooded by the switch: c must filter it.
    a.resolver.table.set('192.0.2.2', b.port.hardwareAddress);
    sendIpv4(a.stack, a.ifp, [192, 0, 2, 2], Uint8Array.from([1]));
    sendIpv4(a.stack, a.ifp, [255, 255, 255, 255], Uint8Array.from([2]));
    net.settle();
    expect(b.received.map((r) => r.payload[0])).toEqual([1, 2]);
    expect(c.received.map((r) => r.payload[0])).toEqual([2]);
    expect(c.stack.counters.get('ether.in.not-for-us')).toBe(1);
  });
});
