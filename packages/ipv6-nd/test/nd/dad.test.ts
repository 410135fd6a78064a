// Duplicate address detection and link-local formation (RFC 4862 §5.3, §5.4; RFC 7217; RFC 7527).
import { AddressFlags } from '@stack/core';
import { describe, expect, it } from 'vitest';
import { NdMessageType } from '../../src/nd/index.js';
import { harness, mac, na, nd, option, ns, text6, v6 } from './helpers.js';

const DAD_NS = NdMessageType.NEIGHBOR_SOLICITATION;

describe('DAD (RFC 4862 §5.4)', () => {
  it('marks an added address TENTATIVE at once, probes from :: to its solicited-node group, then makes it usable', () => {
    const h = harness({ linkLocal: false });
    const em0 = h.addInterface();
    const addr = em0.addAddress({ address: '2001:db8::5/64' });
    expect(addr.flags & AddressFlags.TENTATIVE).toBe(AddressFlags.TENTATIVE);
    expect(addr.isActive(em0)).toBe(false);
    expect(h.nd.isMember(em0.index, v6('ff02::1:ff00:5'), 0)).toBe(true);
    expect(h.ofType(DAD_NS)).toHaveLength(0);
    h.clock.advance(1000); // random delay in [0, MAX_RTR_SOLICITATION_DELAY]
    const probes = h.ofType(DAD_NS);
    expect(probes).toHaveLength(1);
    expect(probes[0]).toMatchObject({ src: '::', dst: 'ff02::1:ff00:5', hopLimit: 255, routerAlert: false });
    const m = nd(probes[0]);
    expect(m.kind === 'neighbor-solicitation' && text6(m.target)).toBe('2001:db8::5');
    expect(option(m, 'source-link-address')).toBeUndefined(); // §7.2.2: never with ::
    expect(option(m, 'nonce')?.nonce).toHaveLength(6);
    expect(addr.flags & AddressFlags.TENTATIVE).toBe(AddressFlags.TENTATIVE);
    h.clock.advance(1000); // RetransTimer after the last probe
    expect(addr.flags & (AddressFlags.TENTATIVE | AddressFlags.DUPLICATED)).toBe(0);
    expect(addr.isActive(em0)).toBe(true);
    expect(h.events.filter((e) => e.type === 'ADDRESS_READY')).toMatchObject([{ subsystem: 'em0', address: '2001:db8::5', prefixLength: 64, autoconf: false }]);
    expect(h.counter('nd.dad.succeeded')).toBe(1);
  });

  it('sends DupAddrDetectTransmits probes RetransTimer apart', () => {
    const h = harness({ linkLocal: false, dadTransmits: 3, dadMaxDelayMs: 0 });
    const em0 = h.addInterface();
    const addr = em0.addAddress({ address: '2001:db8::6/64' });
    h.clock.advance(0);
    expect(h.ofType(DAD_NS)).toHaveLength(1);
    h.clock.advance(999);
    expect(h.ofType(DAD_NS)).toHaveLength(1);
    h.clock.advance(1);
    expect(h.ofType(DAD_NS)).toHaveLength(2);
    h.clock.advance(2000);
    expect(h.ofType(DAD_NS)).toHaveLength(3);
    expect(addr.flags & AddressFlags.TENTATIVE).toBe(0);
  });

  it('marks the address DUPLICATED on an advertisement for it and reports the conflict (§5.4.4)', () => {
    const h = harness({ linkLocal: false });
    const em0 = h.addInterface();
    const addr = em0.addAddress({ address: '2001:db8::7/64' });
    h.clock.advance(500);
    h.receive(em0, na('2001:db8::7', { override: true }, '02:00:00:00:00:99'), { src: '2001:db8::7', dst: 'ff02::1' });
    expect(addr.flags & AddressFlags.DUPLICATED).toBe(AddressFlags.DUPLICATED);
    expect(addr.flags & AddressFlags.TENTATIVE).toBe(0);
    expect(addr.isActive(em0)).toBe(false);
    expect(h.events.filter((e) => e.type === 'DAD_CONFLICT')).toEqual([
      { system: 'ND', subsystem: 'em0', type: 'DAD_CONFLICT', ifindex: em0.index, address: '2001:db8::7', via: 'advertisement', linkAddress: '02:00:00:00:00:99', tentative: true, retry: null },
    ]);
    const before = h.ofType(DAD_NS).length;
    h.clock.advance(10_000);
    expect(h.ofType(DAD_NS).length).toBe(before); // probing stopped
    expect(h.events.some((e) => e.type === 'ADDRESS_READY')).toBe(false);
    // A solicitation for a duplicated address is never answered.
    h.receive(em0, ns('2001:db8::7', [{ type: 'source-link-address', address: mac('02:00:00:00:00:44') }]), { src: '2001:db8::44', dst: 'ff02::1:ff00:7' });
    expect(h.ofType(NdMessageType.NEIGHBOR_ADVERTISEMENT)).toHaveLength(0);
  });

  it('marks the address DUPLICATED when another node probes for it too (§5.4.3), but not for its own looped-back probe (RFC 7527)', () => {
    const h = harness({ linkLocal: false, dadMaxDelayMs: 0, dadTransmits: 2 });
    const em0 = h.addInterface();
    const addr = em0.addAddress({ address: '2001:db8::8/64' });
    h.clock.advance(0);
    const ours = h.ofType(DAD_NS)[0];
    h.inject(em0, ours.bytes, { src: '::', dst: 'ff02::1:ff00:8' });
    expect(h.counter('nd.rx.own')).toBe(1);
    expect(addr.flags & AddressFlags.TENTATIVE).toBe(AddressFlags.TENTATIVE);
    // A solicitation from a node that has the address: silently ignored while tentative.
    h.receive(em0, ns('2001:db8::8', [{ type: 'source-link-address', address: mac('02:00:00:00:00:44') }]), { src: '2001:db8::44', dst: 'ff02::1:ff00:8' });
    expect(h.counter('nd.rx.tentative-target')).toBe(1);
    expect(addr.flags & AddressFlags.TENTATIVE).toBe(AddressFlags.TENTATIVE);
    h.receive(em0, ns('2001:db8::8', [{ type: 'nonce', nonce: Uint8Array.of(1, 2, 3, 4, 5, 6) }]), { src: '::', dst: 'ff02::1:ff00:8' });
    expect(addr.flags & AddressFlags.DUPLICATED).toBe(AddressFlags.DUPLICATED);
    expect(h.events.find((e) => e.type === 'DAD_CONFLICT')).toMatchObject({ via: 'solicitation', address: '2001:db8::8', tentative: true });
  });

  it('skips DAD for NODAD addresses and when DupAddrDetectTransmits is 0', () => {
    const h = harness({ linkLocal: false });
    const em0 = h.addInterface();
    const a = em0.addAddress({ address: '2001:db8::9/64', flags: AddressFlags.NODAD });
    expect(a.isActive(em0)).toBe(true);
    expect(h.events.filter((e) => e.type === 'ADDRESS_READY')).toHaveLength(1);
    const h2 = harness({ linkLocal: false, dadTransmits: 0 });
    const b = h2.addInterface().addAddress({ address: '2001:db8::10/64' });
    expect(b.flags & AddressFlags.TENTATIVE).toBe(0);
    h2.clock.advance(5000);
    expect(h2.ofType(DAD_NS)).toHaveLength(0);
  });

  it('defends an address that passed DAD: answers a probe for it and reports a later claim without giving it up', () => {
    const h = harness({ linkLocal: false, dadMaxDelayMs: 0 });
    const em0 = h.addInterface();
    const addr = em0.addAddress({ address: '2001:db8::11/64' });
    h.clock.advance(1000);
    expect(addr.isActive(em0)).toBe(true);
    h.receive(em0, ns('2001:db8::11', [{ type: 'nonce', nonce: Uint8Array.of(9, 9, 9, 9, 9, 9) }]), { src: '::', dst: 'ff02::1:ff00:11' });
    const answers = h.ofType(NdMessageType.NEIGHBOR_ADVERTISEMENT);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({ dst: 'ff02::1', src: '2001:db8::11' });
    const m = nd(answers[0]);
    expect(m.kind === 'neighbor-advertisement' && [m.solicited, m.override]).toEqual([false, true]);
    h.receive(em0, na('2001:db8::11', { override: true }, '02:00:00:00:00:98'), { src: '2001:db8::11', dst: 'ff02::1' });
    expect(addr.isActive(em0)).toBe(true);
    expect(h.counter('nd.dad.conflicts-after-dad')).toBe(1);
    expect(h.events.find((e) => e.type === 'DAD_CONFLICT')).toMatchObject({ tentative: false, linkAddress: '02:00:00:00:00:98' });
  });

  it('is no conflict when the arbiter holds the address inactive here (a CARP backup: the master answers for it)', () => {
    const h = harness({ linkLocal: false, dadMaxDelayMs: 0 });
    const em0 = h.addInterface();
    const vip = em0.addAddress({ address: '2001:db8::20/64' });
    vip.arbiter = { owner: 'carp vhid 1', isActive: () => false, linkAddress: () => null };
    h.receive(em0, na('2001:db8::20', { override: true }, '00:00:5e:00:02:01'), { src: '2001:db8::20', dst: 'ff02::1' });
    expect(vip.flags & AddressFlags.DUPLICATED).toBe(0);
    expect(h.counter('nd.dad.held-elsewhere')).toBe(1);
    expect(h.events.some((e) => e.type === 'DAD_CONFLICT')).toBe(false);
  });

  it('pauses while the interface is down and probes again when it comes back (§5.4 on re-initialisation)', () => {
    const h = harness({ linkLocal: false, dadMaxDelayMs: 0 });
    const em0 = h.addInterface();
    const addr = em0.addAddress({ address: '2001:db8::12/64' });
    h.clock.advance(2000);
    expect(addr.isActive(em0)).toBe(true);
    em0.setUp(false);
    em0.setUp(true);
    expect(addr.flags & AddressFlags.TENTATIVE).toBe(AddressFlags.TENTATIVE);
    h.clock.advance(2000);
    expect(addr.isActive(em0)).toBe(true);
    expect(h.ofType(DAD_NS)).toHaveLength(2);
  });
});

describe('link-local addresses (RFC 4862 §5.3)', () => {
  it('forms a stable, opaque link-local address on every Ethernet interface (RFC 7217) and runs DAD on it', () => {
    const h = harness();
    const em0 = h.addInterface();
    const ll = em0.addresses.filter((a) => a.family === 'ipv6');
    expect(ll).toHaveLength(1);
    expect(ll[0].toString()).toMatch(/^fe80::[0-9a-f:]+\/64$/);
    expect(ll[0].flags & AddressFlags.AUTOCONF).toBe(AddressFlags.AUTOCONF);
    expect(ll[0].toString()).not.toContain('ff:fe'); // not derived from the MAC
    // Same secret, interface name and prefix: the same address in another stack.
    const again = harness();
    expect(again.addInterface().addresses[0].toString()).toBe(ll[0].toString());
    const other = harness({ secret: 'another secret for another stack' });
    expect(other.addInterface().addresses[0].toString()).not.toBe(ll[0].toString());
    h.clock.advance(2000);
    expect(ll[0].isActive(em0)).toBe(true);
    expect(h.events.find((e) => e.type === 'ADDRESS_READY')).toMatchObject({ autoconf: true });
  });

  it('forms a modified EUI-64 identifier when asked (RFC 4291 App. A)', () => {
    const h = harness({ interfaceIdentifier: 'eui64' });
    const em0 = h.addInterface('em0', '00:11:22:33:44:55');
    expect(em0.addresses[0].toString()).toBe('fe80::211:22ff:fe33:4455/64');
  });

  it('replaces a duplicated stable address with the next DAD_Counter (RFC 7217 §6)', () => {
    const h = harness({ idgenRetries: 1 });
    const em0 = h.addInterface();
    const first = em0.addresses[0];
    h.receive(em0, na(first.address.toString(), { override: true }, '02:00:00:00:00:77'), { src: first.address.toString(), dst: 'ff02::1' });
    expect(first.flags & AddressFlags.DUPLICATED).toBe(AddressFlags.DUPLICATED);
    const second = em0.addresses[1];
    expect(second.address.isLinkLocal()).toBe(true);
    expect(second.address.equals(first.address)).toBe(false);
    expect(h.events.find((e) => e.type === 'DAD_CONFLICT')).toMatchObject({ retry: second.address.toString() });
    // Out of retries: the next duplicate is final.
    h.receive(em0, na(second.address.toString(), { override: true }, '02:00:00:00:00:77'), { src: second.address.toString(), dst: 'ff02::1' });
    expect(em0.addresses).toHaveLength(2);
    expect(h.counter('nd.dad.retries')).toBe(1);
  });

  it('forms none when turned off, or on interfaces that are not Ethernet', () => {
    expect(harness({ linkLocal: false }).addInterface().addresses).toHaveLength(0);
    const h = harness();
    const tun = h.stack.interfaces.add({ name: 'tun0', type: 'tun', hardwareAddress: '02:00:00:00:00:01' });
    expect(tun.addresses).toHaveLength(0);
  });
});
