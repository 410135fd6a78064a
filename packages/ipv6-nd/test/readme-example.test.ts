// The example of README.md, run as a test: two IPv6-only stacks over an in-memory Ethernet cable.
import { expect, it } from 'vitest';
import { createStack, IcmpEchoService, Ipv6Address, ManualClock, type EchoEvent } from '@stack/core';
import { etherModule } from '@stack/ether';
import { fibModule } from '@stack/fib';
import { SimNetwork } from '@stack/sim';
import { Ipv6ControlService, ipv6Module } from '../src/index.js';

it('runs the README example', () => {
  const lines: string[] = [];
  const log = (...args: unknown[]) => lines.push(args.join(' '));

  // --- README example starts here ---
  const clock = new ManualClock();
  const sim = new SimNetwork({ clock });
  const [cableA, cableB] = sim.linkPair();

  function host(name: string, address: string) {
    const stack = createStack({ name, clock });
    stack.load(fibModule()); // RouteTablesService: the only requirement
    stack.load(etherModule());
    stack.load(ipv6Module({ nd: { random: () => 0.5 } })); // no IPv4 module anywhere
    const em0 = stack.interfaces.add({ name: 'em0', driver: name === 'a' ? cableA : cableB });
    em0.addAddress({ address }); // DAD runs first (RFC 4862); a link-local address is formed too
    return stack;
  }
  const a = host('a', '2001:db8::1/64');
  host('b', '2001:db8::2/64');
  sim.run(3000); // let DAD finish

  const ping = a.services.get(IcmpEchoService, 'ipv6');
  const id = ping.allocateIdentifier();
  ping.listen(id, (e: EchoEvent) => log(e.type, e.from.toString(), `seq=${e.sequence}`, e.type === 'reply' ? `hlim=${e.ttl}` : ''));
  ping.send({ destination: Ipv6Address.parse('2001:db8::2'), identifier: id, sequence: 1, size: 3000 }); // fragmented
  sim.settle();

  log(a.counters.get('ipv6.out.fragments-created'), 'fragments sent;', a.services.get(Ipv6ControlService).pathMtus().length, 'path MTUs learnt');
  // --- README example ends here ---

  expect(lines).toEqual(['reply 2001:db8::2 seq=1 hlim=64', '3 fragments sent; 0 path MTUs learnt']);
});
