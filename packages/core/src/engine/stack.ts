import type { PacketBuffer } from '../buffer/index.js';
import { PacketPool, type PacketPoolOptions } from '../buffer/index.js';
import type { LinkLayer } from '../contracts/link-layer.js';
import { type Counter, Counters } from '../counters/index.js';
import { EventBus } from '../events/index.js';
import { HookRegistry, type HookSite, Verdict } from '../hooks/index.js';
import { type Clock, RealClock } from '../time/index.js';
import { AddressEvents, InterfaceEvents, ModuleEvents } from './core-events.js';
import {
  AddressHook,
  type AddressChange,
  LinkLayerService,
  LinkProtocols,
  LinkStateHook,
  type LinkStateChange,
} from './core-keys.js';
import { DemuxTable, type DemuxKey } from './demux.js';
import type { InterfaceAddress } from './interface-address.js';
import type { InterfaceEventType, InterfaceHost } from './interface-host.js';
import { InterfaceFlags, type NetInterface } from './interface.js';
import { InterfaceTable } from './interface-table.js';
import { LoopbackLinkLayer } from './loopback.js';
import { ModuleContext, type StackModule } from './module.js';
import { ServiceRegistry } from './service.js';

/** How to create a stack. @public */
export interface StackOptions {
  /** For listings and events. Default `'stack'`. */
  readonly name?: string;
  /** Injected time source; default a {@link RealClock} owned (and closed) by the stack. */
  readonly clock?: Clock;
  readonly pool?: PacketPoolOptions;
  /** Frames the loopback interface may hold between turns (default 1024). */
  readonly loopbackQueueLimit?: number;
}

/** The answer to an unload request. @public */
export type UnloadResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Frames an interface batches before flushing to its driver within one turn. */
const TX_BATCH = 256;
/** Rounds of loopback delivery per turn before the rest waits for the next turn. */
const MAX_LOOP_ROUNDS = 64;

interface LoadedModule {
  readonly module: StackModule;
  readonly ctx: ModuleContext;
}

/**
 * One independent network stack (FreeBSD VNET): it owns its interfaces, services, demux tables,
 * hooks, timers, events, counters and buffer pool. Two stacks share nothing.
 * @public
 */
export class Stack {
  readonly name: string;
  readonly clock: Clock;
  readonly pool: PacketPool;
  readonly services = new ServiceRegistry();
  readonly events = new EventBus();
  readonly counters = new Counters();
  readonly hooks: HookRegistry;
  readonly interfaces: InterfaceTable;
  /** The loopback interface (`lo0`, index 1). */
  readonly loopback: NetInterface;

  private readonly demuxTables = new Map<DemuxKey<unknown>, DemuxTable<unknown>>();
  private readonly loaded = new Map<string, LoadedModule>();
  private readonly ownsClock: boolean;
  private depth = 0;
  // Queues are arrays with a separate count, reused turn after turn: resetting `length` would
  // drop their storage and make the next push allocate.
  private readonly pendingTx: NetInterface[] = [];
  private pendingCount = 0;
  /** Loopback deliveries; two sets swapped on each drain so draining allocates nothing. */
  private loopQueue: PacketBuffer[] = [];
  private loopIfaces: NetInterface[] = [];
  private loopCount = 0;
  private spareQueue: PacketBuffer[] = [];
  private spareIfaces: NetInterface[] = [];
  private readonly loopLimit: number;
  private readonly single: PacketBuffer[] = [];
  private readonly addressSite: HookSite<AddressChange>;
  private readonly linkStateSite: HookSite<LinkStateChange>;
  private readonly stats: {
    readonly noLinkLayer: Counter;
    readonly interfaceDown: Counter;
    readonly inputErrors: Counter;
    readonly loopDropped: Counter;
    readonly noDriver: Counter;
    readonly unknownProtocol: Counter;
  };
  private destroyed = false;

  constructor(options: StackOptions = {}) {
    this.name = options.name ?? 'stack';
    this.ownsClock = options.clock === undefined;
    this.clock = options.clock ?? new RealClock();
    this.pool = new PacketPool(options.pool);
    this.loopLimit = options.loopbackQueueLimit ?? 1024;
    this.stats = {
      noLinkLayer: this.counters.counter(
        'link.in.no-link-layer',
        'frames dropped: no link layer loaded for the interface type',
      ),
      interfaceDown: this.counters.counter('link.in.interface-down', 'frames dropped: interface administratively down'),
      inputErrors: this.counters.counter(
        'stack.input-errors',
        'packets dropped because a protocol threw while handling them',
      ),
      loopDropped: this.counters.counter('link.loopback.queue-full', 'packets dropped: loopback queue full'),
      noDriver: this.counters.counter('link.out.no-driver', 'frames dropped: interface has no driver'),
      unknownProtocol: this.counters.counter(
        'link.in.unknown-protocol',
        'looped-back packets dropped: no handler for the link protocol',
      ),
    };
    this.hooks = new HookRegistry(this.counters, () => this.interfaces.indexes());
    this.interfaces = new InterfaceTable(this.host, (ifp, attached) => {
      this.hooks.rebuildAll();
      this.interfaceEvent(ifp, attached ? 'ATTACH' : 'DETACH');
    });
    this.addressSite = this.hooks.declare(AddressHook, 'core').site;
    this.linkStateSite = this.hooks.declare(LinkStateHook, 'core').site;
    this.load({
      name: 'loopback',
      attach: (ctx) => {
        ctx.provide(
          LinkLayerService,
          new LoopbackLinkLayer(
            (ifp, buf) => this.loopbackEnqueue(ifp, buf),
            (ifp, buf) => this.dispatchLinkProtocol(ifp, buf),
          ),
          'loopback',
        );
      },
      refuseUnload: () => 'the loopback link layer is part of the stack',
    });
    this.loopback = this.interfaces.add({
      name: 'lo0',
      type: 'loopback',
      mtu: 16384,
      flags: InterfaceFlags.LOOPBACK | InterfaceFlags.MULTICAST,
    });
  }

  // --- modules ---------------------------------------------------------------------------------

  /** Load a module: check its requirements, then attach it. A failing attach leaves nothing behind. */
  load(module: StackModule): void {
    if (this.loaded.has(module.name)) throw new Error(`module "${module.name}" is already loaded`);
    for (const req of module.requires ?? []) {
      const key = 'key' in req ? req.key : req;
      const variant = 'key' in req ? req.variant : undefined;
      if (this.services.tryGet(key, variant) === undefined) {
        throw new Error(
          `module "${module.name}" requires service "${key.name}"${variant ? ` (${variant})` : ''}, which no loaded module provides`,
        );
      }
    }
    const ctx = new ModuleContext(this, module.name);
    try {
      this.batch(() => module.attach(ctx));
    } catch (e) {
      ctx.disposeAll();
      throw new Error(`module "${module.name}" failed to attach: ${e instanceof Error ? e.message : String(e)}`, {
        cause: e,
      });
    }
    this.loaded.set(module.name, { module, ctx });
    this.events.emit(ModuleEvents, { system: 'MODULE', subsystem: module.name, type: 'LOAD' });
  }

  /** Unload a module and everything it registered, unless it or a dependent module refuses. */
  unload(name: string): UnloadResult {
    const entry = this.loaded.get(name);
    if (!entry) return { ok: false, reason: `module "${name}" is not loaded` };
    const refusal = entry.module.refuseUnload?.();
    if (refusal) return { ok: false, reason: refusal };
    for (const [other, { ctx }] of this.loaded) {
      if (ctx.dependencies.has(name)) return { ok: false, reason: `module "${other}" uses services of "${name}"` };
    }
    const errors = this.batch(() => entry.ctx.disposeAll());
    this.loaded.delete(name);
    if (errors.length > 0)
      this.counters.counter('stack.unload-errors', 'disposers that threw during unload').add(errors.length);
    this.events.emit(ModuleEvents, { system: 'MODULE', subsystem: name, type: 'UNLOAD' });
    return { ok: true };
  }

  /** Names of the loaded modules, in load order. */
  modules(): string[] {
    return [...this.loaded.keys()];
  }

  hasModule(name: string): boolean {
    return this.loaded.has(name);
  }

  /** @internal Registrations a module holds (tests prove an unload left none). */
  moduleRegistrations(name: string): number {
    return this.loaded.get(name)?.ctx.registrations ?? 0;
  }

  /** The demux table for a key (created on first use). */
  demux<H>(key: DemuxKey<H>): DemuxTable<H> {
    let table = this.demuxTables.get(key);
    if (!table) {
      table = new DemuxTable<unknown>(key.name);
      this.demuxTables.set(key, table);
    }
    return table as DemuxTable<H>;
  }

  // --- processing turns ------------------------------------------------------------------------

  /**
   * Run `fn` as (part of) one processing turn: frames sent meanwhile are batched per interface and
   * loopback deliveries are queued; both are flushed when the outermost turn ends. Receive
   * batches, module timers and loads run inside a turn; API calls from outside may use it to
   * batch their sends.
   */
  batch<T>(fn: () => T): T {
    this.depth++;
    try {
      return fn();
    } finally {
      if (--this.depth === 0) this.endTurn();
    }
  }

  private endTurn(): void {
    this.depth++;
    try {
      for (let round = 0; round < MAX_LOOP_ROUNDS && (this.loopCount > 0 || this.pendingCount > 0); round++) {
        if (this.loopCount > 0) this.drainLoopback();
        this.flushTx();
      }
    } finally {
      this.depth--;
    }
  }

  private drainLoopback(): void {
    const bufs = this.loopQueue;
    const ifps = this.loopIfaces;
    const count = this.loopCount;
    this.loopQueue = this.spareQueue;
    this.loopIfaces = this.spareIfaces;
    this.loopCount = 0;
    this.spareQueue = bufs;
    this.spareIfaces = ifps;
    for (let i = 0; i < count; i++) {
      this.single[0] = bufs[i];
      this.input(ifps[i], this.single, 1);
    }
  }

  private flushTx(): void {
    const pending = this.pendingTx;
    // pendingCount may grow while flushing; those interfaces are flushed in this loop too.
    for (let i = 0; i < this.pendingCount; i++) this.flushInterface(pending[i]);
    this.pendingCount = 0;
  }

  private flushInterface(ifp: NetInterface): void {
    const count = ifp.txCount;
    if (count === 0) return;
    if (ifp.driver) ifp.driver.send(ifp.txQueue, count);
    ifp.txCount = 0;
  }

  private loopbackEnqueue(ifp: NetInterface, buf: PacketBuffer): void {
    ifp.counters.txPackets++;
    ifp.counters.txBytes += buf.length;
    if (this.loopCount >= this.loopLimit) {
      this.stats.loopDropped.inc();
      ifp.counters.txDropped++;
      buf.release();
      return;
    }
    this.loopQueue[this.loopCount] = buf;
    this.loopIfaces[this.loopCount++] = ifp;
    if (this.depth === 0) this.endTurn();
  }

  private dispatchLinkProtocol(ifp: NetInterface, buf: PacketBuffer): void {
    const handler = this.demux(LinkProtocols).lookup(buf.linkProtocol);
    if (handler === undefined) {
      ifp.counters.rxDropped++;
      this.stats.unknownProtocol.inc();
      buf.release();
      return;
    }
    handler(ifp, buf);
  }

  /** Frames received on an interface (from its driver, or looped back). */
  private input(ifp: NetInterface, frames: readonly PacketBuffer[], count: number): void {
    if (this.destroyed) {
      for (let i = 0; i < count; i++) frames[i].release();
      return;
    }
    // A processing turn, written out rather than through batch() so no closure is made per batch.
    this.depth++;
    try {
      this.inputFrames(ifp, frames, count);
    } finally {
      if (--this.depth === 0) this.endTurn();
    }
  }

  private inputFrames(ifp: NetInterface, frames: readonly PacketBuffer[], count: number): void {
    const layer = this.services.tryGet(LinkLayerService, ifp.type);
    const counters = ifp.counters;
    for (let i = 0; i < count; i++) {
      const buf = frames[i];
      counters.rxPackets++;
      counters.rxBytes += buf.length;
      if (!ifp.isUp) {
        counters.rxDropped++;
        this.stats.interfaceDown.inc();
        buf.release();
        continue;
      }
      if (layer === undefined) {
        counters.rxDropped++;
        this.stats.noLinkLayer.inc();
        buf.release();
        continue;
      }
      buf.ifindex = ifp.index;
      buf.fib = ifp.fib;
      try {
        layer.input(ifp, buf);
      } catch {
        // A protocol bug must not take the stack down: count it and go on with the next frame.
        this.stats.inputErrors.inc();
      }
    }
  }

  private transmit(ifp: NetInterface, buf: PacketBuffer): void {
    const counters = ifp.counters;
    if (!ifp.isRunning || ifp.driver === null) {
      counters.txDropped++;
      if (ifp.driver === null) this.stats.noDriver.inc();
      buf.release();
      return;
    }
    counters.txPackets++;
    counters.txBytes += buf.length;
    if (this.depth === 0) {
      this.single[0] = buf;
      ifp.driver.send(this.single, 1);
      return;
    }
    const count = ifp.txCount;
    if (count === 0) this.pendingTx[this.pendingCount++] = ifp;
    ifp.txQueue[count] = buf;
    ifp.txCount = count + 1;
    if (count + 1 >= TX_BATCH) this.flushInterface(ifp);
  }

  /** The link layer for an interface's type, or undefined when none is loaded. */
  linkLayerOf(ifp: NetInterface): LinkLayer | undefined {
    return this.services.tryGet(LinkLayerService, ifp.type);
  }

  // --- interface host --------------------------------------------------------------------------

  private interfaceEvent(ifp: NetInterface, type: InterfaceEventType): void {
    this.events.emit(InterfaceEvents, { system: 'IFNET', subsystem: ifp.name, type, ifindex: ifp.index });
  }

  private readonly host: InterfaceHost = {
    now: () => this.clock.now(),
    allocate: (length) => this.pool.alloc(length, 32),
    input: (ifp, frames, count) => this.input(ifp, frames, count),
    transmit: (ifp, buf) => this.transmit(ifp, buf),
    interfaceEvent: (ifp, type) => this.interfaceEvent(ifp, type),
    runningChanged: (ifp) => {
      this.linkStateSite.run({ running: ifp.isRunning }, ifp);
    },
    addressChange: (ifp, addr: InterfaceAddress, op) =>
      this.addressSite.run({ op, addr }, ifp) !== null || op === 'DELETE',
    addressEvent: (ifp, addr, type) => {
      this.events.emit(AddressEvents, {
        system: 'IFADDR',
        subsystem: ifp.name,
        type,
        ifindex: ifp.index,
        family: addr.family,
        address: addr.toString(),
        addr,
      });
    },
    lastHookReason: () => (this.addressSite.lastVerdict === Verdict.DROP ? this.addressSite.lastReason : 'consumed'),
  };

  // --- teardown --------------------------------------------------------------------------------

  /** Unload every module (newest first, refusals overridden), remove interfaces and close drivers. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    const names = [...this.loaded.keys()].reverse();
    for (const name of names) {
      const entry = this.loaded.get(name)!;
      entry.ctx.disposeAll();
      this.loaded.delete(name);
    }
    for (const ifp of this.interfaces.list()) {
      if (ifp.index !== this.loopback.index) await this.interfaces.remove(ifp.index);
    }
    this.destroyed = true;
    for (let i = 0; i < this.loopCount; i++) this.loopQueue[i].release();
    this.loopCount = 0;
    if (this.ownsClock && this.clock instanceof RealClock) this.clock.close();
  }
}

/** Create an independent stack. @public */
export function createStack(options?: StackOptions): Stack {
  return new Stack(options);
}
