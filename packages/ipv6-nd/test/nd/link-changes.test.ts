// What ND does when the link changes under it: the interface goes down (RAs' lessons are dropped),
// its hardware address changes (RFC 4861 §7.2.6; EUI-64 addresses follow), and its hardware-derived
// link-local address turns out duplicated (RFC 4862 §5.4.5: IPv6 is disabled on it).
import { AddressFlags, type ManualClock } from '@stack/core';
import { describe, expect, it } from 'vitest';
import { NdControlService, NdMessageType } from '../../src/nd/index.js';
import { harness, type Harness, mac, na, nd, ns, option, pio, ra, slla, text6 } from './helpers.js';
import { node, world } from './scenario-helpers.js';

const NA = NdMessageType.NEIGHBOR_ADVERTISEMENT;
const RS = NdMessageType.ROUTER_SOLICITATION;
const ipv6Of = (h: Harness, name = 'em0') => h.stack.interfaces.require(name).addresses.filter((a) => a.family === 'ipv6');
const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');

/** Unsolicited NAs sent: `target link-address` for each. */
function unsolicited(h: Harness): string[] {
  return h.ofType(NA).map((s) => {
    const m = nd(s);
    if (m.kind !== 'neighbor-advertisement') throw new Error('not an NA');
    expect([s.dst, m.solicited, m.override]).toEqual(['ff02::1', false, true]);
    return `${text6(m.target)} ${hex(option(m, 'target-link-address')!.address)}`;
  });
}

describe('interface down (link state)', () => {
  it.each([
    ['administratively', (ifp: { setUp(up: boolean): void }) => ifp.setUp(false), (ifp: { setUp(up: boolean): void }) => ifp.setUp(true)],
    ['no carrier', (ifp: { linkStateChanged(up: boolean): void }) => ifp.linkStateChanged(false), (ifp: { linkStateChanged(up: boolean): void }) => ifp.linkStateChanged(true)],
  ] as const)('drops learnt routers, prefixes and link parameters at once when the interface goes down (%s), and solicits again when it is back', (_how, down, up) => {
    const h = harness({ dadMaxDelayMs: 0, maxRtrSolicitationDelayMs: 0 });
    const em0 = h.addInterface();
    h.clock.advance(20_000);
    h.receive(em0, ra({ curHopLimit: 33, options: [slla('02:00:00:00:00:01'), pio('2001:db8:1::', 64, 86_400, 14_400)] }), { src: 'fe80::1', dst: 'ff02::1' });
    const control = h.stack.services.get(NdControlService);
    expect(control.routers()).toHaveLength(1);
    expect(h.routes.list(0, 'ipv6').filter((r) => r.source === 'nd')).toHaveLength(2);
    expect(h.nd.hopLimit(em0.index)).toBe(33);
    const formed = ipv6Of(h).find((a) => a.address.toString().startsWith('2001:db8:1:'))!;
    const rsBefore = h.ofType(RS).length;

    down(em0 as never);
    expect(control.routers()).toEqual([]);
    expect(control.prefixes()).toEqual([]);
    expect(h.routes.list(0, 'ipv6').filter((r) => r.source === 'nd')).toEqual([]);
    expect(h.nd.hopLimit(em0.index)).toBe(0);
    expect(h.events.filter((e) => e.type === 'ROUTER_REMOVED' || e.type === 'PREFIX_EXPIRED')).toMatchObject([
      { type: 'ROUTER_REMOVED', router: 'fe80::1', reason: 'down' },
      { type: 'PREFIX_EXPIRED', prefix: '2001:db8:1::/64' },
    ]);
    expect(em0.addresses).toContain(formed); // addresses keep their own lifetimes

    up(em0 as never);
    h.clock.advance(0);
    expect(h.ofType(RS).length).toBe(rsBefore + 1);
  });
});

describe('hardware address change (RFC 4861 §7.2.6)', () => {
  it('re-forms EUI-64 addresses from the new MAC and announces the others with unsolicited NAs', () => {
    const h = harness({ dadMaxDelayMs: 0, interfaceIdentifier: 'eui64' });
    const em0 = h.addInterface('em0', '00:11:22:33:44:55');
    const fixed = em0.addAddress({ address: '2001:db8::1/64' });
    h.clock.advance(2000);
    h.receive(em0, ra({ options: [slla('02:00:00:00:00:01'), pio('2001:db8:1::', 64, 86_400, 14_400)] }), { src: 'fe80::1', dst: 'ff02::1' });
    h.clock.advance(2000);
    expect(ipv6Of(h).map((a) => a.address.toString())).toEqual(['fe80::211:22ff:fe33:4455', '2001:db8::1', '2001:db8:1:0:211:22ff:fe33:4455']);
    expect(ipv6Of(h).every((a) => a.isActive(em0))).toBe(true);
    h.sent.length = 0;

    em0.setHardwareAddress('00:11:22:33:44:66');
    const now = ipv6Of(h);
    expect(now.map((a) => a.address.toString())).toEqual(['2001:db8::1', 'fe80::211:22ff:fe33:4466', '2001:db8:1:0:211:22ff:fe33:4466']);
    expect(now.filter((a) => a !== fixed).every((a) => (a.flags & (AddressFlags.TENTATIVE | AddressFlags.AUTOCONF)) === (AddressFlags.TENTATIVE | AddressFlags.AUTOCONF))).toBe(true);
    expect(now[2].validUntil - h.clock.now()).toBe(86_400_000 - 2000); // formed 2 s ago: the remaining lifetimes carry over
    expect(unsolicited(h)).toEqual(['2001:db8::1 00:11:22:33:44:66']);
    h.clock.advance(3000);
    expect(unsolicited(h)).toEqual(Array(3).fill('2001:db8::1 00:11:22:33:44:66')); // MAX_NEIGHBOR_ADVERTISEMENT
    expect(ipv6Of(h).every((a) => a.isActive(em0))).toBe(true); // the new ones passed DAD
  });

  it('keeps stable identifiers (RFC 7217 does not use the MAC) and announces them', () => {
    const h = harness({ dadMaxDelayMs: 0, announceCount: 1 });
    const em0 = h.addInterface('em0', '02:00:00:00:00:0a');
    h.clock.advance(2000);
    const ll = ipv6Of(h)[0];
    h.sent.length = 0;
    em0.setHardwareAddress('02:00:00:00:00:0b');
    expect(ipv6Of(h)).toEqual([ll]);
    expect(unsolicited(h)).toEqual([`${ll.address.toString()} 02:00:00:00:00:0b`]);
  });
});

describe('a duplicated hardware-derived link-local address disables IPv6 on the interface (RFC 4862 §5.4.5)', () => {
  function disabled() {
    const h = harness({ dadMaxDelayMs: 0, maxRtrSolicitationDelayMs: 500, interfaceIdentifier: 'eui64' });
    const em0 = h.addInterface('em0', '00:11:22:33:44:55');
    const ll = ipv6Of(h)[0];
    const global = em0.addAddress({ address: '2001:db8::5/64' });
    h.receive(em0, na('fe80::211:22ff:fe33:4455', { override: true }, '00:11:22:33:44:55'), { src: 'fe80::211:22ff:fe33:4455', dst: 'ff02::1' });
    return { h, em0, ll, global, control: h.stack.services.get(NdControlService) };
  }

  it('counts it, reports it after the conflict, and neither sends nor receives ND there; the other addresses are held', () => {
    const { h, em0, ll, global, control } = disabled();
    expect(ll.flags & AddressFlags.DUPLICATED).toBe(AddressFlags.DUPLICATED);
    expect(h.counter('nd.dad.interface-disabled')).toBe(1);
    expect(h.events.filter((e) => e.type === 'DAD_CONFLICT' || e.type === 'IPV6_DISABLED').map((e) => e.type)).toEqual(['DAD_CONFLICT', 'IPV6_DISABLED']);
    expect(h.events.find((e) => e.type === 'IPV6_DISABLED')).toEqual({
      system: 'ND', subsystem: 'em0', type: 'IPV6_DISABLED', ifindex: em0.index, address: 'fe80::211:22ff:fe33:4455', linkAddress: '00:11:22:33:44:55',
    });
    expect(control.interfaces()[0].ipv6Disabled).toBe(true);
    const sent = h.sent.length;
    h.clock.advance(30_000);
    expect(global.flags & AddressFlags.TENTATIVE).toBe(AddressFlags.TENTATIVE); // never usable
    expect(global.isActive(em0)).toBe(false);
    h.receive(em0, ra({ options: [slla('02:00:00:00:00:01'), pio('2001:db8:1::', 64, 86_400, 14_400)] }), { src: 'fe80::1', dst: 'ff02::1' });
    h.receive(em0, ns('2001:db8::5', [slla('02:00:00:00:00:44')]), { src: 'fe80::44', dst: 'ff02::1:ff00:5' });
    expect(h.counter('nd.rx.ipv6-disabled')).toBe(2);
    expect(control.routers()).toEqual([]);
    expect(ipv6Of(h)).toHaveLength(2); // no SLAAC address
    em0.addAddress({ address: '2001:db8::6/64', flags: AddressFlags.NODAD });
    expect(ipv6Of(h).at(-1)!.isActive(em0)).toBe(false); // held too
    h.clock.advance(30_000);
    expect(h.sent.length).toBe(sent); // no DAD probe, RS, NA or MLD report
  });

  it('is enabled again by a new hardware address: a new link-local address, and the held ones run DAD', () => {
    const { h, em0, global, control } = disabled();
    h.clock.advance(5000);
    em0.setHardwareAddress('00:11:22:33:44:66');
    expect(h.events.filter((e) => e.type === 'IPV6_ENABLED')).toHaveLength(1);
    h.clock.advance(5000);
    expect(ipv6Of(h).map((a) => [a.address.toString(), a.isActive(em0)])).toEqual([
      ['2001:db8::5', true],
      ['fe80::211:22ff:fe33:4466', true],
    ]);
    expect(global.isActive(em0)).toBe(true);
    expect(control.interfaces()[0].ipv6Disabled).toBe(false);
    expect(h.ofType(RS).length).toBeGreaterThan(0);
  });

  it('is enabled again by redoDad on the interface', () => {
    const { h, em0, ll, global, control } = disabled();
    control.redoDad(em0.index, 'fe80::211:22ff:fe33:4455');
    h.clock.advance(5000);
    expect([ll.isActive(em0), global.isActive(em0)]).toEqual([true, true]);
    expect(control.interfaces()[0].ipv6Disabled).toBe(false);
  });

  it('does not disable for a stable link-local address, nor for a duplicated global EUI-64 address', () => {
    const h = harness({ dadMaxDelayMs: 0, idgenRetries: 0 });
    const em0 = h.addInterface('em0', '00:11:22:33:44:55');
    const ll = ipv6Of(h)[0];
    h.receive(em0, na(ll.address.toString(), { override: true }, '02:00:00:00:00:77'), { src: ll.address.toString(), dst: 'ff02::1' });
    expect(ll.flags & AddressFlags.DUPLICATED).toBe(AddressFlags.DUPLICATED);
    em0.addAddress({ address: '2001:db8::211:22ff:fe33:4455/64' });
    h.receive(em0, na('2001:db8::211:22ff:fe33:4455', { override: true }, '02:00:00:00:00:77'), { src: '2001:db8::211:22ff:fe33:4455', dst: 'ff02::1' });
    expect(h.counter('nd.dad.duplicates')).toBe(2);
    expect(h.counter('nd.dad.interface-disabled')).toBe(0);
  });

  it('over the wire: a second node with the same MAC disables IPv6 on its interface and the first keeps working', () => {
    const { sim } = world();
    const clock = sim.clock as ManualClock;
    const sw = sim.switch();
    const same = mac('00:11:22:33:44:55');
    const a = node(clock, 'a', sw.port({ mac: same }), { interfaceIdentifier: 'eui64' });
    sim.run(3000);
    const b = node(clock, 'b', sw.port({ mac: same }), { interfaceIdentifier: 'eui64' });
    sim.run(3000);
    expect(a.em0.addresses[0].isActive(a.em0)).toBe(true);
    expect(b.em0.addresses[0].flags & AddressFlags.DUPLICATED).toBe(AddressFlags.DUPLICATED);
    expect(b.events.map((e) => e.type)).toContain('IPV6_DISABLED');
    expect(a.counter('nd.dad.interface-disabled')).toBe(0);
  });
});
