import { describe, expect, it } from 'vitest';
import {
  createStack,
  defineEvent,
  defineExtension,
  defineService,
  LinkProtocols,
  ManualClock,
  Verdict,
  defineHookPoint,
  type NetInterface,
  type PacketBuffer,
  type StackModule,
} from '@stack/core';
import { TestDriver, TestOutput, TestPreInput, testFrame, testLinkModule } from './helpers/test-link.js';

const PROBE_PROTO = 0x0042;
const ProbeState = defineExtension<{ seen: number }>('probe-state');
const ProbeEvents = defineEvent<{ system: 'PROBE'; subsystem: string; type: 'TICK' }>('PROBE');

/** A third-party module (not in core): hooks at two points, a demux entry, a timer, a listener, state. */
function probeModule(log: string[], opts: { onCall?: (id: string) => void } = {}): StackModule {
  return {
    name: 'probe',
    attach(ctx) {
      const hook = (id: string, verdict = () => Verdict.PASS as number) => (buf: PacketBuffer, ifp: NetInterface | null) => {
        log.push(`${id}@${ifp?.name}`);
        opts.onCall?.(id);
        return verdict() as 0;
      };
      // Registered in an order the constraints must override: count after mark, filter before count.
      ctx.hook(TestPreInput, { id: 'count', fn: hook('count'), after: ['mark'] });
      ctx.hook(TestPreInput, { id: 'filter', fn: hook('filter'), before: ['count'] });
      ctx.hook(TestPreInput, { id: 'mark', fn: hook('mark') });
      ctx.hook(TestOutput, { id: 'tag', fn: hook('tag') });
      ctx.register(LinkProtocols, PROBE_PROTO, (ifp, buf) => {
        ifp.ext.get(ProbeState)!.seen++;
        buf.release();
      });
      for (const ifp of ctx.stack.interfaces.list()) ctx.setExt(ifp, ProbeState, { seen: 0 });
      const timer = ctx.createTimer(() => {
        ctx.stack.events.emit(ProbeEvents, { system: 'PROBE', subsystem: 'probe', type: 'TICK' });
        timer.start(1000);
      });
      timer.start(1000);
      ctx.on(ProbeEvents, () => log.push('tick'));
      ctx.counter('probe.frames');
    },
  };
}

function setup() {
  const clock = new ManualClock();
  const stack = createStack({ clock });
  stack.load(testLinkModule());
  const d0 = new TestDriver('t0');
  const d1 = new TestDriver('t1');
  const t0 = stack.interfaces.add({ name: 't0', type: 'test', driver: d0 });
  const t1 = stack.interfaces.add({ name: 't1', type: 'test', driver: d1 });
  return { clock, stack, d0, d1, t0, t1 };
}

describe('a third-party module with hooks', () => {
  it('orders hooks by constraints, honours per-interface admin order and enablement, and unloads mid-traffic leaving nothing', () => {
    const { clock, stack, d0, d1, t0, t1 } = setup();
    const baseline = {
      hooks: stack.hooks.hookCount,
      timers: clock.pending,
      listeners: stack.events.listenerCount,
      services: stack.services.size,
      counters: stack.counters.size,
      demux: stack.demux(LinkProtocols).size,
    };
    const log: string[] = [];
    stack.load(probeModule(log));

    // Default order from constraints: mark, filter, count (filter before count, count after mark;
    // ties by registration order put filter's dependency-free peer mark... both mark and filter
    // are free, filter registered first).
    expect(stack.hooks.list(TestPreInput, t0.index).map((h) => h.id)).toEqual(['filter', 'mark', 'count']);
    d0.inject([testFrame(PROBE_PROTO, [1])]);
    expect(log).toEqual(['filter@t0', 'mark@t0', 'count@t0']);
    expect(t0.ext.get(ProbeState)!.seen).toBe(1);

    // The administrator puts count first on t1 only, and disables filter on t0 only.
    stack.hooks.setOrder(TestPreInput, ['count', 'mark'], t1.index);
    stack.hooks.setEnabled(TestPreInput, 'filter', false, t0.index);
    log.length = 0;
    d0.inject([testFrame(PROBE_PROTO, [2])]);
    d1.inject([testFrame(PROBE_PROTO, [3])]);
    expect(log).toEqual(['mark@t0', 'count@t0', 'count@t1', 'mark@t1', 'filter@t1']);
    expect(stack.hooks.list(TestPreInput, t0.index).map((h) => [h.id, h.enabled])).toEqual([
      ['mark', true], ['count', true], ['filter', false],
    ]);

    // Output hook runs on the way out.
    log.length = 0;
    const out = stack.pool.alloc(4);
    out.append(4);
    stack.linkLayerOf(t1)!.output(t1, out, PROBE_PROTO);
    expect(log).toEqual(['tag@t1']);
    expect(d1.sent).toHaveLength(1);

    // Timers and listeners work while loaded.
    log.length = 0;
    clock.advance(1000);
    expect(log).toEqual(['tick']);

    // Unload from inside a hook while a batch of frames is flowing: the frame being processed
    // finishes with the chain it started with; later frames see no hooks and no handler.
    log.length = 0;
    let unloaded = false;
    const probeLog: string[] = [];
    stack.unload('probe');
    stack.load(probeModule(probeLog, {
      onCall: (id) => {
        if (id === 'mark' && !unloaded) {
          unloaded = true;
          expect(stack.unload('probe')).toEqual({ ok: true });
        }
      },
    }));
    d0.inject([testFrame(PROBE_PROTO, [4]), testFrame(PROBE_PROTO, [5]), testFrame(PROBE_PROTO, [6])]);
    expect(unloaded).toBe(true);
    // First frame: filter, mark (unload happens here), count still runs from the old chain.
    expect(probeLog).toEqual(['filter@t0', 'mark@t0', 'count@t0']);
    expect(stack.counters.get('test.in.unknown-protocol')).toBe(3);

    // Nothing is left behind.
    expect(stack.hooks.hookCount).toBe(baseline.hooks);
    expect(clock.pending).toBe(baseline.timers);
    expect(stack.events.listenerCount).toBe(baseline.listeners);
    expect(stack.services.size).toBe(baseline.services);
    expect(stack.counters.size).toBe(baseline.counters);
    expect(stack.demux(LinkProtocols).size).toBe(baseline.demux);
    expect(t0.ext.size).toBe(0);
    expect(t1.ext.size).toBe(0);
    expect(stack.modules()).toEqual(['loopback', 'test-link']);
    clock.advance(10_000);
    expect(probeLog).toHaveLength(3); // the timer is gone too
  });

  it('a module that refuses to unload stays loaded and keeps working', () => {
    const { stack, d0 } = setup();
    const log: string[] = [];
    let busy: string | null = 'vhid 1 exists';
    stack.load({ ...probeModule(log), refuseUnload: () => busy });
    expect(stack.unload('probe')).toEqual({ ok: false, reason: 'vhid 1 exists' });
    expect(stack.modules()).toContain('probe');
    d0.inject([testFrame(PROBE_PROTO, [1])]);
    expect(log).toEqual(['filter@t0', 'mark@t0', 'count@t0']);
    busy = null;
    expect(stack.unload('probe')).toEqual({ ok: true });
  });

  it('refuses to unload a module whose services another loaded module uses', () => {
    const { stack } = setup();
    const Svc = defineService<{ ping(): string }>('svc');
    stack.load({ name: 'provider', attach: (ctx) => ctx.provide(Svc, { ping: () => 'pong' }) });
    stack.load({ name: 'consumer', requires: [Svc], attach: (ctx) => void ctx.use(Svc) });
    expect(stack.unload('provider')).toEqual({ ok: false, reason: 'module "consumer" uses services of "provider"' });
    expect(stack.unload('consumer')).toEqual({ ok: true });
    expect(stack.unload('provider')).toEqual({ ok: true });
  });

  it('names a missing requirement and rolls back a failing attach', () => {
    const { stack } = setup();
    const Svc = defineService<object>('missing-svc');
    expect(() => stack.load({ name: 'x', requires: [Svc], attach: () => {} })).toThrow(
      'module "x" requires service "missing-svc", which no loaded module provides',
    );
    const hooksBefore = stack.hooks.hookCount;
    expect(() =>
      stack.load({
        name: 'broken',
        attach(ctx) {
          ctx.hook(TestPreInput, { id: 'h', fn: () => Verdict.PASS });
          ctx.register(LinkProtocols, 7, () => {});
          ctx.register(LinkProtocols, 7, () => {});
        },
      }),
    ).toThrow(/already registered by "broken"/);
    expect(stack.hooks.hookCount).toBe(hooksBefore);
    expect(stack.demux(LinkProtocols).exact(7)).toBeUndefined();
    expect(stack.modules()).not.toContain('broken');
  });

  it('counts drops per hook, isolates a throwing hook, and supports replace and consume', () => {
    const { stack, d0, t0 } = setup();
    const delivered: number[] = [];
    stack.load({
      name: 'sink',
      attach: (ctx) => ctx.register(LinkProtocols, PROBE_PROTO, (_i, b) => { delivered.push(b.data[b.start]); b.release(); }),
    });
    let mode: 'drop' | 'throw' | 'replace' | 'consume' | 'pass' = 'drop';
    let consumed: PacketBuffer | null = null;
    stack.load({
      name: 'fw',
      attach: (ctx) =>
        ctx.hook(TestPreInput, {
          id: 'fw',
          fn: (buf, _ifp, result) => {
            switch (mode) {
              case 'drop':
                result.reason = 'policy';
                return Verdict.DROP;
              case 'throw':
                throw new Error('bug');
              case 'replace': {
                const r = stack.pool.alloc(3);
                r.append(3);
                r.data.set([0, PROBE_PROTO, 99], r.start);
                result.replacement = r;
                return Verdict.REPLACE;
              }
              case 'consume':
                consumed = buf;
                return Verdict.CONSUMED;
              default:
                return Verdict.PASS;
            }
          },
        }),
    });
    d0.inject([testFrame(PROBE_PROTO, [1])]);
    expect(stack.hooks.list(TestPreInput, t0.index)[0].drops).toBe(1);
    mode = 'throw';
    d0.inject([testFrame(PROBE_PROTO, [2])]);
    expect(stack.counters.get('hooks.test.pre-input.errors')).toBe(1);
    mode = 'replace';
    d0.inject([testFrame(PROBE_PROTO, [3])]);
    expect(delivered).toEqual([99]);
    mode = 'consume';
    d0.inject([testFrame(PROBE_PROTO, [4])]);
    expect(consumed).not.toBeNull();
    mode = 'pass';
    d0.inject([testFrame(PROBE_PROTO, [5])]);
    expect(delivered).toEqual([99, 5]);
    expect(stack.pool.stats.inUse).toBe(1); // only the consumed buffer is still out
  });

  it('rejects constraint cycles, duplicate ids and unknown ids in an admin order, naming them', () => {
    const { stack } = setup();
    stack.load({
      name: 'a',
      attach: (ctx) => {
        ctx.hook(TestPreInput, { id: 'x', fn: () => Verdict.PASS, before: ['y'] });
      },
    });
    expect(() => stack.load({ name: 'b', attach: (ctx) => ctx.hook(TestPreInput, { id: 'y', fn: () => Verdict.PASS, before: ['x'] }) })).toThrow(
      /cycle among x, y/,
    );
    expect(() => stack.load({ name: 'c', attach: (ctx) => ctx.hook(TestPreInput, { id: 'x', fn: () => Verdict.PASS }) })).toThrow(
      'hook "x" at "test.pre-input" is already registered by "a"',
    );
    expect(() => stack.hooks.setOrder(TestPreInput, ['nope'])).toThrow('hook point "test.pre-input" has no hook "nope"');
  });

  it('batches frames sent within a turn into one driver call', () => {
    const { stack, d0, d1, t1 } = setup();
    stack.load({
      name: 'echo',
      attach: (ctx) =>
        ctx.register(LinkProtocols, PROBE_PROTO, (_ifp, buf) => {
          stack.linkLayerOf(t1)!.output(t1, buf, PROBE_PROTO);
        }),
    });
    d0.inject(Array.from({ length: 10 }, (_, i) => testFrame(PROBE_PROTO, [i])));
    expect(d1.sent).toHaveLength(10);
    expect(d1.sendCalls).toBe(1);
  });
});

describe('module timers', () => {
  it('forget a timer disposed before unload, so per-entry timers do not grow the module record', () => {
    const clock = new ManualClock();
    const stack = createStack({ clock });
    let ctxRef: import('@stack/core').ModuleContext | null = null;
    stack.load({ name: 'timers', attach: (ctx) => void (ctxRef = ctx) });
    const before = stack.moduleRegistrations('timers');
    let fired = 0;
    for (let i = 0; i < 1000; i++) {
      const t = ctxRef!.createTimer(() => fired++);
      t.start(10);
      t.dispose();
    }
    const kept = ctxRef!.createTimer(() => fired++);
    kept.start(10);
    expect(stack.moduleRegistrations('timers')).toBe(before + 1);
    clock.advance(20);
    expect(fired).toBe(1);
    kept.start(10);
    expect(stack.unload('timers')).toEqual({ ok: true });
    expect(clock.pending).toBe(0);
  });

  it('hook points are matched by name, so a module can hook a point of a package it does not import', () => {
    const { stack, d0 } = setup();
    const seen: string[] = [];
    const sameNameKey = defineHookPoint<PacketBuffer>('test', 'pre-input');
    stack.load({ name: 'outsider', attach: (ctx) => ctx.hook(sameNameKey, { id: 'o', fn: () => (seen.push('o'), Verdict.PASS) }) });
    d0.inject([testFrame(PROBE_PROTO, [1])]);
    expect(seen).toEqual(['o']);
  });
});
