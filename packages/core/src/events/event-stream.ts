import type { Disposer } from '../engine/disposer.js';
import type { StackEvent } from './stack-event.js';

/**
 * An async iterator over bus events with a bounded buffer. When the consumer falls behind and the
 * buffer is full, the oldest buffered event is dropped and counted.
 * @public
 */
export interface EventStream<E extends StackEvent> extends AsyncIterableIterator<E> {
  /** Events dropped so far because the buffer was full. */
  readonly dropped: number;
  /** Events waiting to be read. */
  readonly buffered: number;
  /**
   * Unsubscribe and discard buffered events; pending and later `next()` calls resolve
   * `{ done: true }`. Same as `return()`. Idempotent.
   */
  close(): void;
}

/**
 * Subscribes a listener on a bus, so events are buffered from creation on, not from the first
 * `next()`.
 * @internal
 */
export type Subscribe<E> = (listener: (event: E) => void) => Disposer;

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * The {@link EventStream} implementation: a ring buffer plus a queue of waiting `next()` calls
 * (only ever non-empty while the buffer is empty).
 * @internal
 */
export class BufferedEventStream<E extends StackEvent> implements EventStream<E> {
  private readonly ring: (E | undefined)[];
  private head = 0;
  private count = 0;
  private droppedCount = 0;
  private readonly waiters: ((result: IteratorResult<E, undefined>) => void)[] = [];
  private unsubscribe: Disposer | undefined;

  constructor(subscribe: Subscribe<E>, bufferSize: number) {
    if (!Number.isInteger(bufferSize) || bufferSize < 1) {
      throw new RangeError(`EventBus.iterate: bufferSize must be a positive integer, got ${bufferSize}`);
    }
    this.ring = new Array<E | undefined>(bufferSize);
    this.unsubscribe = subscribe((event) => this.push(event));
  }

  get dropped(): number {
    return this.droppedCount;
  }

  get buffered(): number {
    return this.count;
  }

  next(): Promise<IteratorResult<E, undefined>> {
    if (this.count > 0) return Promise.resolve({ done: false, value: this.shift() });
    if (this.unsubscribe === undefined) return Promise.resolve(DONE);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  return(): Promise<IteratorResult<E, undefined>> {
    this.close();
    return Promise.resolve(DONE);
  }

  close(): void {
    const unsubscribe = this.unsubscribe;
    if (unsubscribe === undefined) return;
    this.unsubscribe = undefined;
    unsubscribe();
    this.ring.fill(undefined);
    this.count = 0;
    for (const resolve of this.waiters.splice(0)) resolve(DONE);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private push(event: E): void {
    const waiter = this.waiters.shift();
    if (waiter !== undefined) {
      waiter({ done: false, value: event });
      return;
    }
    const capacity = this.ring.length;
    if (this.count === capacity) {
      this.head = (this.head + 1) % capacity;
      this.count--;
      this.droppedCount++;
    }
    this.ring[(this.head + this.count) % capacity] = event;
    this.count++;
  }

  private shift(): E {
    const event = this.ring[this.head] as E;
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) % this.ring.length;
    this.count--;
    return event;
  }
}
