import { InterfaceFlags, LinkRxFlags, Verdict, type AddressArbiter } from '@stack/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EtherPreInputHook, type EthernetLinkLayer } from '../src/index.js';
import { BROADCAST, frame, MAC_A, MAC_B, mac, rawHost } from './helpers.js';

describe('ether input: destination filter', () => {
  it('delivers frames to our MAC without link flags, with the header pulled', () => {
    const { driver, received, ifp } = rawHost();
    driver.inject(frame(MAC_A, MAC_B, 0x0800, [9, 8, 7]));
    expect(received).toEqual([{ ifindex: ifp.index, linkFlags: 0, linkProtocol: 0x0800, payload: Uint8Array.from([9, 8, 7]) }]);
  });

  it('marks broadcast frames BROADCAST and counts them as multicast on the interface', () => {
    const { driver, received, ifp } = rawHost();
    driver.inject(frame(BROADCAST, MAC_B, 0x0800));
    expect(received[0].linkFlags).toBe(LinkRxFlags.BROADCAST);
    expect(ifp.counters.rxMulticast).toBe(1);
  });

  it('drops unicast to another host and counts ether.in.not-for-us', () => {
    const { driver, received, stack, ifp } = rawHost();
    driver.inject(frame(mac('02:00:00:00:00:99'), MAC_B, 0x0800));
    expect(received).toHaveLength(0);
    expect(stack.counters.get('ether.in.not-for-us')).toBe(1);
    expect(ifp.counters.rxDropped).toBe(1);
  });

  it('accepts everything in promiscuous mode, marking other hosts\' unicast OTHERHOST', () => {
    const { driver, received, stack, ifp } = rawHost();
    ifp.setFlag(InterfaceFlags.PROMISC, true);
    driver.inject(frame(mac('02:00:00:00:00:99'), MAC_B, 0x0800), frame(mac('01:00:5e:01:02:03'), MAC_B, 0x0800));
    expect(received.map((r) => r.linkFlags)).toEqual([LinkRxFlags.OTHERHOST, LinkRxFlags.MULTICAST]);
    expect(stack.counters.get('ether.in.promiscuous')).toBe(1);
  });

  it('filters multicast groups not joined, reference counting joins per interface', () => {
    const { driver, received, stack, ifp } = rawHost();
    const layer = stack.linkLayerOf(ifp) as EthernetLinkLayer;
    const group = mac('01:00:5e:00:00:fb');
    driver.inject(frame(group, MAC_B, 0x0800));
    expect(stack.counters.get('ether.in.multicast-filtered')).toBe(1);
    layer.joinMulticast(ifp, group);
    layer.joinMulticast(ifp, group);
    expect(layer.multicastGroups(ifp)).toEqual(['01:00:5e:00:00:fb']);
    driver.inject(frame(group, MAC_B, 0x0800));
    layer.leaveMulticast(ifp, group);
    driver.inject(frame(group, MAC_B, 0x0800));
    layer.leaveMulticast(ifp, group);
    driver.inject(frame(group, MAC_B, 0x0800));
    expect(received.map((r) => r.linkFlags)).toEqual([LinkRxFlags.MULTICAST, LinkRxFlags.MULTICAST]);
    expect(stack.counters.get('ether.in.multicast-filtered')).toBe(2);
    expect(layer.multicastGroups(ifp)).toEqual([]);
  });

  it('refuses to join a unicast or broadcast address, naming the field', () => {
    const { stack, ifp } = rawHost();
    const layer = stack.linkLayerOf(ifp)!;
    expect(() => layer.joinMulticast(ifp, MAC_B)).toThrow(/linkAddr: 02:00:00:00:00:0b/);
    expect(() => layer.joinMulticast(ifp, BROADCAST)).toThrow(/linkAddr/);
    expect(() => layer.joinMulticast(ifp, new Uint8Array(4).fill(1))).toThrow(/linkAddr/);
  });

  it('accepts the link address an active address\'s arbiter names, and not when inactive', () => {
    const { driver, received, stack, ifp } = rawHost();
    const virtualMac = mac('00:00:5e:00:01:01');
    let active = true;
    const arbiter: AddressArbiter = { owner: 'test', isActive: () => active, linkAddress: () => virtualMac };
    ifp.addAddress({ address: '192.0.2.1/24' }).arbiter = arbiter;
    driver.inject(frame(virtualMac, MAC_B, 0x0800));
    active = false;
    driver.inject(frame(virtualMac, MAC_B, 0x0800));
    expect(received).toHaveLength(1);
    expect(stack.counters.get('ether.in.not-for-us')).toBe(1);
  });
});

describe('ether input: refusals', () => {
  it('counts each kind of malformed frame and dispatches none', () => {
    const { driver, received, stack, ifp } = rawHost();
    driver.inject(
      new Uint8Array(13),
      frame(MAC_A, MAC_B, 0x05dc),
      frame(MAC_A, MAC_B, 0x0800, [], [[0x88a8, 1], [0x8100, 2], [0x8100, 3]]),
      frame(MAC_A, mac('01:00:00:00:00:01'), 0x0800),
      frame(MAC_A, MAC_B, 0x1234),
    );
    expect(received).toHaveLength(0);
    expect(stack.counters.snapshot('ether.in')).toMatchObject({
      'ether.in.truncated': 1,
      'ether.in.llc-unsupported': 1,
      'ether.in.too-many-vlan-tags': 1,
      'ether.in.bad-source': 1,
      'ether.in.unknown-ethertype': 1,
    });
    expect(ifp.counters.rxErrors).toBe(4);
    expect(ifp.counters.rxDropped).toBe(1);
    expect(stack.pool.stats.inUse).toBe(0);
  });

  it('drops VLAN-tagged frames (no VLAN sub-interfaces) and counts ether.in.vlan-unconfigured', () => {
    const { driver, received, stack } = rawHost();
    driver.inject(frame(MAC_A, MAC_B, 0x0800, [1], [[0x8100, 0x0064]]), frame(MAC_A, MAC_B, 0x0800, [1], [[0x88a8, 5], [0x8100, 7]]));
    expect(received).toHaveLength(0);
    expect(stack.counters.get('ether.in.vlan-unconfigured')).toBe(2);
  });

  it('treats a priority-tagged frame (VID 0) as untagged unless configured not to', () => {
    const on = rawHost();
    on.driver.inject(frame(MAC_A, MAC_B, 0x0800, [5, 6], [[0x8100, 0xa000]]));
    expect(on.received.map((r) => [...r.payload])).toEqual([[5, 6]]);
    const off = rawHost({ acceptPriorityTagged: false });
    off.driver.inject(frame(MAC_A, MAC_B, 0x0800, [5, 6], [[0x8100, 0xa000]]));
    expect(off.received).toHaveLength(0);
    expect(off.stack.counters.get('ether.in.vlan-unconfigured')).toBe(1);
  });

  it('ether.pre-input hooks see the whole frame and can drop it (released, counted)', () => {
    const { driver, received, stack } = rawHost();
    const seen: number[] = [];
    stack.load({
      name: 'filter',
      attach: (ctx) =>
        ctx.hook(EtherPreInputHook, {
          id: 'drop-odd',
          fn: (buf, _ifp, result) => {
            seen.push(buf.data[buf.start + 14]);
            if (buf.data[buf.start + 14] % 2 === 1) {
              result.reason = 'odd';
              return Verdict.DROP;
            }
            return Verdict.PASS;
          },
        }),
    });
    driver.inject(frame(MAC_A, MAC_B, 0x0800, [1]), frame(MAC_A, MAC_B, 0x0800, [2]));
    expect(seen).toEqual([1, 2]);
    expect(received.map((r) => r.payload[0])).toEqual([2]);
    expect(stack.counters.get('hooks.ether.pre-input.drop-odd.drops')).toBe(1);
    expect(stack.pool.stats.inUse).toBe(0);
  });

  it('never throws on arbitrary bytes, and releases every frame it does not deliver', () => {
    const { driver, received, stack } = rawHost();
    stack.linkLayerOf(stack.interfaces.get('em0')!)!.joinMulticast(stack.interfaces.get('em0')!, mac('01:00:5e:00:00:01'));
    const dst = fc.constantFrom(MAC_A, BROADCAST, mac('01:00:5e:00:00:01'), mac('01:00:5e:00:00:02'), MAC_B);
    const arbitraryFrame = fc.oneof(
      fc.uint8Array({ maxLength: 80 }),
      fc.tuple(dst, fc.uint8Array({ minLength: 6, maxLength: 6 }), fc.constantFrom(0x0800, 0x8100, 0x88a8, 0x0806, 0x0600, 0x05ff), fc.uint8Array({ maxLength: 40 })).map(
        ([d, s, t, rest]) => frame(d, s, t, rest),
      ),
    );
    fc.assert(
      fc.property(fc.array(arbitraryFrame, { maxLength: 8 }), (frames) => {
        received.length = 0;
        expect(() => driver.inject(...frames)).not.toThrow();
        expect(stack.counters.get('stack.input-errors')).toBe(0);
        expect(stack.pool.stats.inUse).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
