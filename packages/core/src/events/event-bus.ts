import type { Disposer } from '../engine/disposer.js';
import { rethrowAsync } from '../time/host-globals.js';
import { BufferedEventStream, type EventStream } from './event-stream.js';
import type { EventKey, StackEvent } from './stack-event.js';

/**
 * Options for {@link EventBus}.
 * @public
 */
export interface EventBusOptions {
  /**
   * Receives an error thrown by a listener, with the event it was handling; the other listeners
   * still run. Default: rethrow the error from a microtask, so it is reported as uncaught without
   * unwinding the emitter (often a packet path).
   */
  onError?: (error: unknown, event: StackEvent) => void;
}

/**
 * Options for {@link EventBus.iterate}.
 * @public
 */
export interface EventStreamOptions {
  /** Events kept for a slow consumer before the oldest are dropped. Default 256. */
  bufferSize?: number;
}

/** One `on` / `onAny` call; `live` turns false on dispose, so a snapshot being emitted skips it. */
interface Registration {
  readonly listener: (event: StackEvent) => void;
  live: boolean;
}

const DEFAULT_BUFFER_SIZE = 256;

/**
 * Synchronous, typed publish/subscribe for {@link StackEvent}s, one per stack.
 *
 * Listener lists are copy-on-write, so listeners may subscribe and unsubscribe during an emit: a
 * listener added during an emit first hears the next event; one removed during an emit is not
 * called again, even for the event in progress. Listeners of the event's system run first, in
 * subscription order, then `onAny` listeners.
 * @public
 */
export class EventBus {
  private readonly bySystem = new Map<string, readonly Registration[]>();
  private anyListeners: readonly Registration[] = [];
  private count = 0;
  private readonly onError: (error: unknown, event: StackEvent) => void;

  /** @param options - see {@link EventBusOptions} */
  constructor(options: EventBusOptions = {}) {
    this.onError = options.onError ?? rethrowAsync;
  }

  /** Number of live subscriptions (listeners and open streams), so tests can prove an unload left none. */
  get listenerCount(): number {
    return this.count;
  }

  /** Whether an emit for `key` would reach anyone; lets emitters skip building unheard events. */
  hasListeners(key: EventKey<StackEvent>): boolean {
    return this.anyListeners.length > 0 || this.bySystem.has(key.system);
  }

  /** Listen to the events of `key`'s system. */
  on<E extends StackEvent>(key: EventKey<E>, listener: (event: E) => void): Disposer {
    const system = key.system;
    const registration = this.register(listener as (event: StackEvent) => void);
    this.bySystem.set(system, [...(this.bySystem.get(system) ?? []), registration]);
    return () => {
      if (!this.unregister(registration)) return;
      const remaining = (this.bySystem.get(system) ?? []).filter((r) => r !== registration);
      if (remaining.length === 0) this.bySystem.delete(system);
      else this.bySystem.set(system, remaining);
    };
  }

  /** Listen to every event. */
  onAny(listener: (event: StackEvent) => void): Disposer {
    const registration = this.register(listener);
    this.anyListeners = [...this.anyListeners, registration];
    return () => {
      if (this.unregister(registration)) this.anyListeners = this.anyListeners.filter((r) => r !== registration);
    };
  }

  /**
   * Deliver `event` synchronously to its system's listeners, then to `onAny` listeners. A
   * throwing listener is reported through `onError` and does not stop the others. Throws
   * TypeError if `event.system` is not `key.system`.
   */
  emit<E extends StackEvent>(key: EventKey<E>, event: NoInfer<E>): void {
    if (event.system !== key.system) {
      throw new TypeError(`EventBus.emit: event of system '${event.system}' emitted with key '${key.system}'`);
    }
    // Snapshot both lists first: an onAny listener added by a system listener waits for the next event.
    const listeners = this.bySystem.get(key.system);
    const anyListeners = this.anyListeners;
    if (listeners !== undefined) this.deliver(listeners, event);
    if (anyListeners.length > 0) this.deliver(anyListeners, event);
  }

  /**
   * An async iterator over the events of `key`'s system, or over all events when `key` is null.
   * It subscribes at once; `close()`, `return()` (a `for await` loop ending) unsubscribe.
   */
  iterate<E extends StackEvent>(key: EventKey<E>, options?: EventStreamOptions): EventStream<E>;
  iterate(key: null, options?: EventStreamOptions): EventStream<StackEvent>;
  iterate<E extends StackEvent>(key: EventKey<E> | null, options: EventStreamOptions = {}): EventStream<E> {
    const bufferSize = options.bufferSize ?? DEFAULT_BUFFER_SIZE;
    return new BufferedEventStream<E>(
      (listener) => (key === null ? this.onAny(listener as (event: StackEvent) => void) : this.on(key, listener)),
      bufferSize,
    );
  }

  private register(listener: (event: StackEvent) => void): Registration {
    this.count++;
    return { listener, live: true };
  }

  /** Mark `registration` dead; false if it already was (a second dispose). */
  private unregister(registration: Registration): boolean {
    if (!registration.live) return false;
    registration.live = false;
    this.count--;
    return true;
  }

  private deliver(listeners: readonly Registration[], event: StackEvent): void {
    for (const registration of listeners) {
      if (!registration.live) continue;
      try {
        registration.listener(event);
      } catch (error) {
        this.onError(error, event);
      }
    }
  }
}
