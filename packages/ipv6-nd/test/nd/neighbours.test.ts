// The IPv6 neighbour cache: resolution, NUD, the NS/NA exchange (RFC 4861 §7).
import { type AddressArbiter, type NeighbourTransmit, type NetInterface, type PacketBuffer } from '@stack/core';
import { describe, expect, it } from 'vitest';
import { NdControlService, NdMessageType } from '../../src/nd/index.js';
import { harness, type Harness, mac, na, nd, ns, option, outgoing, slla, text6 } from './helpers.js';

const NS = NdMessageType.NEIGHBOR_SOLICITATION;
const NA = NdMessageType.NEIGHBOR_ADVERTISEMENT;
const PEER = 'fe80::b';
const PEER_MAC = '02:00:00:00:00:0b';

/** A host with a ready link-local address on em0. */
function ready(options = {}): { h: Harness; em0: NetInterface; ll: string; delivered: { marker: number; mac: string }[]; transmit: NeighbourTransmit } {
  const h = harness({ dadMaxDelayMs: 0, ...options });
  const em0 = h.addInterface();
  h.clock.advance(1000);
  const ll = em0.addresses[0].address.toString();
  h.sent.length = 0;
  const delivered: { marker: number; mac: string }[] = [];
  const transmit: NeighbourTransmit = (_ifp, buf, linkDst) => {
    delivered.push({ marker: buf.data[buf.start + 3], mac: [...linkDst].map((b) => b.toString(16).padStart(2, '0')).join(':') });
    buf.release();
  };
  return { h, em0, ll, delivered, transmit };
}

function resolve(h: Harness, em0: NetInterface, buf: PacketBuffer, transmit: NeighbourTransmit): number {
  const out = new Uint8Array(6);
  return h.nd.resolver.resolve(em0, buf, out, transmit);
}

describe('address resolution (RFC 4861 §7.2)', () => {
  it('queues, solicits the solicited-node group, and sends the queue in order once the NA arrives', () => {
    const { h, em0, ll, delivered, transmit } = ready();
    for (let i = 1; i <= 3; i++) expect(resolve(h, em0, outgoing(PEER, ll, i), transmit)).toBe(0);
    const solicitations = h.ofType(NS);
    expect(solicitations).toHaveLength(1); // one NS, not one per packet
    expect(solicitations[0]).toMatchObject({ src: ll, dst: 'ff02::1:ff00:b', hopLimit: 255 });
    const m = nd(solicitations[0]);
    expect(m.kind === 'neighbor-solicitation' && text6(m.target)).toBe(PEER);
    expect([...option(m, 'source-link-address')!.address]).toEqual([...mac('02:00:00:00:00:0a')]);
    expect(h.nd.resolver.list()).toMatchObject([{ address: PEER, state: 'incomplete', queued: 3, linkAddress: null }]);
    h.receive(em0, na(PEER, { solicited: true, override: true }, PEER_MAC), { src: PEER, dst: ll });
    expect(delivered).toEqual([1, 2, 3].map((marker) => ({ marker, mac: PEER_MAC })));
    expect(h.nd.resolver.list()).toMatchObject([{ address: PEER, state: 'reachable', linkAddress: PEER_MAC, queued: 0, isRouter: false }]);
    // Resolved: the next packet gets the address at once.
    const out = new Uint8Array(6);
    const buf = outgoing(PEER, ll, 4);
    expect(h.nd.resolver.resolve(em0, buf, out, transmit)).toBe(6);
    expect([...out]).toEqual([...mac(PEER_MAC)]);
  });

  it('bounds the queue of an unresolved neighbour, dropping the oldest', () => {
    const { h, em0, ll, delivered, transmit } = ready({ maxQueued: 2 });
    for (let i = 1; i <= 5; i++) resolve(h, em0, outgoing(PEER, ll, i), transmit);
    expect(h.counter('nd.cache.queue-overflow')).toBe(3);
    h.receive(em0, na(PEER, { solicited: true }, PEER_MAC), { src: PEER, dst: ll });
    expect(delivered.map((d) => d.marker)).toEqual([4, 5]);
  });

  it('gives up after MAX_MULTICAST_SOLICIT solicitations RetransTimer apart: address unreachable for every queued packet', () => {
    const { h, em0, ll, transmit } = ready();
    resolve(h, em0, outgoing(PEER, ll, 1), transmit);
    resolve(h, em0, outgoing(PEER, ll, 2), transmit);
    h.clock.advance(999);
    expect(h.ofType(NS)).toHaveLength(1);
    h.clock.advance(1);
    expect(h.ofType(NS)).toHaveLength(2);
    h.clock.advance(1000);
    expect(h.ofType(NS)).toHaveLength(3);
    expect(h.unreachable).toHaveLength(0);
    h.clock.advance(1000);
    expect(h.ofType(NS)).toHaveLength(3);
    expect(h.unreachable.map((b) => b[3])).toEqual([1, 2]);
    expect(h.nd.resolver.list()).toEqual([]);
    expect(h.counter('nd.cache.resolution-failed')).toBe(1);
    expect(h.counter('nd.cache.unresolved')).toBe(2);
    expect(h.events.filter((e) => e.type === 'NEIGHBOUR_UNREACHABLE')).toEqual([
      { system: 'ND', subsystem: 'em0', type: 'NEIGHBOUR_UNREACHABLE', ifindex: em0.index, address: PEER, from: 'incomplete', dropped: 2 },
    ]);
  });

  it('walks REACHABLE → STALE → DELAY → PROBE → gone when the neighbour stops answering (§7.3.3)', () => {
    const { h, em0, ll, delivered, transmit } = ready({ random: () => 0.5, reachableTimeMs: 30_000 });
    resolve(h, em0, outgoing(PEER, ll, 1), transmit);
    h.receive(em0, na(PEER, { solicited: true }, PEER_MAC), { src: PEER, dst: ll });
    const state = () => h.nd.resolver.list()[0]?.state;
    expect(state()).toBe('reachable');
    h.clock.advance(29_999);
    expect(state()).toBe('reachable');
    h.clock.advance(1);
    expect(state()).toBe('stale');
    expect(resolve(h, em0, outgoing(PEER, ll, 2), transmit)).toBe(6); // a stale entry is still used
    expect(state()).toBe('delay');
    h.sent.length = 0;
    h.clock.advance(5000); // DELAY_FIRST_PROBE_TIME
    expect(state()).toBe('probe');
    expect(h.ofType(NS)).toHaveLength(1);
    expect(h.ofType(NS)[0].dst).toBe(PEER); // unicast probe
    h.clock.advance(2000);
    expect(h.ofType(NS)).toHaveLength(3); // MAX_UNICAST_SOLICIT
    h.clock.advance(1000);
    expect(state()).toBeUndefined();
    expect(h.counter('nd.cache.nud-failed')).toBe(1);
    expect(h.events.find((e) => e.type === 'NEIGHBOUR_UNREACHABLE')).toMatchObject({ from: 'probe', dropped: 0 });
    expect(delivered.map((d) => d.marker)).toEqual([1]);
  });

  it('returns to REACHABLE on upper-layer confirmation (§7.3.1) and on a solicited NA while probing', () => {
    const { h, em0, ll, transmit } = ready({ random: () => 0.5 });
    resolve(h, em0, outgoing(PEER, ll, 1), transmit);
    h.receive(em0, na(PEER, { solicited: true }, PEER_MAC), { src: PEER, dst: ll });
    h.clock.advance(30_000);
    resolve(h, em0, outgoing(PEER, ll, 2), transmit);
    expect(h.nd.resolver.list()[0].state).toBe('delay');
    h.nd.resolver.confirm!(em0, PEER_BYTES, 0);
    expect(h.nd.resolver.list()[0].state).toBe('reachable');
    h.clock.advance(30_000);
    resolve(h, em0, outgoing(PEER, ll, 3), transmit);
    h.clock.advance(5000);
    expect(h.nd.resolver.list()[0].state).toBe('probe');
    h.receive(em0, na(PEER, { solicited: true }), { src: PEER, dst: ll });
    expect(h.nd.resolver.list()[0].state).toBe('reachable');
    // Confirmations keep a reachable entry reachable without timers piling up.
    for (let i = 0; i < 10; i++) {
      h.clock.advance(20_000);
      h.nd.resolver.confirm!(em0, PEER_BYTES, 0);
    }
    expect(h.nd.resolver.list()[0].state).toBe('reachable');
  });
});

const PEER_BYTES = Uint8Array.of(0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0b);

describe('neighbour advertisements (RFC 4861 §7.2.5)', () => {
  function reachablePeer() {
    const r = ready();
    resolve(r.h, r.em0, outgoing(PEER, r.ll, 1), r.transmit);
    r.h.receive(r.em0, na(PEER, { solicited: true, router: true }, PEER_MAC), { src: PEER, dst: r.ll });
    return r;
  }

  it('does not believe a non-overriding claim of another link address, only doubts a reachable entry', () => {
    const { h, em0 } = reachablePeer();
    h.receive(em0, na(PEER, { solicited: false, override: false, router: true }, '02:00:00:00:00:cc'), { src: PEER, dst: 'ff02::1' });
    expect(h.nd.resolver.list()[0]).toMatchObject({ state: 'stale', linkAddress: PEER_MAC });
    h.receive(em0, na(PEER, { override: false, router: true }, '02:00:00:00:00:cc'), { src: PEER, dst: 'ff02::1' });
    expect(h.nd.resolver.list()[0]).toMatchObject({ state: 'stale', linkAddress: PEER_MAC });
  });

  it('takes an overriding advertisement (CARP failover, §7.2.6) as the new link address, STALE until confirmed', () => {
    const { h, em0 } = reachablePeer();
    h.receive(em0, na(PEER, { override: true, router: true }, '02:00:00:00:00:cc'), { src: PEER, dst: 'ff02::1' });
    expect(h.nd.resolver.list()[0]).toMatchObject({ state: 'stale', linkAddress: '02:00:00:00:00:cc', isRouter: true });
    expect(h.counter('nd.cache.moved')).toBe(1);
  });

  it('ignores advertisements for neighbours it has no entry for, and creates none', () => {
    const { h, em0 } = ready();
    h.receive(em0, na('fe80::99', { override: true }, '02:00:00:00:00:99'), { src: 'fe80::99', dst: 'ff02::1' });
    expect(h.counter('nd.rx.unknown-target')).toBe(1);
    expect(h.nd.resolver.list()).toEqual([]);
  });

  it('records IsRouter from the R flag', () => {
    const { h } = reachablePeer();
    expect(h.nd.resolver.list()[0].isRouter).toBe(true);
  });
});

describe('answering solicitations (RFC 4861 §7.2.3, §7.2.4)', () => {
  it('answers a solicitation for an active address with a solicited, overriding NA carrying its link address, and learns the asker', () => {
    const { h, em0, ll } = ready();
    h.receive(em0, ns(ll, [slla(PEER_MAC)]), { src: PEER, dst: `ff02::1:ff${ll.slice(-7)}` });
    const answers = h.ofType(NA);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({ src: ll, dst: PEER, hopLimit: 255 });
    const m = nd(answers[0]);
    expect(m.kind === 'neighbor-advertisement' && [m.solicited, m.override, m.router, text6(m.target)]).toEqual([true, true, false, ll]);
    expect([...option(m, 'target-link-address')!.address]).toEqual([...mac('02:00:00:00:00:0a')]);
    expect(h.nd.resolver.list()).toMatchObject([{ address: PEER, state: 'stale', linkAddress: PEER_MAC }]);
  });

  it('sets the router flag when the node forwards', () => {
    const { h, em0, ll } = ready();
    h.router = true;
    h.receive(em0, ns(ll, [slla(PEER_MAC)]), { src: PEER, dst: 'ff02::1:ff00:1' });
    const m = nd(h.ofType(NA)[0]);
    expect(m.kind === 'neighbor-advertisement' && m.router).toBe(true);
  });

  it('answers only while the address arbiter says the address is active, with the link address it names', () => {
    const { h, em0 } = ready();
    let master = false;
    const arbiter: AddressArbiter = { owner: 'carp vhid 1', isActive: () => master, linkAddress: () => mac('00:00:5e:00:01:01') };
    const vip = em0.addAddress({ address: '2001:db8::1/64', flags: 0x80 /* NODAD */ });
    vip.arbiter = arbiter;
    h.receive(em0, ns('2001:db8::1', [slla(PEER_MAC)]), { src: '2001:db8::b', dst: 'ff02::1:ff00:1' });
    expect(h.ofType(NA)).toHaveLength(0);
    expect(h.counter('nd.rx.inactive-target')).toBe(1);
    master = true;
    h.receive(em0, ns('2001:db8::1', [slla(PEER_MAC)]), { src: '2001:db8::b', dst: 'ff02::1:ff00:1' });
    const m = nd(h.ofType(NA)[0]);
    expect([...option(m, 'target-link-address')!.address]).toEqual([...mac('00:00:5e:00:01:01')]);
    // announce(): unsolicited NAs with Override to all nodes (§7.2.6), as CARP does after failover.
    h.sent.length = 0;
    h.nd.resolver.announce(em0, '2001:db8::1');
    h.clock.advance(5000);
    const announced = h.ofType(NA);
    expect(announced).toHaveLength(3);
    for (const s of announced) {
      expect(s.dst).toBe('ff02::1');
      const a = nd(s);
      expect(a.kind === 'neighbor-advertisement' && [a.override, a.solicited]).toEqual([true, false]);
    }
    expect(h.counter('nd.tx.unsolicited-na')).toBe(3);
  });

  it('ignores solicitations for addresses that are not ours', () => {
    const { h, em0 } = ready();
    h.receive(em0, ns('fe80::77', [slla(PEER_MAC)]), { src: PEER, dst: 'ff02::1:ff00:77' });
    expect(h.ofType(NA)).toHaveLength(0);
    expect(h.counter('nd.rx.not-our-target')).toBe(1);
    expect(h.nd.resolver.list()).toEqual([]);
  });
});

describe('the cache as `ndp` sees it', () => {
  it('keeps permanent entries, lists, removes and flushes', () => {
    const { h, em0, ll, transmit } = ready();
    h.nd.resolver.addStatic(em0.index, 'fe80::50', '02:00:00:00:00:50');
    expect(h.nd.resolver.list()).toMatchObject([{ address: 'fe80::50', state: 'permanent', linkAddress: '02:00:00:00:00:50' }]);
    expect(Number.isNaN(h.nd.resolver.list()[0].expiresIn)).toBe(true);
    expect(resolve(h, em0, outgoing('fe80::50', ll, 1), transmit)).toBe(6);
    // An overriding NA does not move a permanent entry.
    h.receive(em0, na('fe80::50', { override: true, solicited: true }, '02:00:00:00:00:51'), { src: 'fe80::50', dst: ll });
    expect(h.nd.resolver.list()[0].linkAddress).toBe('02:00:00:00:00:50');
    expect(h.counter('nd.rx.static-mismatch')).toBe(1);
    expect(() => h.nd.resolver.addStatic(em0.index, 'ff02::1', '02:00:00:00:00:50')).toThrow(/^address:/);
    expect(() => h.nd.resolver.addStatic(em0.index, 'fe80::51', '01:00:00:00:00:50')).toThrow(/^linkAddress:/);
    expect(() => h.nd.resolver.addStatic(99, 'fe80::51', '02:00:00:00:00:50')).toThrow(/^ifindex:/);
    expect(h.nd.resolver.remove(em0.index, 'fe80::50')).toBe(true);
    expect(h.nd.resolver.remove(em0.index, 'fe80::50')).toBe(false);
    resolve(h, em0, outgoing(PEER, ll, 1), transmit);
    h.nd.resolver.flush();
    expect(h.nd.resolver.list()).toEqual([]);
  });

  it('evicts the least recently used entry when full, never a permanent one', () => {
    const { h, em0, ll, transmit } = ready({ maxEntries: 2 });
    h.nd.resolver.addStatic(em0.index, 'fe80::50', '02:00:00:00:00:50');
    h.receive(em0, ns(ll, [slla('02:00:00:00:00:01')]), { src: 'fe80::1', dst: 'ff02::1:ff00:1' });
    h.receive(em0, ns(ll, [slla('02:00:00:00:00:02')]), { src: 'fe80::2', dst: 'ff02::1:ff00:1' });
    resolve(h, em0, outgoing('fe80::3', ll, 1), transmit);
    expect(h.nd.resolver.list().map((e) => e.address)).toEqual(['fe80::2', 'fe80::3', 'fe80::50']);
  });

  it('formats `ndp -a` lines', () => {
    const { h, em0, ll, transmit } = ready();
    resolve(h, em0, outgoing(PEER, ll, 1), transmit);
    h.receive(em0, na(PEER, { solicited: true, router: true }, PEER_MAC), { src: PEER, dst: ll });
    const control = h.stack.services.get(NdControlService);
    expect(control.formatNeighbours()[0]).toMatch(/^fe80::b%em0 02:00:00:00:00:0b em0 \d+s R R$/);
  });
});
