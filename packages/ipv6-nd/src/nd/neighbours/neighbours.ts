import { listNeighbours, type NeighbourInfo, type NeighbourTransmit, type NetInterface, type PacketBuffer } from '@stack/core';
import { isMulticastAt, isUnspecifiedAt } from '../runtime/address-words.js';
import { formatIpv6Bytes } from '../runtime/ipv6-text.js';
import { type NdRuntime, runsNd } from '../runtime/nd-runtime.js';
import { solicitationSource } from '../runtime/own-addresses.js';
import { NeighbourCache } from './neighbour-cache.js';
import { NdEntry } from './nd-entry.js';

/** What router discovery needs to hear from the neighbour cache. @internal */
export interface NeighbourObserver {
  /** A neighbour became known (resolved or created with a link address) or was deleted. */
  reachabilityChanged(ifindex: number, entry: NdEntry): void;
  /** A neighbour's IsRouter flag went from true to false (RFC 4861 §7.2.5, last paragraph). */
  routerFlagCleared(ifindex: number, entry: NdEntry): void;
}

/** The NA flags §7.2.5 acts on. @internal */
export interface Advertisement {
  readonly router: boolean;
  readonly solicited: boolean;
  readonly override: boolean;
}

/**
 * The per-interface IPv6 neighbour caches and their state machine (RFC 4861 §7.2, §7.3):
 * address resolution with bounded queues, neighbour unreachability detection, and the cache
 * updates that NS, NA, RS, RA and redirects make. One reusable timer per entry, armed for its next
 * state change. `resolve` of a reachable entry allocates nothing.
 * @internal
 */
export class Neighbours {
  private readonly caches = new Map<number, NeighbourCache>();
  observer: NeighbourObserver | null = null;

  constructor(private readonly rt: NdRuntime) {}

  cacheOf(ifp: NetInterface): NeighbourCache {
    let cache = this.caches.get(ifp.index);
    if (cache === undefined) {
      cache = new NeighbourCache(ifp.index, this.rt.config.maxEntries);
      this.caches.set(ifp.index, cache);
    }
    return cache;
  }

  /** The entry for `bytes[at..at+16)` on `ifindex`, if any. */
  find(ifindex: number, bytes: Uint8Array, at: number): NdEntry | undefined {
    return this.caches.get(ifindex)?.get(bytes, at);
  }

  // --- resolution (the NeighbourResolver hot path) ---------------------------------------------

  resolve(ifp: NetInterface, buf: PacketBuffer, out: Uint8Array, transmit: NeighbourTransmit): number {
    const hop = buf.nextHop;
    const cache = this.cacheOf(ifp);
    const entry = cache.get(hop, 0);
    if (entry !== undefined) {
      switch (entry.state) {
        case 'incomplete':
          entry.enqueue(ifp, buf, transmit, this.rt.config.maxQueued, this.rt.counters.cache['queue-overflow']);
          return 0;
        case 'reachable': {
          const now = this.rt.stack.clock.now();
          // Lazy REACHABLE → STALE (§7.3.3); sending to a STALE entry then moves it to DELAY.
          if (now - entry.confirmedAt >= this.rt.params.of(ifp.index).reachableTime(now)) this.enterDelay(entry);
          break;
        }
        case 'stale':
          this.enterDelay(entry);
          break;
        default:
          break;
      }
      // Used: the most recently used end of the eviction order (O(1), no allocation).
      cache.touch(entry);
      const link = entry.linkAddress;
      for (let i = 0; i < link.length; i++) out[i] = link[i];
      return link.length;
    }
    if (!runsNd(ifp)) return this.refuse(ifp, buf, this.rt.counters.cache['unsupported-link']);
    // Multicast maps without resolution (the link layer's job); :: is nobody.
    if (isMulticastAt(hop, 0) || isUnspecifiedAt(hop, 0)) return this.refuse(ifp, buf, this.rt.counters.cache['bad-next-hop']);
    const created = this.create(cache, ifp, hop, 0);
    if (created === null) return this.refuse(ifp, buf, this.rt.counters.cache.full);
    if (buf.family === 'ipv6' && !isUnspecifiedAt(buf.src, 0)) {
      created.solicitSource.set(buf.src);
      created.hasSolicitSource = true;
    }
    created.enqueue(ifp, buf, transmit, this.rt.config.maxQueued, this.rt.counters.cache['queue-overflow']);
    this.solicit(ifp, created, false);
    return 0;
  }

  /** Upper-layer reachability confirmation (RFC 4861 §7.3.1). Allocation-free. */
  confirm(ifp: NetInterface, bytes: Uint8Array, at: number): void {
    const cache = this.caches.get(ifp.index);
    const entry = cache?.get(bytes, at);
    if (cache === undefined || entry === undefined || entry.state === 'incomplete' || entry.state === 'permanent') return;
    this.enterReachable(cache, entry);
  }

  // --- updates from received messages ----------------------------------------------------------

  /**
   * A link-layer address learnt from an NS, RS, RA or redirect (RFC 4861 §7.2.3, §6.2.6, §6.3.4,
   * §8.3): create a STALE entry, or update a differing one to STALE, or leave an equal one alone.
   * `router` true/false sets IsRouter, undefined leaves it.
   */
  learn(ifp: NetInterface, address: Uint8Array, at: number, link: Uint8Array, linkAt: number, router?: boolean): void {
    const cache = this.cacheOf(ifp);
    const entry = cache.get(address, at);
    if (entry === undefined) {
      const created = this.create(cache, ifp, address, at);
      if (created === null) {
        this.rt.counters.cache.full.inc();
        return;
      }
      created.setLinkAddress(link, linkAt);
      if (router !== undefined) created.isRouter = router;
      this.enterStale(created);
      this.observer?.reachabilityChanged(ifp.index, created);
      return;
    }
    if (entry.state === 'permanent') {
      if (!entry.hasLinkAddress(link, linkAt, entry.linkAddress.length)) this.rt.counters.rx['static-mismatch'].inc();
      if (router !== undefined) entry.isRouter = router;
      return;
    }
    const wasRouter = entry.isRouter;
    if (router !== undefined) entry.isRouter = router;
    if (entry.state === 'incomplete') {
      entry.setLinkAddress(link, linkAt);
      this.enterStale(entry);
      // Resolved, and its queue is sent now: in use.
      cache.touch(entry);
      entry.flushQueue(ifp);
      this.observer?.reachabilityChanged(ifp.index, entry);
    } else if (!entry.hasLinkAddress(link, linkAt, entry.linkAddress.length)) {
      entry.setLinkAddress(link, linkAt);
      this.rt.counters.cache.moved.inc();
      this.enterStale(entry);
    }
    if (wasRouter && router === false) this.observer?.routerFlagCleared(ifp.index, entry);
  }

  /**
   * A valid Neighbor Advertisement for the target at `target[at..)` with the target link-layer
   * address at `link[linkAt..)` (linkAt < 0: none). RFC 4861 §7.2.5. Returns false when no entry
   * exists (nothing is created).
   */
  advertised(ifp: NetInterface, target: Uint8Array, at: number, flags: Advertisement, link: Uint8Array, linkAt: number): boolean {
    const cache = this.caches.get(ifp.index);
    const entry = cache?.get(target, at);
    if (cache === undefined || entry === undefined) return false;
    const hasLink = linkAt >= 0;
    if (entry.state === 'permanent') {
      if (hasLink && !entry.hasLinkAddress(link, linkAt, entry.linkAddress.length)) this.rt.counters.rx['static-mismatch'].inc();
      return true;
    }
    if (entry.state === 'incomplete') {
      if (!hasLink) return true;
      entry.setLinkAddress(link, linkAt);
      entry.isRouter = flags.router;
      if (flags.solicited) this.enterReachable(cache, entry);
      else this.enterStale(entry);
      // Resolved, and its queue is sent now: in use.
      cache.touch(entry);
      entry.flushQueue(ifp);
      this.observer?.reachabilityChanged(ifp.index, entry);
      return true;
    }
    const differs = hasLink && !entry.hasLinkAddress(link, linkAt, entry.linkAddress.length);
    if (!flags.override && differs) {
      // §7.2.5 (a): do not believe a non-overriding claim; only doubt a REACHABLE entry.
      if (entry.state === 'reachable') this.enterStale(entry);
      return true;
    }
    if (differs) {
      entry.setLinkAddress(link, linkAt);
      this.rt.counters.cache.moved.inc();
    }
    if (flags.solicited) this.enterReachable(cache, entry);
    else if (differs) this.enterStale(entry);
    const wasRouter = entry.isRouter;
    entry.isRouter = flags.router;
    if (wasRouter && !flags.router) this.observer?.routerFlagCleared(ifp.index, entry);
    return true;
  }

  // --- control -----------------------------------------------------------------------------------

  /** Add or convert to a permanent entry (`ndp -s`). */
  setStatic(ifp: NetInterface, address: Uint8Array, link: Uint8Array): void {
    const cache = this.cacheOf(ifp);
    let entry = cache.get(address, 0);
    if (entry === undefined) {
      entry = new NdEntry(ifp.index, address, 0, link.length);
      entry.state = 'permanent';
      cache.add(entry);
    } else {
      const wasDynamic = entry.isDynamic;
      entry.state = 'permanent';
      cache.retype(entry, wasDynamic);
      entry.timer?.stop();
    }
    entry.setLinkAddress(link, 0);
    entry.probes = 0;
    entry.flushQueue(ifp);
    this.observer?.reachabilityChanged(ifp.index, entry);
  }

  remove(ifindex: number, address: Uint8Array): boolean {
    const cache = this.caches.get(ifindex);
    const entry = cache?.get(address, 0);
    if (cache === undefined || entry === undefined) return false;
    this.forget(cache, entry);
    return true;
  }

  flush(ifindex?: number): void {
    for (const cache of this.caches.values()) {
      if (ifindex !== undefined && cache.ifindex !== ifindex) continue;
      for (const entry of cache.values()) this.forget(cache, entry);
    }
  }

  dropInterface(ifindex: number): void {
    this.flush(ifindex);
    this.caches.delete(ifindex);
  }

  disposeAll(): void {
    for (const cache of this.caches.values()) for (const entry of cache.values()) entry.dispose();
    this.caches.clear();
  }

  list(ifindex?: number): NeighbourInfo[] {
    return listNeighbours(this.caches.values(), ifindex, this.rt.stack.clock.now());
  }

  // --- state machine -----------------------------------------------------------------------------

  private create(cache: NeighbourCache, ifp: NetInterface, address: Uint8Array, at: number): NdEntry | null {
    if (cache.isFull) {
      const victim = cache.victim();
      if (victim === undefined) return null;
      this.rt.counters.cache.evicted.add(victim.queue.length);
      ifp.counters.txDropped += victim.queue.length;
      this.forget(cache, victim);
    }
    const entry = new NdEntry(ifp.index, address, at, ifp.hardwareAddress!.length);
    entry.timer = this.rt.timers.create(() => this.expired(cache, entry));
    cache.add(entry);
    this.rt.counters.cache.created.inc();
    return entry;
  }

  private expired(cache: NeighbourCache, entry: NdEntry): void {
    const ifp = this.rt.stack.interfaces.get(cache.ifindex);
    if (ifp === undefined || cache.get(entry.address, 0) !== entry) {
      this.forget(cache, entry);
      return;
    }
    const config = this.rt.config;
    switch (entry.state) {
      case 'incomplete':
        if (entry.probes >= config.maxMulticastSolicit) this.fail(ifp, cache, entry);
        else this.solicit(ifp, entry, false);
        return;
      case 'reachable': {
        const now = this.rt.stack.clock.now();
        const left = entry.confirmedAt + this.rt.params.of(ifp.index).reachableTime(now) - now;
        if (left > 0) entry.timer!.start(left);
        else this.enterStale(entry);
        return;
      }
      case 'stale':
        // Unused for staleMs: garbage-collect (RFC 4861 §7.3.3 leaves the policy to the node).
        this.forget(cache, entry);
        return;
      case 'delay':
        // §7.3.3: DELAY_FIRST_PROBE_TIME passed without confirmation: PROBE with unicast NS.
        entry.state = 'probe';
        entry.probes = 0;
        this.solicit(ifp, entry, true);
        return;
      case 'probe':
        if (entry.probes >= config.maxUnicastSolicit) this.fail(ifp, cache, entry);
        else this.solicit(ifp, entry, true);
        return;
      case 'permanent':
        return;
    }
  }

  private solicit(ifp: NetInterface, entry: NdEntry, unicast: boolean): void {
    entry.probes++;
    entry.timer!.start(this.rt.params.of(ifp.index).retransTimer);
    const source = solicitationSource(ifp, entry.hasSolicitSource ? entry.solicitSource : null);
    if (source === null) {
      this.rt.counters.tx['no-source'].inc();
      return;
    }
    this.rt.sender.solicit(ifp, entry.address, 0, source, unicast, null);
  }

  /** Reachability confirmed (RFC 4861 §7.3.3): REACHABLE, and the most recently used end of the eviction order. */
  private enterReachable(cache: NeighbourCache, entry: NdEntry): void {
    const now = this.rt.stack.clock.now();
    entry.confirmedAt = now;
    entry.probes = 0;
    cache.touch(entry);
    if (entry.state === 'reachable') return;
    entry.state = 'reachable';
    entry.timer!.start(this.rt.params.of(cache.ifindex).reachableTime(now));
  }

  private enterStale(entry: NdEntry): void {
    entry.state = 'stale';
    entry.probes = 0;
    entry.timer!.start(this.rt.config.staleMs);
  }

  private enterDelay(entry: NdEntry): void {
    entry.state = 'delay';
    entry.timer!.start(this.rt.config.delayFirstProbeMs);
  }

  /** Resolution or NUD gave up (RFC 4861 §7.3.3): delete the entry; queued packets get ICMPv6 address unreachable. */
  private fail(ifp: NetInterface, cache: NeighbourCache, entry: NdEntry): void {
    const from = entry.state === 'incomplete' ? 'incomplete' : 'probe';
    const counters = this.rt.counters.cache;
    (from === 'incomplete' ? counters['resolution-failed'] : counters['nud-failed']).inc();
    const queue = entry.takeQueue();
    this.forget(cache, entry);
    for (const buf of queue) {
      try {
        this.rt.host.sendAddressUnreachable(buf);
      } catch {
        // The IPv6 layer's fault must not stop the cleanup; the packet is dropped either way.
      }
      ifp.counters.txDropped++;
      counters.unresolved.inc();
      buf.release();
    }
    this.rt.events.emit(() => ({
      system: 'ND',
      subsystem: ifp.name,
      type: 'NEIGHBOUR_UNREACHABLE',
      ifindex: ifp.index,
      address: formatIpv6Bytes(entry.address),
      from,
      dropped: queue.length,
    }));
  }

  private forget(cache: NeighbourCache, entry: NdEntry): void {
    if (!cache.delete(entry)) {
      entry.dispose();
      return;
    }
    entry.dispose();
    this.observer?.reachabilityChanged(cache.ifindex, entry);
  }

  private refuse(ifp: NetInterface, buf: PacketBuffer, counter: { inc(): void }): 0 {
    ifp.counters.txDropped++;
    counter.inc();
    buf.release();
    return 0;
  }
}
