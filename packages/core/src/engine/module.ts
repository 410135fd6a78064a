import type { Counter } from '../counters/index.js';
import type { EventKey, StackEvent } from '../events/index.js';
import type { HookPointKey, HookRegistration, HookSite } from '../hooks/index.js';
import type { HookPointOptions } from '../hooks/index.js';
import { TimerGroup, type Timer } from '../time/index.js';
import type { DemuxKey } from './demux.js';
import type { Disposer } from './disposer.js';
import type { ExtensionKey, ExtensionSlots } from './extension.js';
import { DEFAULT_VARIANT, type ServiceKey } from './service.js';
import type { Stack } from './stack.js';

/** A service a module needs before it can attach (optionally a specific variant). @public */
export type ServiceRequirement = ServiceKey<unknown> | { readonly key: ServiceKey<unknown>; readonly variant: string };

/**
 * A loadable piece of a stack (DESIGN.md §3). Everything `attach` registers through its context is
 * recorded and undone, in reverse order, when the module unloads.
 * @public
 */
export interface StackModule {
  /** Unique within a stack. */
  readonly name: string;
  /** Services that must be provided before this module attaches. */
  readonly requires?: readonly ServiceRequirement[];
  attach(ctx: ModuleContext): void;
  /** Return a reason to refuse unloading now (FreeBSD answers EBUSY while a vhid exists). */
  refuseUnload?(): string | null | undefined;
}

/**
 * A module's handle on its stack. Every registration made through it is recorded so that
 * `stack.unload(name)` removes it all.
 * @public
 */
export class ModuleContext {
  readonly stack: Stack;
  /** The module's name (the owner of everything it registers). */
  readonly name: string;
  private readonly undo: Disposer[] = [];
  private readonly providers = new Set<string>();
  /** This module's timers, created with the first one and disposed of on unload. */
  private timers: TimerGroup | null = null;

  /** @internal */
  constructor(stack: Stack, name: string) {
    this.stack = stack;
    this.name = name;
  }

  /** Provide a service (optionally a keyed variant). */
  provide<T>(key: ServiceKey<T>, impl: T, variant: string = DEFAULT_VARIANT): void {
    this.track(this.stack.services.provide(key, impl, this.name, variant));
  }

  /**
   * A service this module depends on; throws a clear error when it is missing. The providing
   * module cannot be unloaded while this module is loaded.
   */
  use<T>(key: ServiceKey<T>, variant: string = DEFAULT_VARIANT): T {
    const impl = this.stack.services.get(key, variant);
    const provider = this.stack.services.providerOf(key, variant);
    if (provider !== undefined && provider !== this.name) this.providers.add(provider);
    return impl;
  }

  /** A service if provided now (no dependency is recorded: the module copes with its absence). */
  tryUse<T>(key: ServiceKey<T>, variant: string = DEFAULT_VARIANT): T | undefined {
    return this.stack.services.tryGet(key, variant);
  }

  /** Register a demux handler. */
  register<H>(table: DemuxKey<H>, key: number, handler: H): void {
    this.track(this.stack.demux(table).register(key, handler, this.name));
  }

  /** Register the fallback handler of a demux table. */
  registerFallback<H>(table: DemuxKey<H>, handler: H): void {
    this.track(this.stack.demux(table).setFallback(handler, this.name));
  }

  /** Declare a hook point this module's layer runs; returns the site to run it through. */
  declareHookPoint<A>(point: HookPointKey<A>, options?: HookPointOptions<A>): HookSite<A> {
    const { site, dispose } = this.stack.hooks.declare(point, this.name, options);
    this.track(dispose);
    return site;
  }

  /** Register a hook. */
  hook<A>(point: HookPointKey<A>, registration: HookRegistration<A>): void {
    this.track(this.stack.hooks.register(point, registration, this.name));
  }

  /**
   * A reusable timer whose callback runs as a processing turn; disposed on unload. Disposing it
   * earlier forgets it, so a module may create and dispose timers per entry without growth.
   */
  createTimer(callback: () => void): Timer {
    let timers = this.timers;
    if (timers === null) {
      const stack = this.stack;
      const group = new TimerGroup((cb) => stack.clock.createTimer(() => stack.batch(cb)));
      this.track(() => group.disposeAll());
      this.timers = timers = group;
    }
    return timers.create(callback);
  }

  /** A one-shot timer; disposed on unload if still pending. */
  setTimeout(callback: () => void, delayMs: number): Timer {
    const timer = this.createTimer(callback);
    timer.start(delayMs);
    return timer;
  }

  /** Listen to events of one system. */
  on<E extends StackEvent>(key: EventKey<E>, listener: (e: E) => void): void {
    this.track(this.stack.events.on(key, listener));
  }

  /** A named counter, removed on unload. */
  counter(name: string, description?: string): Counter {
    const counter = this.stack.counters.counter(name, description);
    this.track(() => this.stack.counters.remove(name));
    return counter;
  }

  /** Counters `prefix.name` for each name, removed on unload. */
  counters<const N extends readonly string[]>(prefix: string, names: N, descriptions?: Partial<Record<N[number], string>>): { readonly [K in N[number]]: Counter } {
    const out = {} as Record<string, Counter>;
    for (const n of names) out[n] = this.counter(`${prefix}.${n}`, descriptions?.[n as N[number]]);
    return out as { readonly [K in N[number]]: Counter };
  }

  /** Hang state on an interface or an address; removed on unload. */
  setExt<T>(target: { readonly ext: ExtensionSlots }, key: ExtensionKey<T>, value: T): void {
    this.track(target.ext.set(key, value));
  }

  /** Run `fn` on unload (in reverse order with every other registration). */
  onUnload(fn: Disposer): void {
    this.track(fn);
  }

  /** Record a disposer returned by some registration API. */
  track(disposer: Disposer): void {
    this.undo.push(disposer);
  }

  /** @internal Names of the modules whose services this module uses. */
  get dependencies(): ReadonlySet<string> {
    return this.providers;
  }

  /** @internal Number of recorded registrations. */
  get registrations(): number {
    return this.undo.length;
  }

  /** @internal Undo everything, newest first. Returns the errors disposers threw. */
  disposeAll(): unknown[] {
    const errors: unknown[] = [];
    while (this.undo.length > 0) {
      const d = this.undo.pop()!;
      try {
        d();
      } catch (e) {
        errors.push(e);
      }
    }
    this.providers.clear();
    this.timers = null;
    return errors;
  }
}
