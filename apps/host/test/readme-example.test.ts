// The README's "Composing a stack in code" example, kept runnable here so it cannot rot.
import { expect, it } from 'vitest';
import { createStack, ManualClock } from '@stack/core';
import { SimNetwork } from '@stack/sim';
import { fibModule } from '@stack/fib';
import { etherModule } from '@stack/ether';
import { arpModule } from '@stack/arp';
import { ipv4Module } from '@stack/ipv4';
import { udpModule, createSocket } from '@stack/udp';

it('README example: two stacks on a lossy simulated cable exchange UDP', () => {
  const clock = new ManualClock(); // or omit it: a real clock is the default
  const net = new SimNetwork({ clock, seed: 1 });
  const [cableA, cableB] = net.linkPair({ aToB: { loss: 0.01, delay: 2 } });

  const host = (name: string, driver: typeof cableA, address: string) => {
    const stack = createStack({ name, clock });
    for (const m of [fibModule(), etherModule(), arpModule(), ipv4Module(), udpModule()]) stack.load(m);
    stack.interfaces.add({ name: 'em0', driver }).addAddress({ address });
    return stack;
  };
  const a = host('a', cableA, '192.0.2.1/24');
  const b = host('b', cableB, '192.0.2.2/24');

  const server = createSocket(b, { type: 'udp4' }).bind(7);
  server.on('message', (msg, rinfo) => server.send(msg, rinfo.port, rinfo.address)); // echo
  const client = createSocket(a, { type: 'udp4' });
  const got: string[] = [];
  client.on('message', (msg) => got.push(new TextDecoder().decode(msg)));
  client.send(new TextEncoder().encode('hello'), 7, '192.0.2.2');
  net.run(100); // virtual time: ARP, then the datagram and its echo
  expect(got).toEqual(['hello']);
  expect(a.unload('udp')).toEqual({ ok: true }); // modules unload at run time, leaving nothing behind
});
