import { describe, expect, it } from 'vitest';
import { AddressEvents, createStack, defineService, LinkProtocols, ManualClock, Ipv4Address } from '@stack/core';
import { TestDriver, TestPreInput, testFrame, testLinkModule } from './helpers/test-link.js';

describe('two stacks in one process', () => {
  it('with the same interface names and addresses do not see each other', () => {
    const make = () => {
      const clock = new ManualClock();
      const stack = createStack({ clock });
      stack.load(testLinkModule());
      const driver = new TestDriver('em0');
      const em0 = stack.interfaces.add({ name: 'em0', type: 'test', driver });
      em0.addAddress({ address: '192.0.2.1/24' });
      return { clock, stack, driver, em0 };
    };
    const a = make();
    const b = make();
    expect(a.em0.index).toBe(b.em0.index);
    expect(a.em0.addresses[0].address.equals(b.em0.addresses[0].address)).toBe(true);

    // State added to A stays in A.
    const seenB: string[] = [];
    b.stack.events.on(AddressEvents, (e) => seenB.push(e.address));
    a.em0.addAddress({ address: '192.0.2.2/24' });
    expect(a.em0.addresses).toHaveLength(2);
    expect(b.em0.addresses).toHaveLength(1);
    expect(seenB).toEqual([]);

    const Svc = defineService<{ id: string }>('shared-name');
    a.stack.load({ name: 'm', attach: (ctx) => ctx.provide(Svc, { id: 'a' }) });
    expect(b.stack.services.tryGet(Svc)).toBeUndefined();
    expect(b.stack.modules()).not.toContain('m');
    b.stack.load({ name: 'm', attach: (ctx) => ctx.provide(Svc, { id: 'b' }) });
    expect(a.stack.services.get(Svc).id).toBe('a');
    expect(b.stack.services.get(Svc).id).toBe('b');

    // Hooks, demux and counters are per stack.
    const hits = { a: 0, b: 0 };
    a.stack.hooks.register(TestPreInput, { id: 'h', fn: () => (hits.a++, 0) }, 'test');
    a.stack.demux(LinkProtocols).register(9, (_i, buf) => buf.release(), 'test');
    b.stack.demux(LinkProtocols).register(9, (_i, buf) => buf.release(), 'test');
    b.driver.inject([testFrame(9, [1])]);
    expect(hits).toEqual({ a: 0, b: 0 });
    a.driver.inject([testFrame(9, [1])]);
    expect(hits.a).toBe(1);
    expect(a.em0.counters.rxPackets).toBe(1);
    expect(b.em0.counters.rxPackets).toBe(1);
    a.stack.counters.counter('x.y').inc();
    expect(b.stack.counters.get('x.y')).toBe(0);

    // Timers are per clock/stack.
    let fired = '';
    a.stack.load({ name: 't', attach: (ctx) => void ctx.setTimeout(() => (fired += 'a'), 10) });
    b.clock.advance(100);
    expect(fired).toBe('');
    a.clock.advance(100);
    expect(fired).toBe('a');
    expect(new Ipv4Address(0xc0000201).toString()).toBe('192.0.2.1');
  });
});
