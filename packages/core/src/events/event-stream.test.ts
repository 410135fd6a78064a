import { describe, expect, expectTypeOf, it } from 'vitest';
import { EventBus } from './event-bus.js';
import type { EventStream } from './event-stream.js';
import { defineEvent, type StackEvent } from './stack-event.js';

interface NdEvent extends StackEvent {
  readonly system: 'ND';
  readonly type: 'DAD_FAILED' | 'ROUTER_ADDED';
  readonly seq: number;
}
interface OtherEvent extends StackEvent {
  readonly system: 'OTHER';
}

const Nd = defineEvent<NdEvent>('ND');
const Other = defineEvent<OtherEvent>('OTHER');

const nd = (seq: number): NdEvent => ({ system: 'ND', subsystem: 'em0', type: 'ROUTER_ADDED', seq });
const other: OtherEvent = { system: 'OTHER', subsystem: '', type: 'X' };

describe('EventBus.iterate', () => {
  it('yields the events of its system, buffered from creation', async () => {
    const bus = new EventBus();
    const stream = bus.iterate(Nd);
    expectTypeOf(stream).toEqualTypeOf<EventStream<NdEvent>>();
    bus.emit(Nd, nd(1));
    bus.emit(Other, other);
    bus.emit(Nd, nd(2));
    expect(stream.buffered).toBe(2);
    expect(await stream.next()).toEqual({ done: false, value: nd(1) });
    expect(await stream.next()).toEqual({ done: false, value: nd(2) });
    stream.close();
  });

  it('with a null key yields every event', async () => {
    const bus = new EventBus();
    const stream = bus.iterate(null);
    expectTypeOf(stream).toEqualTypeOf<EventStream<StackEvent>>();
    bus.emit(Nd, nd(1));
    bus.emit(Other, other);
    expect((await stream.next()).value).toEqual(nd(1));
    expect((await stream.next()).value).toBe(other);
    stream.close();
  });

  it('resolves a waiting next() when an event arrives', async () => {
    const bus = new EventBus();
    const stream = bus.iterate(Nd);
    const pending = stream.next();
    bus.emit(Nd, nd(7));
    expect(await pending).toEqual({ done: false, value: nd(7) });
    stream.close();
  });

  it('serves several waiting next() calls in order', async () => {
    const bus = new EventBus();
    const stream = bus.iterate(Nd);
    const first = stream.next();
    const second = stream.next();
    bus.emit(Nd, nd(1));
    bus.emit(Nd, nd(2));
    expect((await first).value).toEqual(nd(1));
    expect((await second).value).toEqual(nd(2));
    stream.close();
  });

  it('drops the oldest events when the buffer is full, and counts them', async () => {
    const bus = new EventBus();
    const stream = bus.iterate(Nd, { bufferSize: 3 });
    for (let i = 1; i <= 5; i++) bus.emit(Nd, nd(i));
    expect(stream.dropped).toBe(2);
    expect(stream.buffered).toBe(3);
    const values = [];
    for (let i = 0; i < 3; i++) values.push((await stream.next()).value);
    expect(values).toEqual([nd(3), nd(4), nd(5)]);
    // The ring wraps around correctly after draining.
    for (let i = 6; i <= 10; i++) bus.emit(Nd, nd(i));
    expect(stream.dropped).toBe(4);
    expect((await stream.next()).value).toEqual(nd(8));
    stream.close();
  });

  it('defaults to a 256-event buffer', () => {
    const bus = new EventBus();
    const stream = bus.iterate(Nd);
    for (let i = 0; i < 300; i++) bus.emit(Nd, nd(i));
    expect(stream.buffered).toBe(256);
    expect(stream.dropped).toBe(44);
    stream.close();
  });

  it('rejects a bad buffer size without subscribing', () => {
    const bus = new EventBus();
    for (const bufferSize of [0, -1, 1.5, Number.NaN]) {
      expect(() => bus.iterate(Nd, { bufferSize })).toThrow(RangeError);
    }
    expect(bus.listenerCount).toBe(0);
  });

  it('close unsubscribes, ends pending next() calls and discards the buffer; idempotent', async () => {
    const bus = new EventBus();
    const stream = bus.iterate(Nd);
    expect(bus.listenerCount).toBe(1);
    const pending = stream.next();
    stream.close();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(bus.listenerCount).toBe(0);
    stream.close();
    expect(bus.listenerCount).toBe(0);
    bus.emit(Nd, nd(1));
    expect(await stream.next()).toEqual({ done: true, value: undefined });

    const buffered = bus.iterate(Nd);
    bus.emit(Nd, nd(2));
    buffered.close();
    expect(buffered.buffered).toBe(0);
    expect((await buffered.next()).done).toBe(true);
  });

  it('breaking out of for-await unsubscribes', async () => {
    const bus = new EventBus();
    const stream = bus.iterate(Nd);
    for (let i = 1; i <= 3; i++) bus.emit(Nd, nd(i));
    const seen: number[] = [];
    for await (const event of stream) {
      seen.push(event.seq);
      if (event.seq === 2) break;
    }
    expect(seen).toEqual([1, 2]);
    expect(bus.listenerCount).toBe(0);
    expect((await stream.next()).done).toBe(true);
  });

  it('a for-await loop ends when another party closes the stream', async () => {
    const bus = new EventBus();
    const stream = bus.iterate(null);
    const seen: string[] = [];
    const loop = (async () => {
      for await (const event of stream) seen.push(event.system);
    })();
    bus.emit(Nd, nd(1));
    await Promise.resolve();
    bus.emit(Other, other);
    await Promise.resolve();
    stream.close();
    await loop;
    expect(seen).toEqual(['ND', 'OTHER']);
    expect(bus.listenerCount).toBe(0);
  });

  it('return() resolves done and unsubscribes', async () => {
    const bus = new EventBus();
    const stream = bus.iterate(Nd);
    expect(await stream.return!()).toEqual({ done: true, value: undefined });
    expect(bus.listenerCount).toBe(0);
  });

  it('is its own async iterator', () => {
    const stream = new EventBus().iterate(Nd);
    expect(stream[Symbol.asyncIterator]()).toBe(stream);
    stream.close();
  });
});
