import { type AddressArbiter, createStack, LinkRxFlags, ManualClock, Verdict } from '@stack/core';
import { describe, expect, it } from 'vitest';
import { EtherOutputHook, etherModule } from '../src/index.js';
import { BROADCAST, FakeResolver, MAC_A, MAC_B, mac, rawHost, resolverModule, sendIpv4 } from './helpers.js';

const PAYLOAD = Uint8Array.from({ length: 100 }, (_, i) => i);

describe('ether output', () => {
  it('asks the family\'s resolver and frames with the answer, our MAC and the ethertype', () => {
    const { stack, driver, ifp } = rawHost();
    const resolver = new FakeResolver();
    resolver.table.set('192.0.2.2', MAC_B);
    stack.load(resolverModule(resolver));
    sendIpv4(stack, ifp, [192, 0, 2, 2], PAYLOAD);
    expect(driver.sent).toHaveLength(1);
    const f = driver.sent[0];
    expect([...f.subarray(0, 6)]).toEqual([...MAC_B]);
    expect([...f.subarray(6, 12)]).toEqual([...MAC_A]);
    expect([f[12], f[13]]).toEqual([0x08, 0x00]);
    expect(f.subarray(14)).toEqual(PAYLOAD);
  });

  it('hands the packet to the resolver when unresolved and sends it once the resolver calls back', () => {
    const { stack, driver, ifp } = rawHost();
    const resolver = new FakeResolver();
    stack.load(resolverModule(resolver));
    sendIpv4(stack, ifp, [192, 0, 2, 3], PAYLOAD);
    expect(driver.sent).toHaveLength(0);
    expect(stack.counters.get('ether.out.resolving')).toBe(1);
    resolver.complete(MAC_B);
    expect(driver.sent).toHaveLength(1);
    expect([...driver.sent[0].subarray(0, 6)]).toEqual([...MAC_B]);
    expect([driver.sent[0][12], driver.sent[0][13]]).toEqual([0x08, 0x00]);
  });

  it('drops and counts without a family, without a resolver, or with a resolver answer that is not 6 bytes', () => {
    const { stack, driver, ifp } = rawHost();
    sendIpv4(stack, ifp, [192, 0, 2, 2], PAYLOAD);
    sendIpv4(stack, ifp, [192, 0, 2, 2], PAYLOAD, (b) => (b.family = null));
    const resolver = new FakeResolver();
    resolver.table.set('192.0.2.2', MAC_B);
    resolver.answerLength = 8;
    stack.load(resolverModule(resolver));
    sendIpv4(stack, ifp, [192, 0, 2, 2], PAYLOAD);
    expect(driver.sent).toHaveLength(0);
    expect(stack.counters.snapshot('ether.out')).toMatchObject({ 'ether.out.no-resolver': 1, 'ether.out.no-family': 1, 'ether.out.bad-link-address': 1 });
    expect(ifp.counters.txDropped).toBe(3);
    expect(stack.pool.stats.inUse).toBe(0);
  });

  it('maps broadcast and multicast next hops without resolution (RFC 1112 §6.4, RFC 2464 §7)', () => {
    const { stack, driver, ifp } = rawHost();
    sendIpv4(stack, ifp, [224, 129, 2, 3], PAYLOAD);
    sendIpv4(stack, ifp, [255, 255, 255, 255], PAYLOAD);
    sendIpv4(stack, ifp, [192, 0, 2, 255], PAYLOAD, (b) => (b.linkFlags = LinkRxFlags.BROADCAST));
    sendIpv4(stack, ifp, [0, 0, 0, 0], PAYLOAD, (b) => {
      b.family = 'ipv6';
      b.nextHop.set([0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0x12, 0x34, 0x56]);
    });
    expect(driver.sent.map((f) => [...f.subarray(0, 6)].map((b) => b.toString(16)).join(':'))).toEqual([
      '1:0:5e:1:2:3',
      'ff:ff:ff:ff:ff:ff',
      'ff:ff:ff:ff:ff:ff',
      '33:33:ff:12:34:56',
    ]);
  });

  it('pads short frames with zeros to 60 bytes (unless configured not to)', () => {
    const { stack, driver, ifp } = rawHost();
    const dirty = stack.pool.alloc(10);
    dirty.data.fill(0xee);
    dirty.release();
    sendIpv4(stack, ifp, [224, 0, 0, 1], Uint8Array.from([1, 2, 3]));
    expect(driver.sent[0].length).toBe(60);
    expect([...driver.sent[0].subarray(14, 17)]).toEqual([1, 2, 3]);
    expect(driver.sent[0].subarray(17).every((b) => b === 0)).toBe(true);
    const raw = rawHost({ padShortFrames: false });
    sendIpv4(raw.stack, raw.ifp, [224, 0, 0, 1], Uint8Array.from([1, 2, 3]));
    expect(raw.driver.sent[0].length).toBe(17);
  });

  it('copies a packet that lacks headroom or tailroom, keeping its bytes', () => {
    const { stack, driver, ifp } = rawHost();
    const tight = stack.pool.alloc(3, 0);
    tight.copyFrom(Uint8Array.from([7, 7, 7]));
    tight.family = 'ipv4';
    tight.nextHop.set([224, 0, 0, 1]);
    stack.linkLayerOf(ifp)!.output(ifp, tight, 0x0800);
    expect(stack.counters.get('ether.out.headroom-copy')).toBe(1);
    expect(driver.sent[0].length).toBe(60);
    expect([...driver.sent[0].subarray(14, 17)]).toEqual([7, 7, 7]);
    expect(stack.pool.stats.inUse).toBe(0);
  });

  it('sends from the link address the source address\'s arbiter names (CARP virtual MAC)', () => {
    const { stack, driver, ifp } = rawHost();
    const virtualMac = mac('00:00:5e:00:01:07');
    const arbiter: AddressArbiter = { owner: 'test', isActive: () => true, linkAddress: () => virtualMac };
    ifp.addAddress({ address: '192.0.2.1/24' });
    ifp.addAddress({ address: '192.0.2.100/24' }).arbiter = arbiter;
    sendIpv4(stack, ifp, [224, 0, 0, 18], PAYLOAD, (b) => b.src.set([192, 0, 2, 100]));
    sendIpv4(stack, ifp, [224, 0, 0, 18], PAYLOAD, (b) => b.src.set([192, 0, 2, 1]));
    expect([...driver.sent[0].subarray(6, 12)]).toEqual([...virtualMac]);
    expect([...driver.sent[1].subarray(6, 12)]).toEqual([...MAC_A]);
  });

  it('outputTo sends to a given link address, from a given source, and refuses wrong lengths', () => {
    const { stack, driver, ifp } = rawHost();
    const layer = stack.linkLayerOf(ifp)!;
    const buf = stack.pool.alloc(28);
    buf.copyFrom(new Uint8Array(28));
    layer.outputTo(ifp, buf, 0x0806, BROADCAST, mac('00:00:5e:00:01:01'));
    const bad = stack.pool.alloc(4);
    layer.outputTo(ifp, bad, 0x0806, new Uint8Array(4));
    expect(driver.sent).toHaveLength(1);
    expect([...driver.sent[0].subarray(0, 14)]).toEqual([...BROADCAST, 0, 0, 0x5e, 0, 1, 1, 0x08, 0x06]);
    expect(stack.counters.get('ether.out.bad-link-address')).toBe(1);
  });

  it('runs ether.output hooks on the complete frame, which may drop it', () => {
    const { stack, driver, ifp } = rawHost();
    const lengths: number[] = [];
    stack.load({
      name: 'tap',
      attach: (ctx) =>
        ctx.hook(EtherOutputHook, {
          id: 'no-multicast',
          fn: (buf) => {
            lengths.push(buf.length);
            return buf.data[buf.start] & 1 ? Verdict.DROP : Verdict.PASS;
          },
        }),
    });
    sendIpv4(stack, ifp, [224, 0, 0, 1], PAYLOAD);
    stack.linkLayerOf(ifp)!.outputTo(ifp, stack.pool.alloc(50), 0x0800, MAC_B);
    expect(lengths).toEqual([114, 60]);
    expect(driver.sent).toHaveLength(1);
    expect(stack.pool.stats.inUse).toBe(0);
  });
});

describe('ether module', () => {
  it('refuses bad options, naming the field', () => {
    expect(() => etherModule({ padShortFrames: 'yes' as unknown as boolean })).toThrow(/padShortFrames/);
    expect(() => etherModule({ acceptPriorityTagged: 1 as unknown as boolean })).toThrow(/acceptPriorityTagged/);
  });

  it('unloads leaving no service, hook point, counter or extension slot behind', () => {
    const stack = createStack({ clock: new ManualClock() });
    const before = { counters: stack.counters.size, points: stack.hooks.pointNames() };
    stack.load(etherModule());
    const ifp = stack.interfaces.add({ name: 'em0', hardwareAddress: MAC_A });
    stack.linkLayerOf(ifp)!.joinMulticast(ifp, mac('01:00:5e:00:00:01'));
    expect(stack.hooks.pointNames()).toEqual(expect.arrayContaining(['ether.pre-input', 'ether.output']));
    expect(stack.unload('ether')).toEqual({ ok: true });
    expect(stack.linkLayerOf(ifp)).toBeUndefined();
    expect(stack.counters.size).toBe(before.counters);
    expect(stack.hooks.pointNames()).toEqual(before.points);
    expect(ifp.ext.size).toBe(0);
  });
});
