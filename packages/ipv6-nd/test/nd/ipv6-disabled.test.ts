// RFC 4862 §5.4.5 end to end over @stack/sim: once the hardware-derived link-local address of an
// interface is found duplicated, the IPv6 layer itself neither accepts nor sends packets there,
// until the interface is enabled again (DAD run again, or a new hardware address).
import { AddressFlags, type EchoEvent, IcmpEchoService, Ipv6Address, type NetInterface, type SendError, type Stack } from '@stack/core';
import { describe, expect, it } from 'vitest';
import { NdControlService } from '../../src/nd/index.js';
import { na } from './helpers.js';
import { ALL_NODES_MAC, icmpFrame, node, RawPort, world } from './scenario-helpers.js';

const hex = (m: Uint8Array) => [...m].map((x) => x.toString(16).padStart(2, '0')).join(':');
const linkLocal = (ifp: NetInterface) => ifp.addresses.find((a) => a.address.family === 'ipv6' && a.address.isLinkLocal())!;

/** Echo requests to ff02::1 out of `ifp`; replies land in `events`. */
function pingAllNodes(stack: Stack, ifp: NetInterface, events: EchoEvent[]): SendError | null {
  const echo = stack.services.get(IcmpEchoService, 'ipv6');
  const identifier = echo.allocateIdentifier();
  echo.listen(identifier, (e) => events.push(e));
  return echo.send({ destination: Ipv6Address.parse('ff02::1'), identifier, sequence: 1, ifindex: ifp.index });
}

/**
 * a and b (modified EUI-64 identifiers) on one switch; while b's link-local address is tentative, a
 * third port claims it, so b disables IPv6 on em0.
 */
function disabledLan() {
  const { clock, sim } = world();
  const sw = sim.switch();
  const a = node(clock, 'a', sw.port(), { interfaceIdentifier: 'eui64' });
  const b = node(clock, 'b', sw.port(), { interfaceIdentifier: 'eui64' });
  const intruder = new RawPort(sw.port());
  const bLinkLocal = linkLocal(b.em0);
  expect(bLinkLocal.flags & AddressFlags.TENTATIVE).toBe(AddressFlags.TENTATIVE);
  const claimed = bLinkLocal.address.toString();
  intruder.send(icmpFrame(intruder.mac, ALL_NODES_MAC, claimed, 'ff02::1', na(claimed, { override: true }, hex(intruder.mac))));
  sim.run(3000);
  expect(bLinkLocal.flags & AddressFlags.DUPLICATED).toBe(AddressFlags.DUPLICATED);
  expect(b.events.map((e) => e.type)).toContain('IPV6_DISABLED');
  expect(linkLocal(a.em0).isActive(a.em0)).toBe(true);
  return { sim, a, b, bLinkLocal };
}

describe('IPv6 disabled on an interface (RFC 4862 §5.4.5)', () => {
  it('accepts nothing and sends nothing there, each counted; enabled again by redoDad, it answers', () => {
    const { sim, a, b, bLinkLocal } = disabledLan();
    const dropped = b.counter('ipv6.in.interface-disabled');
    const received = b.counter('ipv6.in.received');
    const delivered = b.counter('ipv6.in.delivered');

    // A ping to ff02::1 on the link: b, a member of ff02::1 on every interface, does not take it.
    const events: EchoEvent[] = [];
    expect(pingAllNodes(a.stack, a.em0, events)).toBeNull();
    sim.run(1000);
    expect(events).toEqual([]);
    expect(b.counter('ipv6.in.received')).toBe(received + 1);
    expect(b.counter('ipv6.in.interface-disabled')).toBe(dropped + 1);
    expect(b.counter('ipv6.in.delivered')).toBe(delivered);
    expect(b.counter('icmp6.in.echo-request')).toBe(0);

    // Nor does b send from that interface.
    expect(pingAllNodes(b.stack, b.em0, [])).toBe('interface-down');
    expect(b.counter('ipv6.out.interface-disabled')).toBe(1);

    // A link bounce does not enable it (RFC 4862 §5.4.5 leaves that to the administrator).
    b.em0.setUp(false);
    b.em0.setUp(true);
    sim.run(3000);
    expect(pingAllNodes(a.stack, a.em0, events)).toBeNull();
    sim.run(1000);
    expect(events).toEqual([]);
    expect(b.counter('ipv6.in.interface-disabled')).toBe(dropped + 2);

    // Enabled again: DAD passes (nobody claims the address now), and b answers.
    b.stack.services.get(NdControlService).redoDad(b.em0.index, bLinkLocal.address.toString());
    expect(b.events.map((e) => e.type)).toContain('IPV6_ENABLED');
    sim.run(3000);
    expect(bLinkLocal.isActive(b.em0)).toBe(true);
    const again: EchoEvent[] = [];
    expect(pingAllNodes(a.stack, a.em0, again)).toBeNull();
    sim.run(1000);
    expect(again).toMatchObject([{ type: 'reply', from: bLinkLocal.address }]);
    expect(b.counter('icmp6.in.echo-request')).toBe(1);
    expect(b.counter('ipv6.out.interface-disabled')).toBe(1);
    expect(b.stack.pool.stats.inUse).toBe(0);
  });

  it('is enabled again by a new hardware address: the new link-local address answers', () => {
    const { sim, a, b } = disabledLan();
    b.em0.setHardwareAddress('02:00:00:00:00:bb');
    sim.run(3000);
    const fresh = linkLocal(b.em0);
    expect(fresh.address.toString()).toBe('fe80::ff:fe00:bb');
    expect(fresh.isActive(b.em0)).toBe(true);
    const dropped = b.counter('ipv6.in.interface-disabled');
    const events: EchoEvent[] = [];
    expect(pingAllNodes(a.stack, a.em0, events)).toBeNull();
    sim.run(1000);
    expect(events).toMatchObject([{ type: 'reply', from: fresh.address }]);
    expect(b.counter('ipv6.in.interface-disabled')).toBe(dropped);
    expect(b.counter('ipv6.out.interface-disabled')).toBe(0);
  });
});
