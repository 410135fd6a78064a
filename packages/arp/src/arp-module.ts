import { AddressEvents, type InterfaceAddress, InterfaceEvents, LinkProtocols, NeighbourResolverService, type NetInterface, type StackModule } from '@stack/core';
import { Announcer } from './announcer.js';
import { arpCounters } from './arp-counters.js';
import { ARP_ETHERTYPE } from './arp-ethertype.js';
import { ArpInput } from './arp-input.js';
import { ArpNeighbours } from './arp-neighbours.js';
import { type ArpOptions, resolveArpOptions } from './arp-options.js';
import { ArpResolver } from './arp-resolver.js';
import { ArpSender } from './arp-sender.js';

/**
 * ARP as a module named `'arp'`: registers ethertype 0x0806 in the `LinkProtocols` demux and
 * provides the `NeighbourResolverService` variant `'ipv4'`. It runs over any link layer that
 * registers for the interface's type and whose interfaces have a hardware address, sending
 * through `stack.linkLayerOf(ifp).outputTo`. Invalid options throw here, naming the field.
 *
 * @example
 * ```ts
 * stack.load(etherModule());
 * stack.load(arpModule({ maxEntries: 256 }));
 * ```
 * @public
 */
export function arpModule(options: ArpOptions = {}): StackModule {
  const config = resolveArpOptions(options);
  return {
    name: 'arp',
    attach(ctx) {
      const stack = ctx.stack;
      const counters = arpCounters(ctx);
      const sender = new ArpSender(stack, config, counters);
      const neighbours = new ArpNeighbours(stack, config, counters, sender);
      ctx.onUnload(() => neighbours.disposeAll());
      const announcer = new Announcer(ctx, config, sender);
      const input = new ArpInput(stack, config, counters, sender, neighbours, announcer);
      ctx.register(LinkProtocols, ARP_ETHERTYPE, (ifp, buf) => input.input(ifp, buf));
      ctx.provide(NeighbourResolverService, new ArpResolver(stack, neighbours, announcer, sender), 'ipv4');

      // Gratuitous ARP when an IPv4 address becomes usable, or its interface comes up (RFC 5227 §2.3).
      const announced = new WeakSet<InterfaceAddress>();
      const addressUp = (ifp: NetInterface, addr: InterfaceAddress): void => {
        if (addr.address.family !== 'ipv4' || sender.hardwareType(ifp) < 0) return;
        if (!addr.isActive(ifp)) {
          announced.delete(addr);
          return;
        }
        if (announced.has(addr) || !ifp.isRunning) return;
        announced.add(addr);
        announcer.start(ifp, addr.address.value, null);
      };
      ctx.on(AddressEvents, (e) => {
        const ifp = stack.interfaces.get(e.ifindex);
        if (ifp === undefined || e.family !== 'ipv4') return;
        if (e.type === 'DELETE') announced.delete(e.addr);
        else addressUp(ifp, e.addr);
      });
      ctx.on(InterfaceEvents, (e) => {
        if (e.type === 'DETACH') return neighbours.dropInterface(e.ifindex);
        const ifp = stack.interfaces.get(e.ifindex);
        if (ifp === undefined) return;
        if (e.type === 'UP' || e.type === 'LINK_UP') {
          for (const addr of ifp.addresses) {
            announced.delete(addr);
            addressUp(ifp, addr);
          }
        }
      });
    },
  };
}
