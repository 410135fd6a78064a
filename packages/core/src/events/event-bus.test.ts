import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import { EventBus } from './event-bus.js';
import { defineEvent, type StackEvent } from './stack-event.js';

interface CarpEvent extends StackEvent {
  readonly system: 'CARP';
  readonly type: 'MASTER' | 'BACKUP' | 'INIT';
}
interface LinkEvent extends StackEvent {
  readonly system: 'IFNET';
  readonly type: 'LINK_UP' | 'LINK_DOWN';
  readonly mtu?: number;
}

const Carp = defineEvent<CarpEvent>('CARP');
const Link = defineEvent<LinkEvent>('IFNET');

const master: CarpEvent = { system: 'CARP', subsystem: '1@em0', type: 'MASTER' };
const linkUp: LinkEvent = { system: 'IFNET', subsystem: 'em0', type: 'LINK_UP', mtu: 1500 };

function quietBus(errors: unknown[] = []): EventBus {
  return new EventBus({ onError: (error) => errors.push(error) });
}

describe('defineEvent', () => {
  it('makes a frozen key for a system', () => {
    expect(Carp.system).toBe('CARP');
    expect(Object.isFrozen(Carp)).toBe(true);
  });

  it('rejects an empty system', () => {
    expect(() => defineEvent<StackEvent>('')).toThrow(TypeError);
  });

  it('types listeners and emits by key', () => {
    const bus = new EventBus();
    bus.on(Carp, (e) => expectTypeOf(e).toEqualTypeOf<CarpEvent>());
    // @ts-expect-error an IFNET event cannot be emitted with the CARP key
    expect(() => bus.emit(Carp, linkUp)).toThrow(TypeError);
    // @ts-expect-error 'UP' is not a CARP event type
    bus.emit(Carp, { system: 'CARP', subsystem: 'x', type: 'UP' });
  });
});

describe('EventBus.on / onAny / emit', () => {
  it('delivers an event only to listeners of its system, then to onAny listeners', () => {
    const bus = quietBus();
    const order: string[] = [];
    bus.onAny((e) => order.push(`any:${e.type}`));
    bus.on(Carp, (e) => order.push(`carp1:${e.type}`));
    bus.on(Link, (e) => order.push(`link:${e.type}`));
    bus.on(Carp, (e) => order.push(`carp2:${e.type}`));
    bus.emit(Carp, master);
    expect(order).toEqual(['carp1:MASTER', 'carp2:MASTER', 'any:MASTER']);
    order.length = 0;
    bus.emit(Link, linkUp);
    expect(order).toEqual(['link:LINK_UP', 'any:LINK_UP']);
  });

  it('passes the event object itself', () => {
    const bus = quietBus();
    const seen: LinkEvent[] = [];
    bus.on(Link, (e) => seen.push(e));
    bus.emit(Link, linkUp);
    expect(seen[0]).toBe(linkUp);
  });

  it('keys defined separately for the same system share listeners', () => {
    const bus = quietBus();
    const fn = vi.fn();
    bus.on(defineEvent<CarpEvent>('CARP'), fn);
    bus.emit(Carp, master);
    expect(fn).toHaveBeenCalledOnce();
  });

  it('emitting with no listeners is fine', () => {
    expect(() => quietBus().emit(Carp, master)).not.toThrow();
  });

  it('counts listeners, and disposers remove exactly one registration, harmlessly twice', () => {
    const bus = quietBus();
    const fn = vi.fn();
    const off1 = bus.on(Carp, fn);
    const off2 = bus.on(Carp, fn); // the same function twice: two registrations
    const offAny = bus.onAny(fn);
    expect(bus.listenerCount).toBe(3);
    off1();
    off1();
    expect(bus.listenerCount).toBe(2);
    bus.emit(Carp, master);
    expect(fn).toHaveBeenCalledTimes(2);
    off2();
    offAny();
    offAny();
    expect(bus.listenerCount).toBe(0);
    bus.emit(Carp, master);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('hasListeners tells whether an emit would reach anyone', () => {
    const bus = quietBus();
    expect(bus.hasListeners(Carp)).toBe(false);
    const off = bus.on(Carp, () => {});
    expect(bus.hasListeners(Carp)).toBe(true);
    expect(bus.hasListeners(Link)).toBe(false);
    off();
    expect(bus.hasListeners(Carp)).toBe(false);
    const offAny = bus.onAny(() => {});
    expect(bus.hasListeners(Link)).toBe(true);
    offAny();
    expect(bus.hasListeners(Link)).toBe(false);
  });

  it('delivers synchronously, including nested emits', () => {
    const bus = quietBus();
    const order: string[] = [];
    bus.on(Carp, () => {
      order.push('carp');
      bus.emit(Link, linkUp);
      order.push('carp done');
    });
    bus.on(Link, () => order.push('link'));
    bus.emit(Carp, master);
    order.push('after');
    expect(order).toEqual(['carp', 'link', 'carp done', 'after']);
  });
});

describe('EventBus subscription changes during emit', () => {
  it('a listener added during an emit hears the next event only', () => {
    const bus = quietBus();
    const late = vi.fn();
    const lateAny = vi.fn();
    const off = bus.on(Carp, () => {
      bus.on(Carp, late);
      bus.onAny(lateAny);
      off();
    });
    bus.emit(Carp, master);
    expect(late).not.toHaveBeenCalled();
    expect(lateAny).not.toHaveBeenCalled();
    bus.emit(Carp, master);
    expect(late).toHaveBeenCalledOnce();
    expect(lateAny).toHaveBeenCalledOnce();
  });

  it('a listener removed during an emit is not called for the event in progress', () => {
    const bus = quietBus();
    const victim = vi.fn();
    const anyVictim = vi.fn();
    let offVictim = (): void => {};
    let offAnyVictim = (): void => {};
    bus.on(Carp, () => {
      offVictim();
      offAnyVictim();
    });
    offVictim = bus.on(Carp, victim);
    offAnyVictim = bus.onAny(anyVictim);
    bus.emit(Carp, master);
    expect(victim).not.toHaveBeenCalled();
    expect(anyVictim).not.toHaveBeenCalled();
    expect(bus.listenerCount).toBe(1);
  });

  it('a listener removing itself keeps the others running', () => {
    const bus = quietBus();
    const calls: string[] = [];
    const off = bus.on(Carp, () => {
      calls.push('once');
      off();
    });
    bus.on(Carp, () => calls.push('always'));
    bus.emit(Carp, master);
    bus.emit(Carp, master);
    expect(calls).toEqual(['once', 'always', 'always']);
  });
});

describe('EventBus errors', () => {
  it('isolates a throwing listener and reports it with the event', () => {
    const reports: [unknown, StackEvent][] = [];
    const bus = new EventBus({ onError: (error, event) => reports.push([error, event]) });
    const boom = new Error('boom');
    const after = vi.fn();
    const any = vi.fn();
    bus.on(Carp, () => {
      throw boom;
    });
    bus.on(Carp, after);
    bus.onAny(any);
    expect(() => bus.emit(Carp, master)).not.toThrow();
    expect(after).toHaveBeenCalledOnce();
    expect(any).toHaveBeenCalledOnce();
    expect(reports).toEqual([[boom, master]]);
  });

  it('rethrows from a microtask by default, without unwinding the emitter', () => {
    const queued: (() => void)[] = [];
    vi.stubGlobal('queueMicrotask', (cb: () => void) => queued.push(cb));
    try {
      const bus = new EventBus();
      const boom = new Error('boom');
      bus.on(Carp, () => {
        throw boom;
      });
      expect(() => bus.emit(Carp, master)).not.toThrow();
      expect(queued).toHaveLength(1);
      expect(() => queued[0]()).toThrow(boom);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
