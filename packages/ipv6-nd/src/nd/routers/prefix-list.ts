import { Ipv6Address, maskAddress, type NetInterface, type Timer } from '@stack/core';
import type { NdPrefixInfo } from '../nd-control.js';
import type { NdRuntime } from '../runtime/nd-runtime.js';
import { INFINITE_LIFETIME } from '../wire/index.js';
import type { RouteInstaller } from './route-installer.js';

/** One prefix learnt from RAs on one interface. */
class LearntPrefix {
  validUntil = 0;
  preferredUntil = 0;
  onLink = false;
  autonomous = false;
  /** The FIB its on-link route went into, or -1 when none is installed. */
  routeFib = -1;
  readonly advertisedBy = new Set<string>();
  address: string | null = null;
  timer: Timer | null = null;

  constructor(
    readonly ifindex: number,
    readonly prefix: Ipv6Address,
    readonly length: number,
  ) {}

  get key(): string {
    return `${this.prefix.toString()}/${this.length}`;
  }
}

/**
 * The prefix list (RFC 4861 §5.1, §6.3.4): on-link prefixes from prefix information options with
 * the L flag, each with an invalidation timer and a route through its interface (source `'nd'`);
 * autonomous prefixes are listed too. The link-local prefix is never added.
 * @internal
 */
export class PrefixList {
  private readonly byInterface = new Map<number, Map<string, LearntPrefix>>();

  constructor(
    private readonly rt: NdRuntime,
    private readonly installer: RouteInstaller,
  ) {}

  /**
   * A prefix information option from `router` (lifetimes in seconds). `address` is the address
   * autoconfiguration formed from it, if any.
   */
  advertised(ifp: NetInterface, bytes: Uint8Array, length: number, onLink: boolean, autonomous: boolean, validS: number, preferredS: number, router: string, address: string | null): void {
    if (length > 128 || (!onLink && !autonomous)) return;
    const prefix = maskAddress(new Ipv6Address(bytes), length) as Ipv6Address;
    if (prefix.isLinkLocal()) return;
    const key = `${prefix.toString()}/${length}`;
    let table = this.byInterface.get(ifp.index);
    let entry = table?.get(key);
    if (validS === 0) {
      // §6.3.4: a zero valid lifetime times the prefix out at once (only the on-link side; see RFC 4862 §5.5.3 e for addresses).
      if (entry !== undefined && onLink) this.expire(ifp, entry);
      return;
    }
    const now = this.rt.stack.clock.now();
    if (entry === undefined) {
      table ??= new Map();
      if (table.size >= this.rt.config.maxPrefixes) {
        this.rt.counters.ra['prefixes-full'].inc();
        return;
      }
      entry = new LearntPrefix(ifp.index, prefix, length);
      const e = entry;
      entry.timer = this.rt.timers.create(() => this.expired(e));
      table.set(key, entry);
      this.byInterface.set(ifp.index, table);
    }
    entry.advertisedBy.add(router);
    if (address !== null) entry.address = address;
    entry.autonomous ||= autonomous;
    entry.validUntil = validS === INFINITE_LIFETIME ? Infinity : now + validS * 1000;
    entry.preferredUntil = preferredS === INFINITE_LIFETIME ? Infinity : now + Math.min(preferredS, validS) * 1000;
    if (entry.validUntil === Infinity) entry.timer!.stop();
    else entry.timer!.start(entry.validUntil - now);
    if (onLink && !entry.onLink) {
      entry.onLink = true;
      entry.routeFib = ifp.fib;
      this.installer.addOnLink(ifp.fib, prefix, length, ifp.index);
      this.rt.events.emit(() => ({ system: 'ND', subsystem: ifp.name, type: 'PREFIX_LEARNED', ifindex: ifp.index, prefix: key }));
    }
  }


  list(ifindex?: number): NdPrefixInfo[] {
    const now = this.rt.stack.clock.now();
    const out: NdPrefixInfo[] = [];
    for (const i of [...this.byInterface.keys()].sort((a, b) => a - b)) {
      if (ifindex !== undefined && i !== ifindex) continue;
      for (const p of this.byInterface.get(i)!.values()) {
        out.push({
          ifindex: i,
          prefix: p.key,
          onLink: p.onLink,
          autonomous: p.autonomous,
          validIn: p.validUntil - now,
          preferredIn: p.preferredUntil - now,
          advertisedBy: [...p.advertisedBy],
          address: p.address,
        });
      }
    }
    return out;
  }

  /** Forget the prefixes of one interface or all (`ndp -P`, interface gone). */
  flush(ifindex?: number): void {
    for (const [i, table] of [...this.byInterface]) {
      if (ifindex !== undefined && i !== ifindex) continue;
      const ifp = this.rt.stack.interfaces.get(i);
      for (const p of [...table.values()]) {
        if (ifp !== undefined) this.expire(ifp, p);
        else this.drop(p);
      }
      this.byInterface.delete(i);
    }
  }

  disposeAll(): void {
    for (const table of this.byInterface.values()) for (const p of table.values()) p.timer?.dispose();
    this.byInterface.clear();
  }

  private expired(entry: LearntPrefix): void {
    const ifp = this.rt.stack.interfaces.get(entry.ifindex);
    if (ifp === undefined) return this.drop(entry);
    this.expire(ifp, entry);
  }

  private expire(ifp: NetInterface, entry: LearntPrefix): void {
    const wasOnLink = entry.onLink;
    this.drop(entry);
    if (!wasOnLink) return;
    this.rt.events.emit(() => ({ system: 'ND', subsystem: ifp.name, type: 'PREFIX_EXPIRED', ifindex: ifp.index, prefix: entry.key }));
  }

  private drop(entry: LearntPrefix): void {
    entry.timer?.dispose();
    entry.timer = null;
    if (entry.onLink && entry.routeFib >= 0) this.installer.removeOnLink(entry.routeFib, entry.prefix, entry.length);
    entry.onLink = false;
    entry.routeFib = -1;
    const table = this.byInterface.get(entry.ifindex);
    table?.delete(entry.key);
    if (table !== undefined && table.size === 0) this.byInterface.delete(entry.ifindex);
  }
}
