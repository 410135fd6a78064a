// MLDv2 host side (RFC 3810) with MLDv1 compatibility (§8).
import { type NetInterface } from '@stack/core';
import type { EthernetLinkLayer } from '@stack/ether';
import { describe, expect, it } from 'vitest';
import { emitMldQuery, type MldQuery, mldMaxResponseCode, MldRecordType, NdControlService, NdMessageType, parseMldReport, parseMldv1 } from '../../src/nd/index.js';
import { harness, type Harness, text6, v6 } from './helpers.js';

const REPORT = NdMessageType.MLDV2_REPORT;
const GROUP = 'ff05::1:3';

function host(options = {}): { h: Harness; em0: NetInterface; ll: string } {
  const h = harness({ dadMaxDelayMs: 0, maxRtrSolicitations: 0, ...options });
  const em0 = h.addInterface();
  h.clock.advance(1000);
  h.sent.length = 0;
  return { h, em0, ll: em0.addresses[0].address.toString() };
}

function records(h: Harness) {
  return h.ofType(REPORT).map((s) => {
    const r = parseMldReport(s.bytes, 0, s.bytes.length);
    if ('error' in r) throw new Error(r.error);
    return r.records.map((rec) => [rec.type, text6(rec.group)]);
  });
}

function query(h: Harness, em0: NetInterface, q: Partial<MldQuery>, meta: { src?: string; hopLimit?: number; routerAlert?: boolean } = {}) {
  const full: MldQuery = { version: 2, code: 0, maxResponseCode: 10_000, group: new Uint8Array(16), suppress: false, qrv: 2, qqic: 125, sources: [], ...q };
  const bytes = new Uint8Array(full.version === 1 ? 24 : 28 + 16 * full.sources.length);
  emitMldQuery(full, bytes, 0);
  h.inject(em0, bytes, { src: meta.src ?? 'fe80::1', dst: 'ff02::1', hopLimit: meta.hopLimit ?? 1, routerAlert: meta.routerAlert ?? true });
}

describe('MLDv2 membership (RFC 3810 §6.1)', () => {
  it('reports a join at once and [Robustness Variable] − 1 more times, with hop limit 1 and Router Alert, from the link-local address', () => {
    const { h, em0, ll } = host();
    h.nd.joinGroup(em0, v6(GROUP));
    expect(h.nd.isMember(em0.index, v6(GROUP), 0)).toBe(true);
    const sent = h.ofType(REPORT);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ src: ll, dst: 'ff02::16', hopLimit: 1, routerAlert: true });
    expect(records(h)).toEqual([[[MldRecordType.CHANGE_TO_EXCLUDE_MODE, GROUP]]]);
    h.clock.advance(1000); // within the Unsolicited Report Interval
    expect(records(h)).toHaveLength(2);
    h.clock.advance(10_000);
    expect(records(h)).toHaveLength(2);
    // The link-layer filter follows (RFC 2464 §7: 33:33 + the last 32 bits).
    const layer = h.stack.linkLayerOf(em0) as EthernetLinkLayer;
    expect(layer.multicastGroups(em0)).toContain('33:33:00:01:00:03');
  });

  it('counts references: only the last leave leaves, reported as TO_IN {}', () => {
    const { h, em0 } = host();
    h.nd.joinGroup(em0, v6(GROUP));
    h.nd.joinGroup(em0, v6(GROUP));
    h.clock.advance(5000);
    h.sent.length = 0;
    h.nd.leaveGroup(em0, v6(GROUP));
    expect(h.nd.isMember(em0.index, v6(GROUP), 0)).toBe(true);
    expect(records(h)).toHaveLength(0);
    h.nd.leaveGroup(em0, v6(GROUP));
    expect(h.nd.isMember(em0.index, v6(GROUP), 0)).toBe(false);
    h.clock.advance(5000);
    expect(records(h)).toEqual([[[MldRecordType.CHANGE_TO_INCLUDE_MODE, GROUP]], [[MldRecordType.CHANGE_TO_INCLUDE_MODE, GROUP]]]);
    const layer = h.stack.linkLayerOf(em0) as EthernetLinkLayer;
    expect(layer.multicastGroups(em0)).not.toContain('33:33:00:01:00:03');
  });

  it('is always a member of ff02::1 and never reports it or link-scope-less groups; joins solicited-node groups of its addresses', () => {
    const { h, em0, ll } = host();
    expect(h.nd.isMember(em0.index, v6('ff02::1'), 0)).toBe(true);
    expect(h.nd.isMember(99, v6('ff02::1'), 0)).toBe(true);
    expect(h.nd.isMember(em0.index, v6(`ff02::1:ff${ll.slice(-7)}`), 0)).toBe(true);
    h.nd.joinGroup(em0, v6('ff01::5'));
    expect(h.ofType(REPORT)).toHaveLength(0);
    expect(() => h.nd.joinGroup(em0, v6('2001:db8::1'))).toThrow(/^group:/);
    const control = h.stack.services.get(NdControlService);
    expect(control.interfaces()[0].groups.map((g) => g.group)).toEqual(expect.arrayContaining(['ff02::1', 'ff01::5']));
  });

  it('sends the solicited-node join from :: before any address is ready (§5.2.13)', () => {
    const h = harness({ dadMaxDelayMs: 0, maxRtrSolicitations: 0 });
    h.addInterface();
    const first = h.ofType(REPORT)[0];
    expect(first.src).toBe('::');
    expect(records(h)[0][0][1]).toMatch(/^ff02::1:ff/);
  });

  it('splits a report whose records exceed the link MTU', () => {
    const { h, em0 } = host();
    em0.setMtu(1280);
    for (let i = 0; i < 100; i++) h.nd.joinGroup(em0, v6(`ff05::${(i + 1).toString(16)}`));
    h.clock.advance(10_000);
    h.sent.length = 0;
    query(h, em0, {});
    h.clock.advance(10_000);
    const reports = records(h);
    expect(reports.length).toBeGreaterThan(1);
    expect(reports.flat().length).toBe(101); // 100 groups + the solicited-node group of the link-local address
    for (const s of h.ofType(REPORT)) expect(s.bytes.length + 48).toBeLessThanOrEqual(1280);
  });
});

describe('answering queries (RFC 3810 §6.2)', () => {
  it('answers a general query with the current state of every group after a random delay within Maximum Response Delay', () => {
    const { h, em0 } = host();
    h.nd.joinGroup(em0, v6(GROUP));
    h.clock.advance(5000);
    h.sent.length = 0;
    query(h, em0, { maxResponseCode: mldMaxResponseCode(2000) });
    expect(records(h)).toHaveLength(0);
    h.clock.advance(2000);
    const reports = records(h);
    expect(reports).toHaveLength(1);
    expect(reports[0].map((r) => r[0])).toEqual([MldRecordType.MODE_IS_EXCLUDE, MldRecordType.MODE_IS_EXCLUDE]);
    expect(reports[0].map((r) => r[1])).toContain(GROUP);
    expect(h.counter('mld.rx.queries')).toBe(1);
  });

  it('answers a group-specific query only for a group it is in', () => {
    const { h, em0 } = host();
    h.nd.joinGroup(em0, v6(GROUP));
    h.clock.advance(5000);
    h.sent.length = 0;
    query(h, em0, { group: v6('ff05::9') });
    h.clock.advance(10_000);
    expect(records(h)).toHaveLength(0);
    query(h, em0, { group: v6(GROUP) });
    h.clock.advance(10_000);
    expect(records(h)).toEqual([[[MldRecordType.MODE_IS_EXCLUDE, GROUP]]]);
  });

  it('drops queries with hop limit other than 1, without Router Alert, or from a non-link-local source', () => {
    const { h, em0 } = host();
    h.nd.joinGroup(em0, v6(GROUP));
    h.clock.advance(5000);
    h.sent.length = 0;
    query(h, em0, {}, { hopLimit: 2 });
    query(h, em0, {}, { routerAlert: false });
    query(h, em0, {}, { src: '2001:db8::1' });
    h.clock.advance(20_000);
    expect(records(h)).toHaveLength(0);
    expect([h.counter('mld.rx.bad-hop-limit'), h.counter('mld.rx.no-router-alert'), h.counter('mld.rx.not-link-local')]).toEqual([1, 1, 1]);
  });

  it('falls back to MLDv1 reports and dones after an MLDv1 query (§8.2)', () => {
    const { h, em0 } = host();
    h.nd.joinGroup(em0, v6(GROUP));
    h.clock.advance(5000);
    h.sent.length = 0;
    query(h, em0, { version: 1, maxResponseCode: 1000, qrv: 0, qqic: 0 });
    h.clock.advance(1000);
    const v1 = h.ofType(NdMessageType.MLDV1_REPORT);
    expect(v1.map((s) => s.dst)).toContain(GROUP);
    const m = parseMldv1(v1.find((s) => s.dst === GROUP)!.bytes, 0, 24);
    expect('error' in m ? m : text6(m.group)).toBe(GROUP);
    expect(h.ofType(REPORT)).toHaveLength(0);
    expect(h.stack.services.get(NdControlService).interfaces()[0].mldv1Compatibility).toBe(true);
    h.nd.leaveGroup(em0, v6(GROUP));
    expect(h.ofType(NdMessageType.MLDV1_DONE)).toMatchObject([{ dst: 'ff02::2', hopLimit: 1, routerAlert: true }]);
    // Older Version Querier Present Timeout: 2 × 125 s + 1 s; then MLDv2 again.
    h.clock.advance(251_000);
    h.nd.joinGroup(em0, v6(GROUP));
    expect(h.ofType(REPORT)).toHaveLength(1);
  });
});
