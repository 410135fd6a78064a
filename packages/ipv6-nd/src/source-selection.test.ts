import { describe, expect, it } from 'vitest';
import { AddressFlags, createStack, Ipv6Address, ManualClock, type NetInterface } from '@stack/core';
import { LocalAddresses } from './local-addresses.js';
import { policyLabel, policyPrecedence } from './policy-table.js';
import { SourceSelector } from './source-selection.js';

const bytes = (t: string) => Ipv6Address.parse(t).bytes as Uint8Array;

/** A stack with interfaces em0 and em1 (no modules: addresses are entered by hand). */
function setup() {
  const clock = new ManualClock();
  const stack = createStack({ clock });
  const driver = (name: string) => ({
    kind: 'none',
    name,
    mtu: 1500,
    hardwareAddress: null,
    linkUp: true,
    stats: { rxFrames: 0, rxBytes: 0, txFrames: 0, txBytes: 0, txDropped: 0, rxDropped: 0 },
    start() {},
    send() {},
    close: async () => {},
  });
  const em0 = stack.interfaces.add({ name: 'em0', type: 'x', driver: driver('em0') });
  const em1 = stack.interfaces.add({ name: 'em1', type: 'x', driver: driver('em1') });
  const locals = new LocalAddresses(stack.interfaces);
  const selector = new SourceSelector(locals, stack.interfaces, () => clock.now());
  const add = (ifp: NetInterface, text: string, flags: number = AddressFlags.NODAD) => {
    const a = ifp.addAddress({ address: text, flags });
    locals.add(a);
    return a;
  };
  const pick = (dst: string, out: NetInterface = em0) => selector.select(bytes(dst), 0, out)?.address.toString() ?? null;
  return { clock, stack, em0, em1, add, pick, locals };
}

describe('source address selection (RFC 6724 §5)', () => {
  it('rule 1: prefers the destination itself', () => {
    const { em0, add, pick } = setup();
    add(em0, '2001:db8::1/64');
    add(em0, '2001:db8::2/64');
    expect(pick('2001:db8::2')).toBe('2001:db8::2');
  });

  it('rule 2: prefers the smallest scope that reaches the destination', () => {
    const { em0, add, pick } = setup();
    add(em0, 'fe80::1/64');
    add(em0, '2001:db8::1/64');
    expect(pick('fe80::99')).toBe('fe80::1');
    expect(pick('2001:db8:7::1')).toBe('2001:db8::1');
    expect(pick('ff02::1')).toBe('fe80::1');
    expect(pick('ff0e::1')).toBe('2001:db8::1');
  });

  it('rule 3: avoids an address flagged deprecated', () => {
    const { em0, add, pick } = setup();
    const flagged = add(em0, '2001:db8::1/64');
    add(em0, '2001:db8::2/64');
    expect(pick('2001:db8::1:0:0:0')).toBe('2001:db8::1'); // rule 8 alone: equal prefixes, first wins
    flagged.flags |= AddressFlags.DEPRECATED;
    expect(pick('2001:db8::1:0:0:0')).toBe('2001:db8::2');
  });

  it('rule 3: a fresh address wins over one whose preferred lifetime expired', () => {
    const { clock, em0, add, pick, locals } = setup();
    const a = em0.addAddress({ address: '2001:db8::f/64', flags: AddressFlags.NODAD, preferredLifetime: 1000 });
    locals.add(a);
    add(em0, '2001:db8::1/64');
    expect(pick('2001:db8::e')).toBe('2001:db8::f'); // rule 8 while both are preferred
    clock.advance(1000);
    expect(pick('2001:db8::e')).toBe('2001:db8::1');
  });

  it('rule 5: prefers an address of the outgoing interface', () => {
    const { em0, em1, add, pick } = setup();
    add(em0, '2001:db8:0::1/64');
    add(em1, '2001:db8:1::1/64');
    expect(pick('2001:db8:9::1', em1)).toBe('2001:db8:1::1');
    expect(pick('2001:db8:9::1', em0)).toBe('2001:db8::1');
  });

  it('rule 6: prefers a matching label (ULA to ULA, global to global)', () => {
    const { em0, add, pick } = setup();
    add(em0, 'fd00::1/64');
    add(em0, '2001:db8::1/64');
    expect(pick('fd12::5')).toBe('fd00::1');
    expect(pick('2a00::5')).toBe('2001:db8::1');
  });

  it('rule 7: prefers temporary addresses', () => {
    const { em0, add, pick } = setup();
    add(em0, '2001:db8::1/64');
    add(em0, '2001:db8::abcd/64', AddressFlags.NODAD | AddressFlags.TEMPORARY);
    expect(pick('2a00::5')).toBe('2001:db8::abcd');
  });

  it('rule 8: prefers the longest matching prefix, capped at the prefix length', () => {
    const { em0, add, pick } = setup();
    add(em0, '2001:db8:1::1/64');
    add(em0, '2001:db8:2::1/64');
    expect(pick('2001:db8:2::99')).toBe('2001:db8:2::1');
    expect(pick('2001:db8:1:0:8000::1')).toBe('2001:db8:1::1');
  });

  it('never picks tentative or duplicated addresses, link-locals of other links, or lo0 addresses off lo0', () => {
    const { stack, em0, em1, add, pick, locals } = setup();
    const t = add(em0, '2001:db8::1/64', AddressFlags.TENTATIVE);
    add(em1, 'fe80::2/64');
    const lo = stack.loopback.addAddress({ address: '::1/128' });
    locals.add(lo);
    expect(pick('2001:db8::9')).toBeNull();
    t.flags = AddressFlags.DUPLICATED;
    expect(pick('fe80::9')).toBeNull();
    t.flags = 0;
    expect(pick('2001:db8::9')).toBe('2001:db8::1');
    expect(pick('::1', stack.loopback)).toBe('::1');
  });
});

describe('default policy table (RFC 6724 §2.1)', () => {
  it('gives precedence and label by longest match', () => {
    const cases: Array<[string, number, number]> = [
      ['::1', 50, 0],
      ['2001::1', 5, 5],
      ['2001:db8::1', 40, 1],
      ['2a00::1', 40, 1],
      ['::ffff:192.0.2.1', 35, 4],
      ['2002::1', 30, 2],
      ['fd00::1', 3, 13],
      ['::192.0.2.1', 1, 3],
      ['fec0::1', 1, 11],
      ['3ffe::1', 1, 12],
    ];
    for (const [a, precedence, label] of cases) expect([a, policyPrecedence(bytes(a), 0), policyLabel(bytes(a), 0)]).toEqual([a, precedence, label]);
  });
});
