import { describe, expect, expectTypeOf, it } from 'vitest';
import { Counter } from './counter.js';
import { isValidCounterName } from './counter-name.js';
import { Counters } from './counters.js';

describe('Counter', () => {
  it('increments and adds on its value field', () => {
    const c = new Counter('x.y', 'a thing');
    expect(c.value).toBe(0);
    c.inc();
    c.inc();
    c.add(40);
    expect(c.value).toBe(42);
    c.value = 0;
    expect(c.value).toBe(0);
    expect(c.name).toBe('x.y');
    expect(c.description).toBe('a thing');
  });
});

describe('counter names', () => {
  it.each(['ipv4', 'ipv4.in.bad-checksum', 'tcp.rx_dropped', 'icmp6.type.135', 'a.0', 'a-b_c.d9'])(
    'accepts %s',
    (name) => {
      expect(isValidCounterName(name)).toBe(true);
    },
  );

  it.each(['', 'IPv4', 'ipv4.', '.ipv4', 'ipv4..in', 'ip v4', 'ipv4/in', '9lives', '42', '-x', 'ipv4.ïn'])(
    'rejects %j',
    (name) => {
      expect(isValidCounterName(name)).toBe(false);
      expect(() => new Counters().counter(name)).toThrow(TypeError);
    },
  );
});

describe('Counters', () => {
  it('get-or-creates counters by name', () => {
    const counters = new Counters();
    const a = counters.counter('ipv4.in.packets', 'packets received');
    a.inc();
    expect(counters.counter('ipv4.in.packets')).toBe(a);
    expect(counters.get('ipv4.in.packets')).toBe(1);
    expect(counters.size).toBe(1);
    expect(counters.has('ipv4.in.packets')).toBe(true);
  });

  it('keeps the first description, but fills in a missing one', () => {
    const counters = new Counters();
    const c = counters.counter('a.b');
    expect(c.description).toBe('');
    counters.counter('a.b', 'first');
    counters.counter('a.b', 'second');
    expect(c.description).toBe('first');
  });

  it('get returns 0 for an unknown name, even an invalid one', () => {
    const counters = new Counters();
    expect(counters.get('nope')).toBe(0);
    expect(counters.get('NOT VALID')).toBe(0);
    expect(counters.size).toBe(0);
  });

  it('group makes prefixed counters keyed by short name, typed', () => {
    const counters = new Counters();
    const rx = counters.group('ipv4.in', ['bad-checksum', 'too-short', 'delivered']);
    expectTypeOf(rx).toEqualTypeOf<{
      readonly 'bad-checksum': Counter;
      readonly 'too-short': Counter;
      readonly delivered: Counter;
    }>();
    rx['bad-checksum'].inc();
    rx.delivered.add(3);
    expect(counters.get('ipv4.in.bad-checksum')).toBe(1);
    expect(counters.get('ipv4.in.delivered')).toBe(3);
    expect(rx['too-short'].name).toBe('ipv4.in.too-short');
    expect(Object.isFrozen(rx)).toBe(true);
    // @ts-expect-error not in the group
    expect(rx.other).toBeUndefined();
    expect(counters.group('ipv4.in', ['delivered']).delivered).toBe(rx.delivered);
  });

  it('group validates the prefix and the resulting names', () => {
    const counters = new Counters();
    expect(() => counters.group('IPv4', ['x'])).toThrow(TypeError);
    expect(() => counters.group('ipv4', ['Bad'])).toThrow(TypeError);
    expect(() => counters.group('ipv4', [''])).toThrow(TypeError);
  });

  it('group treats a name like __proto__ as a plain key', () => {
    const counters = new Counters();
    const g = counters.group('odd', ['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(g)).toBe(Object.prototype);
    expect(Object.keys(g)).toEqual(['__proto__', 'constructor']);
    g.constructor.inc();
    expect(counters.get('odd.constructor')).toBe(1);
  });

  it('snapshot is sorted by name and filtered by dotted namespace', () => {
    const counters = new Counters();
    counters.counter('udp.in').add(5);
    counters.counter('ipv4.out').add(2);
    counters.counter('ipv4x.other').add(9);
    counters.counter('ipv4.in.bad').add(1);
    counters.counter('ipv4').add(7);
    const all = counters.snapshot();
    expect(Object.keys(all)).toEqual(['ipv4', 'ipv4.in.bad', 'ipv4.out', 'ipv4x.other', 'udp.in']);
    expect(all['udp.in']).toBe(5);
    expect(counters.snapshot('ipv4')).toEqual({ ipv4: 7, 'ipv4.in.bad': 1, 'ipv4.out': 2 });
    expect(Object.keys(counters.snapshot('ipv4'))).toEqual(['ipv4', 'ipv4.in.bad', 'ipv4.out']);
    expect(counters.snapshot('ipv4.')).toEqual({ 'ipv4.in.bad': 1, 'ipv4.out': 2 });
    expect(counters.snapshot('ipv4.in')).toEqual({ 'ipv4.in.bad': 1 });
    expect(counters.snapshot('tcp')).toEqual({});
    expect(counters.snapshot('')).toEqual(all);
  });

  it('snapshot is a copy', () => {
    const counters = new Counters();
    const c = counters.counter('a');
    const before = counters.snapshot();
    c.inc();
    expect(before).toEqual({ a: 0 });
    expect(counters.snapshot()).toEqual({ a: 1 });
  });

  it('list gives name, value and description in name order', () => {
    const counters = new Counters();
    counters.counter('b.x', 'bee').inc();
    counters.counter('a.y');
    expect(counters.list()).toEqual([
      { name: 'a.y', value: 0, description: '' },
      { name: 'b.x', value: 1, description: 'bee' },
    ]);
    expect(counters.list('b')).toEqual([{ name: 'b.x', value: 1, description: 'bee' }]);
  });

  it('remove forgets a counter; a new one with that name starts at 0', () => {
    const counters = new Counters();
    const old = counters.counter('carp.advertisements');
    old.add(10);
    counters.remove('carp.advertisements');
    counters.remove('carp.advertisements');
    counters.remove('never.existed');
    expect(counters.size).toBe(0);
    expect(counters.get('carp.advertisements')).toBe(0);
    old.inc(); // a holder that kept the object does no harm
    expect(counters.snapshot()).toEqual({});
    const fresh = counters.counter('carp.advertisements');
    expect(fresh).not.toBe(old);
    expect(fresh.value).toBe(0);
  });

  it('removePrefix forgets a whole namespace, for a module unloading', () => {
    const counters = new Counters();
    counters.group('carp', ['in', 'out', 'bad-vhid']);
    counters.counter('carp');
    counters.counter('carpx.keep');
    counters.counter('ipv4.in');
    expect(counters.removePrefix('carp')).toBe(4);
    expect(Object.keys(counters.snapshot())).toEqual(['carpx.keep', 'ipv4.in']);
    expect(() => counters.removePrefix('')).toThrow(TypeError);
  });

  it('two Counters instances share nothing', () => {
    const a = new Counters();
    const b = new Counters();
    a.counter('x').inc();
    expect(b.get('x')).toBe(0);
    expect(b.size).toBe(0);
  });
});
