import { describe, expect, it } from 'vitest';
import { createStack, LinkProtocols, LinkRxFlags, ManualClock, type NetInterface, type PacketBuffer } from '@stack/core';
import { ptpLinkModule, PtpDriver, RawDriver } from '../src/index.js';

describe('test drivers', () => {
  it('PtpDriver and ptpLinkModule carry packets and link flags through the ptp header', () => {
    const stack = createStack({ clock: new ManualClock() });
    stack.load(ptpLinkModule());
    const got: Array<[number, number[]]> = [];
    stack.load({
      name: 'recorder',
      attach: (ctx) =>
        ctx.register(LinkProtocols, 0x86dd, (_ifp: NetInterface, buf: PacketBuffer) => {
          got.push([buf.linkFlags, [...buf.view()]]);
          buf.release();
        }),
    });
    const wire = new PtpDriver({ protocol: 0x86dd, mtu: 1280 });
    const ifp = stack.interfaces.add({ name: 'raw0', type: 'ptp', driver: wire });
    expect([wire.name, wire.mtu, wire.kind, wire.hardwareAddress]).toEqual(['raw0', 1280, 'raw', null]);
    wire.inject([Uint8Array.of(1, 2), Uint8Array.of(3)], LinkRxFlags.MULTICAST);
    expect(got).toEqual([
      [LinkRxFlags.MULTICAST, [1, 2]],
      [LinkRxFlags.MULTICAST, [3]],
    ]);
    stack.batch(() => {
      const buf = stack.pool.alloc(2);
      buf.copyFrom(Uint8Array.of(7, 8));
      buf.linkFlags = LinkRxFlags.BROADCAST;
      stack.linkLayerOf(ifp)!.output(ifp, buf, 0x0800);
    });
    expect(wire.sentFlags).toEqual([LinkRxFlags.BROADCAST]);
    expect(wire.take()).toEqual([Uint8Array.of(7, 8)]);
    expect([wire.sent, wire.sentFlags]).toEqual([[], []]);
    expect(stack.pool.stats.inUse).toBe(0);
  });

  it('RawDriver delivers and records whole frames', () => {
    const stack = createStack({ clock: new ManualClock() });
    stack.load(ptpLinkModule());
    const mac = Uint8Array.of(2, 0, 0, 0, 0, 1);
    const driver = new RawDriver({ name: 'raw7', hardwareAddress: mac });
    expect(() => driver.inject(Uint8Array.of(0))).toThrow(/raw7: not started/);
    const ifp = stack.interfaces.add({ name: 'em0', type: 'ptp', driver });
    expect(driver.hardwareAddress).toEqual(mac);
    driver.inject(Uint8Array.of(0, 0x12, 0x34, 5)); // no handler for 0x1234: dropped, released
    stack.batch(() => {
      const buf = stack.pool.alloc(1);
      buf.copyFrom(Uint8Array.of(9));
      stack.linkLayerOf(ifp)!.output(ifp, buf, 0x1234);
    });
    expect(driver.take()).toEqual([Uint8Array.of(0, 0x12, 0x34, 9)]);
    expect(stack.pool.stats.inUse).toBe(0);
  });
});
