// The README's example, kept runnable.
import { arpModule } from '@stack/arp';
import { createStack, LinkProtocols, ManualClock } from '@stack/core';
import { SimNetwork } from '@stack/sim';
import { expect, it } from 'vitest';
import { etherModule } from '../src/index.js';

it('README example: two hosts, ether + arp, one packet', () => {
  const clock = new ManualClock();
  const net = new SimNetwork({ clock });
  const [cableA, cableB] = net.linkPair();

  const a = createStack({ name: 'a', clock });
  a.load(etherModule());
  a.load(arpModule());
  const em0 = a.interfaces.add({ name: 'em0', driver: cableA });
  em0.addAddress({ address: '192.0.2.1/24' });

  const b = createStack({ name: 'b', clock });
  b.load(etherModule());
  b.load(arpModule());
  b.interfaces.add({ name: 'em0', driver: cableB }).addAddress({ address: '192.0.2.2/24' });
  const got: number[][] = [];
  b.load({
    name: 'printer',
    attach: (ctx) =>
      ctx.register(LinkProtocols, 0x0800, (_ifp, buf) => {
        got.push([...buf.data.subarray(buf.start, buf.start + 3)]);
        buf.release();
      }),
  });

  // What IPv4 will do: a packet starting at the network header, with family and next hop set.
  const buf = a.pool.alloc(3);
  buf.copyFrom(Uint8Array.of(1, 2, 3));
  buf.family = 'ipv4';
  buf.nextHop.set([192, 0, 2, 2]);
  a.linkLayerOf(em0)!.output(em0, buf, 0x0800); // queued while ARP resolves 192.0.2.2
  net.settle();

  expect(got).toEqual([[1, 2, 3]]);
  expect(a.counters.get('ether.out.resolving')).toBe(1);
});
