import { createStack, type LinkLayer, LinkLayerService, LinkProtocols, ManualClock, NeighbourResolverService } from '@stack/core';
import { describe, expect, it } from 'vitest';
import { arpModule } from '../src/index.js';
import { RawDriver } from '@stack/sim';
import { cable, sendIpv4 } from './helpers.js';

describe('arp module', () => {
  it('refuses bad options, naming the field', () => {
    expect(() => arpModule({ maxEntries: 0 })).toThrow(/maxEntries/);
    expect(() => arpModule({ maxQueued: -1 })).toThrow(/maxQueued/);
    expect(() => arpModule({ retransmitMs: 1.5 })).toThrow(/retransmitMs/);
    expect(() => arpModule({ hardwareTypes: { ethernet: -1 } })).toThrow(/hardwareTypes\.ethernet/);
  });

  it('registers ethertype 0x0806 and the ipv4 resolver; unload leaves no timer, packet, counter or registration', () => {
    const { net, clock, a } = cable({ announceCount: 2 });
    const stack = a.stack;
    expect(stack.demux(LinkProtocols).ownerOf(0x0806)).toBe('arp');
    sendIpv4(stack, a.ifp, '192.0.2.77', [1]); // unresolved: a timer and a queued packet
    sendIpv4(stack, a.ifp, '192.0.2.2', [1], '192.0.2.1');
    net.settle();
    expect(a.arp.list().length).toBe(2);
    stack.unload('recorder');
    stack.unload('fake-ipv4');
    const pendingBefore = clock.pending;
    expect(stack.unload('arp')).toEqual({ ok: true });
    expect(stack.services.tryGet(NeighbourResolverService, 'ipv4')).toBeUndefined();
    expect(stack.demux(LinkProtocols).ownerOf(0x0806)).toBeUndefined();
    expect(stack.counters.list('arp')).toEqual([]);
    expect(stack.moduleRegistrations('arp')).toBe(0);
    expect(clock.pending).toBeLessThan(pendingBefore);
    net.run(60_000);
    expect(stack.pool.stats.inUse).toBe(0);
  });

  it('drops the cache of an interface that goes away', async () => {
    const { net, a } = cable();
    sendIpv4(a.stack, a.ifp, '192.0.2.77', [1]);
    net.settle();
    expect(a.arp.list()).toHaveLength(1);
    await a.stack.interfaces.remove('em0', { closeDriver: false });
    expect(a.arp.list()).toEqual([]);
    expect(a.stack.pool.stats.inUse).toBe(0);
  });

  it('runs over any link layer that registers, using the interface\'s hardware address length', () => {
    // A made-up link type "wide": 8-byte hardware addresses, frames [dst 8][src 8][protocol 2][payload],
    // ARP hardware type 27 (EUI-64).
    const clock = new ManualClock();
    const stack = createStack({ clock });
    const wideLayer: LinkLayer = {
      type: 'wide',
      maxHeaderLength: 18,
      input(ifp, buf) {
        buf.linkProtocol = (buf.data[buf.start + 16] << 8) | buf.data[buf.start + 17];
        buf.pull(18);
        const handler = stack.demux(LinkProtocols).lookup(buf.linkProtocol);
        if (handler === undefined) return buf.release();
        handler(ifp, buf);
      },
      output(_ifp, buf) {
        buf.release();
      },
      outputTo(ifp, buf, protocol, linkDst, linkSrc) {
        const at = buf.prepend(18);
        buf.data.set(linkDst, at);
        buf.data.set(linkSrc ?? ifp.hardwareAddress!, at + 8);
        buf.data[at + 16] = protocol >> 8;
        buf.data[at + 17] = protocol & 0xff;
        ifp.transmit(buf);
      },
      joinMulticast() {},
      leaveMulticast() {},
    };
    stack.load({ name: 'wide-link', attach: (ctx) => ctx.provide(LinkLayerService, wideLayer, 'wide') });
    stack.load(arpModule({ hardwareTypes: { wide: 27 }, announceCount: 0 }));
    const ours = Uint8Array.from([0x02, 1, 2, 3, 4, 5, 6, 7]);
    const peer = [0x02, 9, 9, 9, 9, 9, 9, 9];
    const driver = new RawDriver({ hardwareAddress: ours });
    const ifp = stack.interfaces.add({ name: 'wd0', driver, type: 'wide' });
    ifp.addAddress({ address: '192.0.2.1/24' });
    const arp = stack.services.get(NeighbourResolverService, 'ipv4');

    // Resolution: a broadcast request with hln 8.
    const buf = stack.pool.alloc(4);
    buf.family = 'ipv4';
    buf.nextHop.set([192, 0, 2, 2]);
    const queued: number[] = [];
    expect(arp.resolve(ifp, buf, new Uint8Array(16), (_i, b, dst) => {
      queued.push(dst.length);
      b.release();
    })).toBe(0);
    const request = driver.sent[0];
    expect([...request.subarray(0, 8)]).toEqual(new Array(8).fill(0xff));
    expect([...request.subarray(18, 24)]).toEqual([0, 27, 0x08, 0x00, 8, 4]);

    // The peer answers with its 8-byte address: the queued packet goes out with it.
    const reply = [...peer, ...ours, 0x08, 0x06, 0, 27, 0x08, 0x00, 8, 4, 0, 2, ...peer, 192, 0, 2, 2, ...ours, 192, 0, 2, 1];
    driver.inject(Uint8Array.from(reply));
    expect(queued).toEqual([8]);
    expect(arp.list()).toMatchObject([{ address: '192.0.2.2', linkAddress: '02:09:09:09:09:09:09:09', state: 'reachable' }]);
    // An Ethernet-sized ARP packet on this link is refused.
    driver.inject(Uint8Array.from([...ours, ...peer, 0x08, 0x06, 0, 27, 0x08, 0x00, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1, 192, 0, 2, 3, 0, 0, 0, 0, 0, 0, 192, 0, 2, 1]));
    expect(stack.counters.get('arp.in.bad-hardware-length')).toBe(1);
  });
});
