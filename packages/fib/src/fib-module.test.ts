import { describe, expect, it } from 'vitest';
import { ManualClock, RouteEvents, RouteTablesService, createStack, parseIpAddress } from '@stack/core';
import type { RouteChangeEvent } from '@stack/core';
import { fibModule } from './fib-module.js';

describe('fibModule', () => {
  it('provides the route tables, emits route events and unloads cleanly', () => {
    const stack = createStack({ clock: new ManualClock() });
    stack.load(fibModule({ fibs: 3, addAddrAllFibs: false }));
    const tables = stack.services.get(RouteTablesService);
    expect(tables.fibs()).toEqual([0, 1, 2]);
    const events: RouteChangeEvent[] = [];
    stack.events.on(RouteEvents, (e) => events.push(e));
    tables.add(2, { prefix: parseIpAddress('10.0.0.0'), prefixLength: 8, ifindex: 1 });
    expect(events).toMatchObject([{ system: 'ROUTE', type: 'ADD', fib: 2, prefix: '10.0.0.0', prefixLength: 8 }]);
    tables.addConnected({ prefix: parseIpAddress('192.0.2.0'), prefixLength: 24, ifindex: 1 }, 1);
    expect(tables.get(0, parseIpAddress('192.0.2.1'))).toBeNull();
    expect(stack.unload('fib').ok).toBe(true);
    expect(stack.services.tryGet(RouteTablesService)).toBeUndefined();
  });
});
