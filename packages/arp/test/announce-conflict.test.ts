import { type AddressArbiter, AddressFlags } from '@stack/core';
import { describe, expect, it } from 'vitest';
import { type ArpConflictEvent, ArpEvents } from '../src/index.js';
import { arpOf, cable, mac, sendIpv4 } from './helpers.js';

const hex = (m: Uint8Array) => [...m].map((x) => x.toString(16).padStart(2, '0')).join(':');

describe('gratuitous ARP (RFC 5227 §2.3)', () => {
  it('announces an IPv4 address when it is added: announceCount requests, announceIntervalMs apart', () => {
    const { net, a, wire, da } = cable({ announceCount: 2, announceIntervalMs: 2000 });
    const before = wire.length;
    a.ifp.addAddress({ address: '198.51.100.7/24' });
    net.settle();
    const mine = () => wire.slice(before).filter((f) => arpOf(f)?.spa === '198.51.100.7');
    expect(mine().map(arpOf)).toEqual([{ ethDst: 'ff:ff:ff:ff:ff:ff', ethSrc: hex(da.hardwareAddress), op: 1, sha: hex(da.hardwareAddress), spa: '198.51.100.7', tha: '00:00:00:00:00:00', tpa: '198.51.100.7' }]);
    net.run(1999);
    expect(mine()).toHaveLength(1);
    net.run(1);
    expect(mine()).toHaveLength(2);
    net.run(10_000);
    expect(mine()).toHaveLength(2);
  });

  it('does not announce tentative addresses, nor addresses whose arbiter says inactive; announce() refuses unknown ones', () => {
    const { net, a, wire } = cable({ announceCount: 1 });
    const before = wire.length;
    a.ifp.addAddress({ address: '198.51.100.8/24', flags: AddressFlags.TENTATIVE });
    net.settle();
    expect(wire.length).toBe(before);
    expect(() => a.arp.announce(a.ifp, '203.0.113.1')).toThrow(/address: 203.0.113.1 is not configured on em0/);
    expect(() => a.arp.announce(a.ifp, 'nonsense')).toThrow(/address/);
  });

  it('announces again on request (CARP after becoming master), with the given link address', () => {
    const { net, a, wire } = cable({ announceCount: 1 });
    const virtual = mac('00:00:5e:00:01:01');
    const before = wire.length;
    a.arp.announce(a.ifp, '192.0.2.1', virtual);
    net.settle();
    expect(arpOf(wire[before])).toMatchObject({ ethSrc: '00:00:5e:00:01:01', sha: '00:00:5e:00:01:01', spa: '192.0.2.1', tpa: '192.0.2.1' });
  });

  it('updates the peers\' existing entries (RFC 826 merge), but creates none', () => {
    const { net, a, b } = cable({ announceCount: 1 });
    sendIpv4(b.stack, b.ifp, '192.0.2.1', [1], '192.0.2.2');
    net.settle();
    expect(b.arp.list()).toHaveLength(1);
    a.ifp.addAddress({ address: '198.51.100.9/24' });
    net.settle();
    expect(b.arp.list().map((e) => e.address)).toEqual(['192.0.2.1']);
  });
});

describe('address conflicts (RFC 5227 §2.4)', () => {
  it('reports another host claiming an active address, defends once per defend interval', () => {
    const { net, a, b, wire, db } = cable({ announceCount: 1, defendIntervalMs: 10_000 });
    const events: ArpConflictEvent[] = [];
    a.stack.events.on(ArpEvents, (e) => events.push(e));
    const before = wire.length;
    b.ifp.addAddress({ address: '192.0.2.1/32' }); // b announces a's address
    net.settle();
    // a defends; b sees a's defence as a conflict and defends once too; a reports that one
    // without defending again: the exchange stops by itself.
    expect(events).toEqual([
      { system: 'ARP', subsystem: 'em0', type: 'CONFLICT', ifindex: a.ifp.index, address: '192.0.2.1', linkAddress: hex(db.hardwareAddress), tentative: false, defended: true },
      { system: 'ARP', subsystem: 'em0', type: 'CONFLICT', ifindex: a.ifp.index, address: '192.0.2.1', linkAddress: hex(db.hardwareAddress), tentative: false, defended: false },
    ]);
    expect(wire.slice(before).map(arpOf)).toMatchObject([{ op: 1, spa: '192.0.2.1', tpa: '192.0.2.1' }]);
    expect(a.stack.counters.get('arp.in.conflict')).toBe(2);
    // Within 10 s: reported, not defended.
    b.arp.announce(b.ifp, '192.0.2.1');
    net.settle();
    expect(events.map((e) => e.defended)).toEqual([true, false, false]);
    expect(wire.length - before).toBe(1);
    // After 10 s a defends again.
    net.run(10_000);
    b.arp.announce(b.ifp, '192.0.2.1');
    net.settle();
    expect(events.map((e) => e.defended).slice(3, 4)).toEqual([true]);
    expect(wire.length - before).toBe(2);
    // a never learned its own address as a neighbour.
    expect(a.arp.list().some((e) => e.address === '192.0.2.1')).toBe(false);
  });

  it('reports a probe for a tentative address as a tentative conflict (RFC 5227 §2.1.1)', () => {
    const { net, a, b } = cable();
    const events: ArpConflictEvent[] = [];
    a.stack.events.on(ArpEvents, (e) => events.push(e));
    a.ifp.addAddress({ address: '192.0.2.77/24', flags: AddressFlags.TENTATIVE });
    // b resolves 192.0.2.77 from 0.0.0.0 (no active address): an ARP probe.
    b.ifp.removeAddress('192.0.2.2');
    sendIpv4(b.stack, b.ifp, '192.0.2.77', [1]);
    net.settle();
    expect(events).toMatchObject([{ address: '192.0.2.77', tentative: true, defended: false }]);
  });
});

describe('address arbiters (DESIGN.md §5)', () => {
  it('does not answer for an address its arbiter says is inactive', () => {
    const { net, a, b } = cable();
    const arbiter: AddressArbiter = { owner: 'test', isActive: () => false, linkAddress: () => null };
    a.ifp.addAddress({ address: '192.0.2.100/24' }).arbiter = arbiter;
    sendIpv4(b.stack, b.ifp, '192.0.2.100', [1], '192.0.2.2');
    net.settle();
    expect(a.stack.counters.get('arp.in.inactive-target')).toBe(1);
    expect(a.stack.counters.get('arp.out.replies')).toBe(0);
    expect(b.arp.list()).toMatchObject([{ address: '192.0.2.100', state: 'incomplete' }]);
  });

  it('answers with the virtual MAC the arbiter names, and traffic to it is accepted', () => {
    const { net, a, b, bWire } = cable();
    const virtual = mac('00:00:5e:00:01:01');
    const arbiter: AddressArbiter = { owner: 'test', isActive: () => true, linkAddress: () => virtual };
    a.ifp.addAddress({ address: '192.0.2.100/24' }).arbiter = arbiter;
    const aWireStart = bWire.length;
    sendIpv4(b.stack, b.ifp, '192.0.2.100', [7], '192.0.2.2');
    net.settle();
    expect(b.arp.list()).toMatchObject([{ address: '192.0.2.100', linkAddress: '00:00:5e:00:01:01', state: 'reachable' }]);
    expect(a.delivered.map((d) => d.payload[0])).toEqual([7]);
    const dataFrame = bWire.slice(aWireStart).find((f) => f[12] === 0x08 && f[13] === 0x00)!;
    expect(hex(dataFrame.subarray(0, 6))).toBe('00:00:5e:00:01:01');
  });

  it('the reply leaves from the virtual MAC too', () => {
    const { net, a, b, wire } = cable();
    const virtual = mac('00:00:5e:00:01:02');
    a.ifp.addAddress({ address: '192.0.2.101/24' }).arbiter = { owner: 'test', isActive: () => true, linkAddress: () => virtual };
    const before = wire.length;
    sendIpv4(b.stack, b.ifp, '192.0.2.101', [7], '192.0.2.2');
    net.settle();
    expect(wire.slice(before).map(arpOf).filter((f) => f?.op === 2)).toMatchObject([{ ethSrc: '00:00:5e:00:01:02', sha: '00:00:5e:00:01:02', spa: '192.0.2.101' }]);
  });
});
