// Router discovery, prefixes, SLAAC and redirects on the host side (RFC 4861 §6.3, §8.3; RFC 4862 §5.5).
import { AddressFlags, Ipv6Address, type NetInterface, RouteFlags } from '@stack/core';
import { describe, expect, it } from 'vitest';
import { NdControlService, NdMessageType } from '../../src/nd/index.js';
import { harness, type Harness, mac, na, nd, option, outgoing, pio, ra, slla, v6 } from './helpers.js';

const RS = NdMessageType.ROUTER_SOLICITATION;
const R1 = 'fe80::1';
const R2 = 'fe80::2';

function host(options = {}): { h: Harness; em0: NetInterface; ll: string } {
  const h = harness({ dadMaxDelayMs: 0, ...options });
  const em0 = h.addInterface();
  h.clock.advance(1000);
  return { h, em0, ll: em0.addresses[0].address.toString() };
}

const defaultRoutes = (h: Harness) => h.routes.list(0, 'ipv6').filter((r) => r.prefixLength === 0);

describe('router solicitation (RFC 4861 §6.3.7)', () => {
  it('sends MAX_RTR_SOLICITATIONS solicitations RTR_SOLICITATION_INTERVAL apart, the first after a random delay', () => {
    const h = harness({ maxRtrSolicitationDelayMs: 1000, dadMaxDelayMs: 500 });
    const em0 = h.addInterface();
    h.clock.advance(1000);
    const first = h.ofType(RS);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ dst: 'ff02::2', hopLimit: 255 });
    h.clock.advance(4000);
    h.clock.advance(4000);
    const all = h.ofType(RS);
    expect(all).toHaveLength(3);
    // Once the link-local address is ready, solicitations come from it with our link-layer address.
    const last = nd(all[2]);
    expect(all[2].src).toBe(em0.addresses[0].address.toString());
    expect([...option(last, 'source-link-address')!.address]).toEqual([...mac('02:00:00:00:00:0a')]);
    h.clock.advance(60_000);
    expect(h.ofType(RS)).toHaveLength(3);
  });

  it('stops soliciting once an RA with a router lifetime arrives, and sends none when RAs are not accepted', () => {
    const h = harness({ maxRtrSolicitationDelayMs: 0 });
    const em0 = h.addInterface();
    h.clock.advance(0);
    h.receive(em0, ra({ options: [slla('02:00:00:00:00:01')] }), { src: R1, dst: 'ff02::1' });
    h.clock.advance(20_000);
    expect(h.ofType(RS)).toHaveLength(1);
    const off = harness({ acceptRa: false });
    off.addInterface();
    off.clock.advance(20_000);
    expect(off.ofType(RS)).toHaveLength(0);
  });
});

describe('router advertisements (RFC 4861 §6.3.4)', () => {
  it('installs ::/0 via the router in the interface FIB, learns its parameters, and drops the route when the lifetime ends', () => {
    const { h, em0 } = host();
    h.receive(em0, ra({ curHopLimit: 42, routerLifetime: 600, reachableTime: 20_000, retransTimer: 500, options: [slla('02:00:00:00:00:01'), { type: 'mtu', mtu: 1400 }] }), { src: R1, dst: 'ff02::1' });
    expect(defaultRoutes(h)).toMatchObject([{ gateway: Ipv6Address.parse(R1), ifindex: em0.index, source: 'nd', installed: true }]);
    expect(defaultRoutes(h)[0].flags & RouteFlags.GATEWAY).toBe(RouteFlags.GATEWAY);
    expect(h.nd.hopLimit(em0.index)).toBe(42);
    expect(h.nd.linkMtu(em0.index)).toBe(1400);
    const control = h.stack.services.get(NdControlService);
    expect(control.interfaces(em0.index)[0]).toMatchObject({ curHopLimit: 42, linkMtu: 1400, baseReachableTime: 20_000, retransTimer: 500 });
    const reachable = control.interfaces(em0.index)[0].reachableTime;
    expect(reachable).toBeGreaterThanOrEqual(10_000);
    expect(reachable).toBeLessThanOrEqual(30_000);
    expect(control.routers()).toMatchObject([{ address: R1, selected: true, preference: 'medium', reachability: 'stale' }]);
    expect(h.nd.resolver.list()).toMatchObject([{ address: R1, isRouter: true, state: 'stale' }]);
    expect(h.events.filter((e) => e.type === 'ROUTER_ADDED' || e.type === 'DEFAULT_ROUTER')).toMatchObject([
      { type: 'ROUTER_ADDED', router: R1, lifetime: 600 },
      { type: 'DEFAULT_ROUTER', router: R1, fib: 0 },
    ]);
    h.clock.advance(599_999);
    expect(defaultRoutes(h)).toHaveLength(1);
    h.clock.advance(1);
    expect(defaultRoutes(h)).toHaveLength(0);
    expect(h.events.find((e) => e.type === 'ROUTER_REMOVED')).toMatchObject({ router: R1, reason: 'expired' });
  });

  it('lets a static default route win over the learnt one', () => {
    const { h, em0 } = host();
    h.routes.add(0, { prefix: Ipv6Address.UNSPECIFIED, prefixLength: 0, gateway: Ipv6Address.parse('fe80::99'), ifindex: em0.index });
    h.receive(em0, ra(), { src: R1, dst: 'ff02::1' });
    const routes = defaultRoutes(h);
    expect(routes.find((r) => r.source === 'static')!.installed).toBe(true);
  });

  it('removes a router that advertises lifetime 0 or whose NA clears the R flag', () => {
    const { h, em0, ll } = host();
    h.receive(em0, ra({ options: [slla('02:00:00:00:00:01')] }), { src: R1, dst: 'ff02::1' });
    h.receive(em0, ra({ routerLifetime: 0 }), { src: R1, dst: 'ff02::1' });
    expect(defaultRoutes(h)).toHaveLength(0);
    expect(h.events.find((e) => e.type === 'ROUTER_REMOVED')).toMatchObject({ reason: 'withdrawn' });
    h.receive(em0, ra({ options: [slla('02:00:00:00:00:01')] }), { src: R1, dst: 'ff02::1' });
    expect(defaultRoutes(h)).toHaveLength(1);
    h.receive(em0, na(R1, { solicited: false, override: false, router: false }), { src: R1, dst: ll });
    expect(defaultRoutes(h)).toHaveLength(0);
    expect(h.events.filter((e) => e.type === 'ROUTER_REMOVED').at(-1)).toMatchObject({ reason: 'not-router' });
  });

  it('ignores RAs for configuration when the node is a router or acceptRa is off', () => {
    for (const setup of [(h: Harness) => (h.router = true), () => {}]) {
      const { h, em0 } = host(setup.length === 0 ? { acceptRa: false } : {});
      setup(h);
      h.receive(em0, ra({ curHopLimit: 9, options: [pio('2001:db8:1::', 64, 3600, 1800)] }), { src: R1, dst: 'ff02::1' });
      expect(defaultRoutes(h)).toHaveLength(0);
      expect(h.nd.hopLimit(em0.index)).toBe(0);
      expect(em0.addresses).toHaveLength(1);
      expect(h.counter('nd.rx.ra-ignored')).toBe(1);
    }
  });

  it('ignores an MTU option below 1280 or above the interface MTU', () => {
    const { h, em0 } = host();
    h.receive(em0, ra({ options: [{ type: 'mtu', mtu: 1000 }] }), { src: R1, dst: 'ff02::1' });
    h.receive(em0, ra({ options: [{ type: 'mtu', mtu: 9000 }] }), { src: R1, dst: 'ff02::1' });
    expect(h.nd.linkMtu(em0.index)).toBe(0);
    expect(h.counter('nd.ra.mtu-ignored')).toBe(2);
  });
});

describe('default router selection (RFC 4861 §6.3.6, RFC 4191)', () => {
  it('moves to another router when the chosen one fails unreachability detection', () => {
    const { h, em0, ll } = host({ random: () => 0.5 });
    h.receive(em0, ra({ options: [slla('02:00:00:00:00:01')] }), { src: R1, dst: 'ff02::1' });
    h.receive(em0, ra({ options: [slla('02:00:00:00:00:02')] }), { src: R2, dst: 'ff02::1' });
    expect(defaultRoutes(h)[0].gateway!.toString()).toBe(R1);
    // Traffic through R1 finds it silent: DELAY → PROBE → deleted.
    const out = new Uint8Array(6);
    h.nd.resolver.resolve(em0, outgoing(R1, ll, 1), out, (_i, b) => b.release());
    h.clock.advance(5000 + 3000);
    expect(h.nd.resolver.list().map((e) => e.address)).toEqual([R2]);
    expect(defaultRoutes(h)[0].gateway!.toString()).toBe(R2);
    expect(h.events.filter((e) => e.type === 'DEFAULT_ROUTER').map((e) => e.type === 'DEFAULT_ROUTER' && e.router)).toEqual([R1, R2]);
  });

  it('prefers a router whose neighbour entry is known, then the higher RFC 4191 preference', () => {
    const { h, em0 } = host();
    h.receive(em0, ra(), { src: R1, dst: 'ff02::1' }); // no SLLA: reachability unknown
    h.receive(em0, ra({ options: [slla('02:00:00:00:00:02')] }), { src: R2, dst: 'ff02::1' });
    expect(defaultRoutes(h)[0].gateway!.toString()).toBe(R2);
    h.receive(em0, ra({ flags: 0x08 /* Prf high */, options: [slla('02:00:00:00:00:01')] }), { src: R1, dst: 'ff02::1' });
    expect(defaultRoutes(h)[0].gateway!.toString()).toBe(R1);
    const control = h.stack.services.get(NdControlService);
    expect(control.routers().map((r) => [r.address, r.preference, r.selected])).toEqual([
      [R1, 'high', true],
      [R2, 'medium', false],
    ]);
  });
});

describe('prefixes and SLAAC (RFC 4861 §6.3.4, RFC 4862 §5.5.3)', () => {
  it('installs an on-link route, forms a stable address that runs DAD, deprecates it and removes it at the end of its lifetimes', () => {
    const { h, em0 } = host();
    h.receive(em0, ra({ options: [pio('2001:db8:1::', 64, 7200, 3600)] }), { src: R1, dst: 'ff02::1' });
    const onLink = h.routes.list(0, 'ipv6').filter((r) => r.prefixLength === 64 && r.source === 'nd');
    expect(onLink).toMatchObject([{ prefix: Ipv6Address.parse('2001:db8:1::'), gateway: null, ifindex: em0.index }]);
    const formed = em0.addresses.find((a) => a.address.toString().startsWith('2001:db8:1:'))!;
    expect(formed).toBeDefined();
    expect(formed.prefixLength).toBe(64);
    expect(formed.flags & (AddressFlags.AUTOCONF | AddressFlags.TENTATIVE)).toBe(AddressFlags.AUTOCONF | AddressFlags.TENTATIVE);
    expect(formed.validUntil - h.clock.now()).toBe(7_200_000);
    expect(formed.preferredUntil - h.clock.now()).toBe(3_600_000);
    h.clock.advance(1000);
    expect(formed.isActive(em0)).toBe(true);
    expect(h.events.find((e) => e.type === 'PREFIX_LEARNED')).toMatchObject({ prefix: '2001:db8:1::/64' });
    const control = h.stack.services.get(NdControlService);
    expect(control.prefixes()).toMatchObject([{ prefix: '2001:db8:1::/64', onLink: true, autonomous: true, advertisedBy: [R1], address: formed.address.toString() }]);
    h.clock.advance(3_600_000);
    expect(formed.flags & AddressFlags.DEPRECATED).toBe(AddressFlags.DEPRECATED);
    expect(formed.isActive(em0)).toBe(true); // deprecated addresses stay valid
    expect(h.events.find((e) => e.type === 'ADDRESS_DEPRECATED')).toMatchObject({ address: formed.address.toString() });
    h.clock.advance(3_600_000);
    expect(em0.addresses.includes(formed)).toBe(false);
    expect(h.routes.list(0, 'ipv6').filter((r) => r.prefixLength === 64 && r.source === 'nd')).toHaveLength(0);
    expect(h.events.filter((e) => e.type === 'ADDRESS_EXPIRED' || e.type === 'PREFIX_EXPIRED').map((e) => e.type).sort()).toEqual(['ADDRESS_EXPIRED', 'PREFIX_EXPIRED']);
  });

  it('refreshes lifetimes with the two-hour rule (§5.5.3 e) and clears DEPRECATED when the preferred lifetime comes back', () => {
    const { h, em0 } = host();
    const send = (valid: number, preferred: number) => h.receive(em0, ra({ options: [pio('2001:db8:2::', 64, valid, preferred)] }), { src: R1, dst: 'ff02::1' });
    send(3 * 3600, 0);
    const addr = em0.addresses.find((a) => a.address.toString().startsWith('2001:db8:2:'))!;
    h.clock.advance(1000);
    expect(addr.flags & AddressFlags.DEPRECATED).toBe(AddressFlags.DEPRECATED);
    const left = () => (addr.validUntil - h.clock.now()) / 1000;
    send(600, 300); // 3 h left, 10 min offered: capped at 2 h
    expect(left()).toBe(7200);
    expect(addr.flags & AddressFlags.DEPRECATED).toBe(0);
    expect(h.counter('nd.ra.two-hour-rule')).toBe(1);
    send(4 * 3600, 300); // longer than two hours: taken
    expect(left()).toBe(4 * 3600);
    h.clock.advance((4 * 3600 - 3600) * 1000);
    send(600, 300); // 1 h left, 10 min offered: ignored
    expect(left()).toBe(3600);
    send(0, 0); // not even a zero valid lifetime shortens it
    expect(left()).toBe(3600);
  });

  it('does not autoconfigure from link-local prefixes, bad lifetimes or prefixes that are not /64, nor when SLAAC is off', () => {
    const { h, em0 } = host();
    h.receive(em0, ra({ options: [pio('fe80::', 64, 3600, 1800), pio('2001:db8:3::', 64, 100, 200), pio('2001:db8:4::', 48, 3600, 1800)] }), { src: R1, dst: 'ff02::1' });
    expect(em0.addresses).toHaveLength(1);
    expect(h.counter('nd.ra.prefix-link-local')).toBe(1);
    expect(h.counter('nd.ra.prefix-bad-lifetimes')).toBe(1);
    expect(h.counter('nd.ra.prefix-bad-length')).toBe(1);
    const off = host({ slaac: false });
    off.h.receive(off.em0, ra({ options: [pio('2001:db8:1::', 64, 3600, 1800)] }), { src: R1, dst: 'ff02::1' });
    expect(off.em0.addresses).toHaveLength(1);
    expect(off.h.routes.list(0, 'ipv6').filter((r) => r.prefixLength === 64)).toHaveLength(1); // still on-link
  });

  it('times out an on-link prefix advertised with valid lifetime 0', () => {
    const { h, em0 } = host();
    h.receive(em0, ra({ options: [pio('2001:db8:5::', 64, 3600, 1800, { autonomous: false })] }), { src: R1, dst: 'ff02::1' });
    expect(h.routes.list(0, 'ipv6').filter((r) => r.source === 'nd' && r.prefixLength === 64)).toHaveLength(1);
    h.receive(em0, ra({ options: [pio('2001:db8:5::', 64, 0, 0, { autonomous: false })] }), { src: R1, dst: 'ff02::1' });
    expect(h.routes.list(0, 'ipv6').filter((r) => r.source === 'nd' && r.prefixLength === 64)).toHaveLength(0);
  });
});

describe('redirects (RFC 4861 §8.3)', () => {
  const redirect = (target: string, destination: string, tlla?: string) => ({
    kind: 'redirect' as const,
    code: 0,
    target: v6(target),
    destination: v6(destination),
    options: tlla === undefined ? [] : [{ type: 'target-link-address' as const, address: mac(tlla) }],
  });

  it('installs a host route through the better router, only when the current first hop sends it', () => {
    const { h, em0, ll } = host();
    h.receive(em0, ra({ options: [slla('02:00:00:00:00:01')] }), { src: R1, dst: 'ff02::1' });
    h.receive(em0, redirect(R2, '2001:db8:9::5', '02:00:00:00:00:02'), { src: 'fe80::3', dst: ll });
    expect(h.counter('nd.rx.redirect-not-first-hop')).toBe(1);
    expect(h.routes.list(0, 'ipv6').filter((r) => r.prefixLength === 128)).toHaveLength(0);
    h.receive(em0, redirect(R2, '2001:db8:9::5', '02:00:00:00:00:02'), { src: R1, dst: ll });
    const host128 = h.routes.list(0, 'ipv6').filter((r) => r.prefixLength === 128);
    expect(host128).toMatchObject([{ prefix: Ipv6Address.parse('2001:db8:9::5'), gateway: Ipv6Address.parse(R2), ifindex: em0.index, source: 'nd-redirect' }]);
    expect(h.nd.resolver.list().find((e) => e.address === R2)).toMatchObject({ state: 'stale', isRouter: true, linkAddress: '02:00:00:00:00:02' });
    expect(h.events.find((e) => e.type === 'REDIRECT')).toMatchObject({ destination: '2001:db8:9::5', target: R2 });
    // Now R2 is the first hop for that destination: it may redirect again, to the destination itself (on-link).
    h.receive(em0, redirect('2001:db8:9::5', '2001:db8:9::5', '02:00:00:00:00:05'), { src: R2, dst: ll });
    expect(h.routes.list(0, 'ipv6').filter((r) => r.prefixLength === 128)).toMatchObject([{ gateway: null, ifindex: em0.index }]);
    expect(h.nd.resolver.list().find((e) => e.address === '2001:db8:9::5')).toMatchObject({ isRouter: false, linkAddress: '02:00:00:00:00:05' });
    h.clock.advance(600_000);
    expect(h.routes.list(0, 'ipv6').filter((r) => r.prefixLength === 128)).toHaveLength(0);
  });
});
