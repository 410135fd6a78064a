// Scenario tests over @stack/sim: two stacks with ether + arp and a stand-in network protocol.
import { ManualClock } from '@stack/core';
import { SimNetwork } from '@stack/sim';
import { describe, expect, it } from 'vitest';
import { arpOf, cable, makeHost, sendIpv4 } from './helpers.js';

describe('ARP resolution over a simulated cable', () => {
  it('resolves the next hop, delivers the packet, and both sides learn (RFC 826)', () => {
    const { net, a, b, wire, bWire, da, db } = cable();
    sendIpv4(a.stack, a.ifp, '192.0.2.2', [1, 2, 3], '192.0.2.1');
    net.settle();
    expect(b.delivered.map((d) => d.payload.slice(0, 3))).toEqual([[1, 2, 3]]);
    const hex = (m: Uint8Array) => [...m].map((x) => x.toString(16).padStart(2, '0')).join(':');
    expect(arpOf(wire[0])).toEqual({ ethDst: 'ff:ff:ff:ff:ff:ff', ethSrc: hex(da.hardwareAddress), op: 1, sha: hex(da.hardwareAddress), spa: '192.0.2.1', tha: '00:00:00:00:00:00', tpa: '192.0.2.2' });
    expect(arpOf(bWire[0])).toEqual({ ethDst: hex(da.hardwareAddress), ethSrc: hex(db.hardwareAddress), op: 2, sha: hex(db.hardwareAddress), spa: '192.0.2.2', tha: hex(da.hardwareAddress), tpa: '192.0.2.1' });
    expect(a.arp.list()).toMatchObject([{ address: '192.0.2.2', linkAddress: hex(db.hardwareAddress), state: 'reachable', queued: 0 }]);
    // The request was addressed to b, so b created an entry for a (RFC 826 merge algorithm).
    expect(b.arp.list()).toMatchObject([{ address: '192.0.2.1', linkAddress: hex(da.hardwareAddress), state: 'reachable' }]);
    expect(a.stack.counters.get('arp.out.requests')).toBe(1);
    expect(b.stack.counters.get('arp.out.replies')).toBe(1);
    // Now resolved: the next packet goes at once, without ARP.
    sendIpv4(a.stack, a.ifp, '192.0.2.2', [4], '192.0.2.1');
    net.settle();
    expect(b.delivered).toHaveLength(2);
    expect(a.stack.counters.get('arp.out.requests')).toBe(1);
  });

  it('queues packets while resolving and sends them in order once the reply arrives', () => {
    const { net, a, b } = cable();
    for (let i = 0; i < 3; i++) sendIpv4(a.stack, a.ifp, '192.0.2.2', [i]);
    expect(a.arp.list()).toMatchObject([{ state: 'incomplete', queued: 3, linkAddress: null }]);
    net.settle();
    expect(b.delivered.map((d) => d.payload[0])).toEqual([0, 1, 2]);
    expect(a.stack.counters.get('arp.out.requests')).toBe(1); // one request, not one per packet
    expect(a.stack.pool.stats.inUse).toBe(0);
  });

  it('bounds the queue of an unresolved entry, dropping the oldest and counting it', () => {
    const { net, a, b } = cable({ maxQueued: 2 });
    for (let i = 0; i < 5; i++) sendIpv4(a.stack, a.ifp, '192.0.2.2', [i]);
    net.settle();
    expect(b.delivered.map((d) => d.payload[0])).toEqual([3, 4]);
    expect(a.stack.counters.get('arp.out.queue-overflow')).toBe(3);
    expect(a.ifp.counters.txDropped).toBe(3);
  });

  it('retries maxRequests times a second apart, then sends host unreachable for each queued packet', () => {
    const { clock, net, a, wire } = cable({ maxRequests: 3, failedHoldMs: 5000 });
    sendIpv4(a.stack, a.ifp, '192.0.2.9', [0x45, 1]);
    sendIpv4(a.stack, a.ifp, '192.0.2.9', [0x45, 2]);
    const requests = () => wire.filter((f) => arpOf(f)?.tpa === '192.0.2.9').length;
    net.settle();
    expect(requests()).toBe(1);
    net.run(999);
    expect(requests()).toBe(1); // RFC 1122 §2.3.2.1: at most one request per second
    net.run(1);
    expect(requests()).toBe(2);
    net.run(1000);
    expect(requests()).toBe(3);
    expect(a.ipv4.unreachable).toHaveLength(0);
    net.run(1000);
    expect(requests()).toBe(3);
    expect(clock.now()).toBe(3000);
    expect(a.ipv4.unreachable).toEqual([
      { kind: 'host', bytes: [0x45, 1] },
      { kind: 'host', bytes: [0x45, 2] },
    ]);
    expect(a.stack.counters.get('arp.out.unresolved')).toBe(2);
    expect(a.arp.list()).toMatchObject([{ address: '192.0.2.9', state: 'failed', linkAddress: null }]);
    // While failed, new packets are refused at once, with host unreachable, and no new requests.
    sendIpv4(a.stack, a.ifp, '192.0.2.9', [0x45, 3]);
    expect(a.ipv4.unreachable).toHaveLength(3);
    expect(a.stack.counters.get('arp.out.failed-drops')).toBe(1);
    net.run(5000);
    expect(a.arp.list()).toEqual([]);
    expect(a.stack.pool.stats.inUse).toBe(0);
  });

  it('turns a reachable entry stale, polls it by unicast on next use, and confirms it again', () => {
    const { net, a, b, wire, db } = cable({ reachableMs: 10_000, staleMs: 60_000 });
    sendIpv4(a.stack, a.ifp, '192.0.2.2', [1], '192.0.2.1');
    net.settle();
    net.run(10_000);
    expect(a.arp.list()[0].state).toBe('stale');
    const before = wire.length;
    sendIpv4(a.stack, a.ifp, '192.0.2.2', [2], '192.0.2.1');
    net.settle();
    expect(b.delivered.map((d) => d.payload[0])).toEqual([1, 2]); // sent at once, stale entries are used
    const poll = wire.slice(before).map(arpOf).find((f) => f !== null);
    const hex = (m: Uint8Array) => [...m].map((x) => x.toString(16).padStart(2, '0')).join(':');
    expect(poll).toMatchObject({ op: 1, ethDst: hex(db.hardwareAddress), tpa: '192.0.2.2' });
    expect(a.arp.list()[0].state).toBe('reachable');
  });

  it('forgets a stale entry nobody uses', () => {
    const { net, a } = cable({ reachableMs: 1000, staleMs: 1000 });
    sendIpv4(a.stack, a.ifp, '192.0.2.2', [1], '192.0.2.1');
    net.settle();
    net.run(2500);
    expect(a.arp.list()).toEqual([]);
  });
});

describe('ARP cache bounds', () => {
  it('never holds more dynamic entries than maxEntries, evicting and counting dropped packets', () => {
    const { net, a } = cable({ maxEntries: 4, maxRequests: 2 });
    for (let i = 10; i < 30; i++) sendIpv4(a.stack, a.ifp, `192.0.2.${i}`, [i]);
    expect(a.arp.list()).toHaveLength(4);
    expect(a.arp.list().map((e) => e.address)).toEqual(['192.0.2.26', '192.0.2.27', '192.0.2.28', '192.0.2.29']);
    expect(a.stack.counters.get('arp.out.evicted')).toBe(16);
    net.run(10_000);
    expect(a.stack.pool.stats.inUse).toBe(0);
  });

  it('evicts stale entries before reachable ones, and never static ones', () => {
    const { net, a } = cable({ maxEntries: 2, reachableMs: 1000 });
    a.arp.addStatic(a.ifp.index, '192.0.2.50', '02:00:00:00:00:50');
    sendIpv4(a.stack, a.ifp, '192.0.2.2', [1], '192.0.2.1');
    net.settle();
    net.run(1500); // 192.0.2.2 is stale now
    sendIpv4(a.stack, a.ifp, '192.0.2.60', [1]);
    sendIpv4(a.stack, a.ifp, '192.0.2.61', [1]);
    expect(a.arp.list().map((e) => `${e.address} ${e.state}`)).toEqual(['192.0.2.50 permanent', '192.0.2.60 incomplete', '192.0.2.61 incomplete']);
  });

  /** Host a (192.0.2.1, a cache of 3) and peers .2 to .5 on one simulated switch. */
  function lan() {
    const clock = new ManualClock();
    const net = new SimNetwork({ clock });
    const sw = net.switch();
    const a = makeHost('a', clock, sw.port(), { maxEntries: 3, announceCount: 0 }, '192.0.2.1/24');
    const peers = [2, 3, 4, 5].map((i) => makeHost(`p${i}`, clock, sw.port(), { announceCount: 0 }, `192.0.2.${i}/24`));
    const use = (address: string) => {
      sendIpv4(a.stack, a.ifp, address, [1], '192.0.2.1');
      net.run(100);
    };
    const cached = () => a.arp.list().map((e) => `${e.address} ${e.state}`);
    return { net, a, peers, use, cached };
  }

  it('evicts the least recently used entry: one kept in use survives a new neighbour', () => {
    const { a, peers, use, cached } = lan();
    use('192.0.2.2');
    use('192.0.2.3');
    use('192.0.2.4');
    // .2 is the oldest entry but keeps carrying traffic; .3 is now the least recently used.
    use('192.0.2.2');
    use('192.0.2.5');
    expect(cached()).toEqual(['192.0.2.2 reachable', '192.0.2.4 reachable', '192.0.2.5 reachable']);
    expect(peers.map((p) => p.delivered.length)).toEqual([2, 1, 1, 1]);
    expect(a.stack.counters.get('arp.out.evicted')).toBe(0); // a resolved entry holds no queue
    expect(a.stack.counters.get('arp.out.requests')).toBe(4);
  });

  it('evicts an unresolved entry, with its queued packet, before reachable ones', () => {
    const { a, use, cached } = lan();
    use('192.0.2.2');
    use('192.0.2.3');
    use('192.0.2.99'); // nobody: incomplete, holding the packet
    use('192.0.2.4');
    expect(cached()).toEqual(['192.0.2.2 reachable', '192.0.2.3 reachable', '192.0.2.4 reachable']);
    expect(a.stack.counters.get('arp.out.evicted')).toBe(1);
    expect(a.stack.pool.stats.inUse).toBe(0);
  });
});
