import {
  InterfaceFlags,
  ipv4FromBytes,
  isIpv4LimitedBroadcast,
  isIpv4Multicast,
  listNeighbours,
  type NeighbourInfo,
  type NeighbourTransmit,
  NetworkProtocolService,
  type NetInterface,
  type PacketBuffer,
  type Stack,
} from '@stack/core';
import { ArpCache } from './arp-cache.js';
import type { ArpCounters } from './arp-counters.js';
import { ArpEntry } from './arp-entry.js';
import type { ArpConfig } from './arp-options.js';
import type { ArpSender } from './arp-sender.js';

/**
 * The per-interface neighbour caches and their state machine (RFC 826 resolution, RFC 1122
 * §2.3.2.1 retransmission limits and cache refresh).
 *
 * Timers: each entry has its own reusable clock timer, armed for its next state change (next
 * request, stale, forget). Arming and moving a timer is O(log n) and allocation-free, nothing runs
 * for an entry until its deadline, and retransmissions keep exact 1 s spacing; a periodic sweep
 * would touch every entry on every tick. The cache bound caps the number of timers.
 * @internal
 */
export class ArpNeighbours {
  private readonly caches = new Map<number, ArpCache>();

  constructor(
    private readonly stack: Stack,
    private readonly config: ArpConfig,
    private readonly counters: ArpCounters,
    private readonly sender: ArpSender,
  ) {}

  /** The cache of `ifp`, created on first use. */
  cacheOf(ifp: NetInterface): ArpCache {
    let cache = this.caches.get(ifp.index);
    if (cache === undefined) {
      cache = new ArpCache(ifp.index, this.config.maxEntries);
      this.caches.set(ifp.index, cache);
    }
    return cache;
  }

  /** The NeighbourResolver contract's `resolve` for IPv4 next hops. */
  resolve(ifp: NetInterface, buf: PacketBuffer, out: Uint8Array, transmit: NeighbourTransmit): number {
    const out$ = this.counters.output;
    if (this.sender.hardwareType(ifp) < 0) return this.refuse(ifp, buf, out$['unsupported-link']);
    if (ifp.hasFlag(InterfaceFlags.NOARP)) return this.refuse(ifp, buf, out$.noarp);
    const target = ipv4FromBytes(buf.nextHop, 0);
    // Multicast and broadcast map without ARP (the link layer's job); 0.0.0.0 is nobody.
    if (target === 0 || isIpv4Multicast(target) || isIpv4LimitedBroadcast(target)) return this.refuse(ifp, buf, out$['bad-next-hop']);
    const cache = this.cacheOf(ifp);
    const known = cache.get(target);
    if (known !== undefined) {
      const state = known.state;
      if (state === 'incomplete') {
        known.enqueue(ifp, buf, transmit, this.config.maxQueued, this.counters.output['queue-overflow']);
        return 0;
      }
      if (state === 'failed') {
        this.unreachable(ifp, buf, out$['failed-drops']);
        return 0;
      }
      // RFC 1122 §2.3.2.1: a stale entry stays in use while a unicast poll checks it.
      if (state === 'stale' && known.requests === 0) this.sendRequest(ifp, known, known.linkAddress);
      // Used: the most recently used end of the eviction order (O(1), no allocation).
      cache.touch(known);
      out.set(known.linkAddress);
      return known.linkAddress.length;
    }
    const entry = this.create(cache, ifp, target);
    if (entry === null) return this.refuse(ifp, buf, this.counters.cacheFull);
    entry.requestSource = buf.family === 'ipv4' ? ipv4FromBytes(buf.src, 0) : 0;
    entry.enqueue(ifp, buf, transmit, this.config.maxQueued, this.counters.output['queue-overflow']);
    this.sendRequest(ifp, entry, null);
    return 0;
  }

  /**
   * RFC 826 merge: update the entry for `address` with the link address at `bytes[offset..)`;
   * create one when `create` (a request addressed to us). A static entry is never changed.
   */
  learn(ifp: NetInterface, address: number, bytes: Uint8Array, offset: number, create: boolean): void {
    const cache = this.cacheOf(ifp);
    let entry: ArpEntry | null | undefined = cache.get(address);
    const hln = ifp.hardwareAddress!.length;
    if (entry === undefined) {
      if (!create) return;
      entry = this.create(cache, ifp, address);
      if (entry === null) {
        this.counters.cacheFull.inc();
        return;
      }
    } else if (entry.state === 'permanent') {
      if (!sameBytes(entry.linkAddress, bytes, offset, hln)) this.counters.input['static-mismatch'].inc();
      return;
    } else if ((entry.state === 'reachable' || entry.state === 'stale') && !sameBytes(entry.linkAddress, bytes, offset, hln)) {
      this.counters.input.moved.inc();
    }
    const link = entry.linkAddress;
    for (let i = 0; i < hln; i++) link[i] = bytes[offset + i];
    entry.state = 'reachable';
    entry.requests = 0;
    entry.timer!.start(this.config.reachableMs);
    cache.touch(entry);
    entry.flushQueue(ifp);
  }

  /** Add or convert to a permanent entry. */
  setStatic(ifp: NetInterface, address: number, linkAddress: Uint8Array): void {
    const cache = this.cacheOf(ifp);
    let entry = cache.get(address);
    if (entry === undefined) {
      entry = new ArpEntry(ifp.index, address, linkAddress.length);
      entry.state = 'permanent';
      cache.add(entry);
    } else {
      const wasDynamic = entry.isDynamic;
      entry.state = 'permanent';
      cache.retype(entry, wasDynamic);
      entry.timer?.stop();
    }
    entry.linkAddress.set(linkAddress);
    entry.requests = 0;
    entry.flushQueue(ifp);
  }

  /** Forget one entry; returns whether it existed. */
  remove(ifindex: number, address: number): boolean {
    const cache = this.caches.get(ifindex);
    const entry = cache?.get(address);
    if (cache === undefined || entry === undefined) return false;
    this.forget(cache, entry);
    return true;
  }

  /** Forget every entry of one interface, or of all. */
  flush(ifindex?: number): void {
    for (const cache of this.caches.values()) {
      if (ifindex !== undefined && cache.ifindex !== ifindex) continue;
      for (const entry of [...cache.values()]) this.forget(cache, entry);
    }
  }

  /** An interface went away: drop its cache with every timer and queued packet. */
  dropInterface(ifindex: number): void {
    this.flush(ifindex);
    this.caches.delete(ifindex);
  }

  /** Module unload: nothing may stay armed or queued. */
  disposeAll(): void {
    for (const ifindex of [...this.caches.keys()]) this.dropInterface(ifindex);
  }

  list(ifindex?: number): NeighbourInfo[] {
    return listNeighbours(this.caches.values(), ifindex, this.stack.clock.now());
  }

  /** Dynamic entries in the cache of `ifindex` (for bounds checks). */
  dynamicSize(ifindex: number): number {
    return this.caches.get(ifindex)?.dynamicSize ?? 0;
  }

  // --- state machine -----------------------------------------------------------------------------

  private create(cache: ArpCache, ifp: NetInterface, address: number): ArpEntry | null {
    if (cache.isFull) {
      const victim = cache.victim();
      if (victim === undefined) return null;
      this.counters.output.evicted.add(victim.queue.length);
      ifp.counters.txDropped += victim.queue.length;
      this.forget(cache, victim);
    }
    const entry = new ArpEntry(ifp.index, address, ifp.hardwareAddress!.length);
    const stack = this.stack;
    entry.timer = stack.clock.createTimer(() => stack.batch(() => this.expired(cache, entry)));
    cache.add(entry);
    return entry;
  }

  private expired(cache: ArpCache, entry: ArpEntry): void {
    const ifp = this.stack.interfaces.get(cache.ifindex);
    if (ifp === undefined || cache.get(entry.address) !== entry) return this.forget(cache, entry);
    const maxRequests = this.config.maxRequests;
    switch (entry.state) {
      case 'incomplete':
        if (entry.requests >= maxRequests) this.fail(ifp, cache, entry);
        else this.sendRequest(ifp, entry, null);
        return;
      case 'reachable':
        entry.state = 'stale';
        entry.requests = 0;
        entry.timer!.start(this.config.staleMs);
        return;
      case 'stale':
        // Unused (no poll under way) or polled without answer: forget it; the next packet asks again.
        if (entry.requests === 0 || entry.requests >= maxRequests) this.forget(cache, entry);
        else this.sendRequest(ifp, entry, entry.linkAddress);
        return;
      case 'failed':
        this.forget(cache, entry);
        return;
      case 'permanent':
        return;
    }
  }

  private sendRequest(ifp: NetInterface, entry: ArpEntry, unicastTo: Uint8Array | null): void {
    entry.requests++;
    entry.timer!.start(this.config.retransmitMs);
    this.sender.request(ifp, entry.address, entry.requestSource, unicastTo);
  }

  /** Resolution gave up: every queued packet gets an ICMP host unreachable and is dropped. */
  private fail(ifp: NetInterface, cache: ArpCache, entry: ArpEntry): void {
    entry.state = 'failed';
    entry.requests = 0;
    entry.linkAddress.fill(0);
    for (const buf of entry.takeQueue()) this.unreachable(ifp, buf, this.counters.output.unresolved);
    if (this.config.failedHoldMs === 0) this.forget(cache, entry);
    else entry.timer!.start(this.config.failedHoldMs);
  }

  private forget(cache: ArpCache, entry: ArpEntry): void {
    cache.delete(entry);
    entry.dispose();
  }

  /** Drop `buf` and tell its sender the host is unreachable (RFC 1122 §2.3.2.2). */
  private unreachable(ifp: NetInterface, buf: PacketBuffer, counter: { inc(): void }): void {
    const ipv4 = this.stack.services.tryGet(NetworkProtocolService, 'ipv4');
    try {
      ipv4?.sendUnreachable(buf, 'host');
    } catch {
      // Another module's fault must not break resolution; the packet is dropped either way.
    }
    this.refuse(ifp, buf, counter);
  }

  private refuse(ifp: NetInterface, buf: PacketBuffer, counter: { inc(): void }): 0 {
    ifp.counters.txDropped++;
    counter.inc();
    buf.release();
    return 0;
  }
}

function sameBytes(a: Uint8Array, bytes: Uint8Array, offset: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (a[i] !== bytes[offset + i]) return false;
  return true;
}
