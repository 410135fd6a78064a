// Per-interface ND settings: defaults from the options, overrides per interface name or index in
// `interfaces`, and `NdControl.setInterfaceOptions` for interfaces that exist or appear later.
import { AddressFlags, createStack, type NetInterface } from '@stack/core';
import { etherModule } from '@stack/ether';
import { fibModule } from '@stack/fib';
import { describe, expect, it } from 'vitest';
import { ipv6Module } from '../../src/index.js';
import { type NdControl, NdControlService, NdMessageType, NdOptionError, type NdOptions, resolveNdOptions } from '../../src/nd/index.js';
import { harness, type Harness, outgoing, pio, ra, slla } from './helpers.js';

const RS = NdMessageType.ROUTER_SOLICITATION;
const NS = NdMessageType.NEIGHBOR_SOLICITATION;
const sentOn = (h: Harness, type: number, ifp: NetInterface) => h.ofType(type).filter((s) => s.ifindex === ifp.index);
const ipv6Of = (ifp: NetInterface) => ifp.addresses.filter((a) => a.family === 'ipv6');
const control = (h: Harness): NdControl => h.stack.services.get(NdControlService);

function fieldOf(options: NdOptions): string | null {
  try {
    resolveNdOptions(options);
  } catch (e) {
    expect(e).toBeInstanceOf(NdOptionError);
    return (e as NdOptionError).field;
  }
  return null;
}

describe('per-interface ND options', () => {
  it('validates the interfaces table, naming the field', () => {
    expect(fieldOf({ interfaces: { em0: { dadTransmits: 11 } } })).toBe('interfaces.em0.dadTransmits');
    expect(fieldOf({ interfaces: { em0: { slaac: 'no' as unknown as boolean } } })).toBe('interfaces.em0.slaac');
    expect(fieldOf({ interfaces: { 3: { interfaceIdentifier: 'mac' as 'eui64' } } })).toBe('interfaces.3.interfaceIdentifier');
    expect(fieldOf({ interfaces: { em0: { secret: 'a stack-wide option, not per interface' } as NdOptions } })).toBe('interfaces.em0.secret');
    expect(fieldOf({ interfaces: { Em0: {} } })).toBe('interfaces.Em0');
    expect(fieldOf({ interfaces: { em0: 5 as unknown as NdOptions } })).toBe('interfaces.em0');
    expect(fieldOf({ interfaces: [] as unknown as NdOptions['interfaces'] })).toBe('interfaces');
    expect(() => resolveNdOptions({ interfaces: { em0: { retransTimerMs: 0 } } })).toThrow(/interfaces\.em0\.retransTimerMs must be an integer in 1\.\.86400000, got 0/);
    const c = resolveNdOptions({ slaac: false, interfaces: { em0: { slaac: true, mld: undefined } } });
    expect(c).toMatchObject({ slaac: false, interfaces: { em0: { slaac: true } } });
    expect(c.interfaces.em0).not.toHaveProperty('mld');
    expect(resolveNdOptions(c).interfaces).toEqual(c.interfaces);
  });

  it('names the field through ipv6Module', () => {
    expect(() => ipv6Module({ nd: { interfaces: { em0: { dadTransmits: 11 } } } })).toThrow(/^ipv6Module: nd\.interfaces\.em0\.dadTransmits: /);
  });

  it('applies overrides per interface: link-local formation, identifiers, DAD, RAs and SLAAC', () => {
    const h = harness({
      dadMaxDelayMs: 0,
      maxRtrSolicitationDelayMs: 0,
      interfaces: {
        em1: { linkLocal: false, dadTransmits: 0, slaac: false },
        em2: { interfaceIdentifier: 'eui64', acceptRa: false },
      },
    });
    const em0 = h.addInterface('em0', '02:00:00:00:00:0a');
    const em1 = h.addInterface('em1', '02:00:00:00:00:1a');
    const em2 = h.addInterface('em2', '02:00:00:00:00:2a');
    expect(ipv6Of(em0).map((a) => a.toString())).toEqual([expect.not.stringContaining('ff:fe')]);
    expect(ipv6Of(em1)).toEqual([]);
    expect(ipv6Of(em2).map((a) => a.toString())).toEqual(['fe80::ff:fe00:2a/64']);
    // DAD: em1 skips it (dadTransmits 0), em0 probes.
    const a0 = em0.addAddress({ address: '2001:db8::1/64' });
    const a1 = em1.addAddress({ address: '2001:db8:1::1/64' });
    expect(a0.flags & AddressFlags.TENTATIVE).toBe(AddressFlags.TENTATIVE);
    expect(a1.flags & AddressFlags.TENTATIVE).toBe(0);
    h.clock.advance(20_000);
    // Router solicitation only where RAs are accepted.
    expect(sentOn(h, RS, em0).length).toBeGreaterThan(0);
    expect(sentOn(h, RS, em2)).toEqual([]);
    const advert = (prefix: string) => ra({ options: [slla('02:00:00:00:00:01'), pio(prefix, 64, 86_400, 14_400)] });
    h.receive(em0, advert('2001:db8:10::'), { src: 'fe80::1', dst: 'ff02::1' });
    h.receive(em1, advert('2001:db8:11::'), { src: 'fe80::1', dst: 'ff02::1' });
    h.receive(em2, advert('2001:db8:12::'), { src: 'fe80::1', dst: 'ff02::1' });
    expect(ipv6Of(em0).some((a) => a.address.toString().startsWith('2001:db8:10:'))).toBe(true);
    expect(ipv6Of(em1).some((a) => a.address.toString().startsWith('2001:db8:11:'))).toBe(false); // slaac off
    expect(ipv6Of(em2).some((a) => a.address.toString().startsWith('2001:db8:12:'))).toBe(false); // RAs ignored
    expect(control(h).routers().map((r) => r.ifindex)).toEqual([em0.index, em1.index]);
    expect(h.counter('nd.rx.ra-ignored')).toBe(1);
    const info = control(h).interfaces();
    expect(info.map((i) => [i.name, i.acceptRa, i.slaac, i.dadTransmits, i.settings.linkLocal, i.settings.interfaceIdentifier])).toEqual([
      ['em0', true, true, 1, true, 'stable'],
      ['em1', true, false, 0, false, 'stable'],
      ['em2', false, true, 1, true, 'eui64'],
    ]);
  });

  it('times neighbour resolution with the interface RetransTimer, and takes overrides by index, by name winning', () => {
    const h = harness({ linkLocal: false, dadTransmits: 0, interfaces: { 2: { retransTimerMs: 250, reachableTimeMs: 5000 }, em1: { retransTimerMs: 400 } } });
    const em0 = h.addInterface('em0', '02:00:00:00:00:0a'); // index 2
    const em1 = h.addInterface('em1', '02:00:00:00:00:1a'); // index 3
    expect(em0.index).toBe(2);
    em0.addAddress({ address: '2001:db8::1/64' });
    const drop = () => {};
    h.nd.resolver.resolve(em0, outgoing('2001:db8::99', '2001:db8::1', 1), new Uint8Array(6), drop);
    h.clock.advance(250);
    h.clock.advance(250);
    expect(sentOn(h, NS, em0)).toHaveLength(3);
    h.clock.advance(250);
    expect(h.counter('nd.cache.resolution-failed')).toBe(1);
    expect(control(h).interfaces().map((i) => [i.name, i.retransTimer, i.baseReachableTime])).toEqual([
      ['em0', 250, 5000],
      ['em1', 400, 30_000],
    ]);
    // Changed at run time, the RetransTimer in use follows.
    control(h).setInterfaceOptions('em0', { retransTimerMs: 100 });
    h.nd.resolver.resolve(em0, outgoing('2001:db8::98', '2001:db8::1', 2), new Uint8Array(6), drop);
    h.clock.advance(100);
    h.clock.advance(100);
    expect(sentOn(h, NS, em0)).toHaveLength(6);
    // The setter's index of an existing interface stands for its name: not shadowed by the name entry.
    control(h).setInterfaceOptions(em1.index, { retransTimerMs: 700 });
    expect(control(h).interfaces(em1.index)[0].retransTimer).toBe(700);
    // In the options, an entry by name wins over one by index.
    const both = harness({ linkLocal: false, interfaces: { 2: { retransTimerMs: 250, slaac: false }, em0: { retransTimerMs: 400 } } });
    both.addInterface('em0');
    expect(control(both).interfaces()[0]).toMatchObject({ retransTimer: 400, slaac: false });
  });

  it('runs MLD only where it is on', () => {
    const h = harness({ linkLocal: false, dadTransmits: 0, interfaces: { em1: { mld: false } } });
    const em0 = h.addInterface('em0', '02:00:00:00:00:0a');
    const em1 = h.addInterface('em1', '02:00:00:00:00:1a');
    em0.addAddress({ address: '2001:db8::1/64' });
    em1.addAddress({ address: '2001:db8:1::1/64' });
    h.clock.advance(5000);
    expect(sentOn(h, NdMessageType.MLDV2_REPORT, em0).length).toBeGreaterThan(0);
    expect(sentOn(h, NdMessageType.MLDV2_REPORT, em1)).toEqual([]);
    expect(h.nd.isMember(em1.index, Uint8Array.of(0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0, 0, 1), 0)).toBe(true); // still joined
    // Turned on at run time: the groups are reported; turned off, pending retransmissions stop.
    control(h).setInterfaceOptions('em1', { mld: true });
    expect(sentOn(h, NdMessageType.MLDV2_REPORT, em1)).toHaveLength(1);
    control(h).setInterfaceOptions('em1', { mld: false });
    h.clock.advance(5000);
    expect(sentOn(h, NdMessageType.MLDV2_REPORT, em1)).toHaveLength(1);
  });
});

describe('NdControl.setInterfaceOptions', () => {
  it('configures an interface that appears later, by name', () => {
    const h = harness({ dadMaxDelayMs: 0 });
    control(h).setInterfaceOptions('em7', { linkLocal: false, dadTransmits: 0 });
    const em7 = h.addInterface('em7', '02:00:00:00:00:7a');
    expect(ipv6Of(em7)).toEqual([]);
    expect(em7.addAddress({ address: '2001:db8::7/64' }).flags & AddressFlags.TENTATIVE).toBe(0);
    expect(ipv6Of(h.addInterface('em8', '02:00:00:00:00:8a'))).toHaveLength(1); // the defaults elsewhere
  });

  it('applies at once on an existing interface: router solicitation, link-local formation, timers', () => {
    const h = harness({ dadMaxDelayMs: 0, maxRtrSolicitationDelayMs: 0, linkLocal: false, acceptRa: false });
    const em0 = h.addInterface('em0', '00:11:22:33:44:55');
    h.clock.advance(10_000);
    expect(ipv6Of(em0)).toEqual([]);
    expect(sentOn(h, RS, em0)).toEqual([]);
    control(h).setInterfaceOptions('em0', { linkLocal: true, interfaceIdentifier: 'eui64', acceptRa: true, retransTimerMs: 333 });
    expect(ipv6Of(em0).map((a) => a.toString())).toEqual(['fe80::211:22ff:fe33:4455/64']);
    h.clock.advance(0);
    expect(sentOn(h, RS, em0)).toHaveLength(1);
    expect(control(h).interfaces()[0]).toMatchObject({ retransTimer: 333, acceptRa: true, settings: { linkLocal: true, interfaceIdentifier: 'eui64' } });
    control(h).setInterfaceOptions(em0.index, { acceptRa: false });
    h.clock.advance(60_000);
    expect(sentOn(h, RS, em0)).toHaveLength(1); // stopped
    h.receive(em0, ra({ options: [slla('02:00:00:00:00:01')] }), { src: 'fe80::1', dst: 'ff02::1' });
    expect(control(h).routers()).toEqual([]);
  });

  it('refuses bad settings, naming the field, and changes nothing', () => {
    const h = harness();
    const em0 = h.addInterface();
    const c = control(h);
    expect(() => c.setInterfaceOptions('em0', { dadTransmits: 11 })).toThrow(NdOptionError);
    expect(() => c.setInterfaceOptions('em0', { dadTransmits: 11 })).toThrow(/interfaces\.em0\.dadTransmits must be an integer in 0\.\.10/);
    expect(() => c.setInterfaceOptions('em0', { slaac: false, maxQueued: 2 } as NdOptions)).toThrow(/interfaces\.em0\.maxQueued is not a per-interface setting/);
    expect(() => c.setInterfaceOptions(0, {})).toThrow(/^neighbour discovery: interfaces\.0 /);
    expect(() => c.setInterfaceOptions('EM0', {})).toThrow(/interfaces\.EM0 is neither/);
    expect(c.interfaces(em0.index)[0]).toMatchObject({ slaac: true, dadTransmits: 1 });
  });

  it('is provided by the real module too', () => {
    const stack = createStack({ name: 'x' });
    stack.load(fibModule());
    stack.load(etherModule());
    stack.load(ipv6Module({ nd: { interfaces: { em0: { slaac: false } } } }));
    const em0 = stack.interfaces.add({ name: 'em0', type: 'ethernet', hardwareAddress: '02:00:00:00:00:01' });
    expect(stack.services.get(NdControlService).interfaces(em0.index)[0].slaac).toBe(false);
    void stack.destroy();
  });
});
