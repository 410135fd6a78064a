import { Ipv6Address, type NetInterface, type Timer } from '@stack/core';
import type { Neighbours } from '../neighbours/neighbours.js';
import type { NdRouterInfo } from '../nd-control.js';
import type { NdRouterEvent } from '../nd-events.js';
import type { NdRuntime } from '../runtime/nd-runtime.js';
import type { RouteInstaller } from './route-installer.js';

/** One entry of the default router list (RFC 4861 §5.1, §6.3.4). */
export class DefaultRouter {
  readonly address: Ipv6Address;
  expiresAt = 0;
  lifetimeS = 0;
  /** RFC 4191 §2.2: 1 high, 0 medium, -1 low. */
  preference = 0;
  managed = false;
  other = false;
  timer: Timer | null = null;

  constructor(
    readonly ifindex: number,
    bytes: Uint8Array,
    at: number,
  ) {
    this.address = new Ipv6Address(bytes, at);
  }
}

type RemoveReason = NonNullable<NdRouterEvent['reason']>;

/**
 * The default router list per interface and default router selection per FIB (RFC 4861 §6.3.6):
 * routers whose neighbour entry is in any state but INCOMPLETE (reachable or probably reachable)
 * are preferred, then by RFC 4191 preference; the chosen router is kept while no better one
 * appears; when none is known reachable the choice rotates through the list after a failure. The
 * choice is installed as `::/0` via the router's link-local address in the FIB of its interface.
 * @internal
 */
export class DefaultRouters {
  private readonly byInterface = new Map<number, DefaultRouter[]>();
  private readonly selected = new Map<number, DefaultRouter>();

  constructor(
    private readonly rt: NdRuntime,
    private readonly neighbours: Neighbours,
    private readonly installer: RouteInstaller,
  ) {}

  find(ifindex: number, bytes: Uint8Array, at: number): DefaultRouter | undefined {
    const list = this.byInterface.get(ifindex);
    if (list === undefined) return undefined;
    for (const r of list) if (r.address.equalsBytes(bytes, at)) return r;
    return undefined;
  }

  /** An RA from `src[at..)` with this Router Lifetime (seconds): add, refresh or withdraw (§6.3.4). */
  advertised(ifp: NetInterface, src: Uint8Array, at: number, lifetimeS: number, preference: number, managed: boolean, other: boolean): void {
    let router = this.find(ifp.index, src, at);
    if (lifetimeS === 0) {
      if (router !== undefined) this.remove(ifp, router, 'withdrawn');
      return;
    }
    const now = this.rt.stack.clock.now();
    let added = false;
    if (router === undefined) {
      const list = this.byInterface.get(ifp.index) ?? [];
      if (list.length >= this.rt.config.maxRouters) {
        this.rt.counters.ra['routers-full'].inc();
        return;
      }
      router = new DefaultRouter(ifp.index, src, at);
      const r = router;
      router.timer = this.rt.timers.create(() => this.expired(r));
      list.push(router);
      this.byInterface.set(ifp.index, list);
      added = true;
    }
    router.lifetimeS = lifetimeS;
    router.expiresAt = now + lifetimeS * 1000;
    // RFC 4191 §2.2: the reserved value 10 is treated as medium.
    const changedPreference = router.preference !== (preference === -2 ? 0 : preference);
    router.preference = preference === -2 ? 0 : preference;
    router.managed = managed;
    router.other = other;
    router.timer!.start(lifetimeS * 1000);
    if (added) this.event(ifp, 'ROUTER_ADDED', router);
    if (added || changedPreference) this.reselect(ifp.fib, null);
  }

  /** A neighbour changed (resolved, created or deleted): reselect if it is a router of the list. */
  neighbourChanged(ifindex: number, bytes: Uint8Array): void {
    const router = this.find(ifindex, bytes, 0);
    if (router === undefined) return;
    const ifp = this.rt.stack.interfaces.get(ifindex);
    if (ifp === undefined) return;
    const entry = this.neighbours.find(ifindex, bytes, 0);
    this.reselect(ifp.fib, entry === undefined ? router : null);
  }

  /** The router's NA came without the R flag (§7.2.5): it is no longer a router. */
  notRouter(ifindex: number, bytes: Uint8Array): void {
    const router = this.find(ifindex, bytes, 0);
    const ifp = this.rt.stack.interfaces.get(ifindex);
    if (router !== undefined && ifp !== undefined) this.remove(ifp, router, 'not-router');
  }

  /** The selected router of `fib`, if any. */
  selectedOf(fib: number): DefaultRouter | undefined {
    return this.selected.get(fib);
  }

  list(ifindex?: number): NdRouterInfo[] {
    const now = this.rt.stack.clock.now();
    const out: NdRouterInfo[] = [];
    const indexes = [...this.byInterface.keys()].sort((a, b) => a - b);
    for (const i of indexes) {
      if (ifindex !== undefined && i !== ifindex) continue;
      for (const r of this.byInterface.get(i)!) {
        const entry = this.neighbours.find(i, r.address.bytes as Uint8Array, 0);
        const ifp = this.rt.stack.interfaces.get(i);
        out.push({
          ifindex: i,
          address: r.address.toString(),
          expiresIn: r.expiresAt - now,
          preference: r.preference > 0 ? 'high' : r.preference < 0 ? 'low' : 'medium',
          selected: ifp !== undefined && this.selected.get(ifp.fib) === r,
          reachability: entry === undefined ? null : entry.state,
          managed: r.managed,
          other: r.other,
        });
      }
    }
    return out;
  }

  /** Forget the routers of one interface, or all (`ndp -R`, interface gone, unload). */
  flush(ifindex: number | undefined, reason: RemoveReason): void {
    for (const [i, list] of [...this.byInterface]) {
      if (ifindex !== undefined && i !== ifindex) continue;
      const ifp = this.rt.stack.interfaces.get(i);
      for (const r of [...list]) {
        if (ifp !== undefined) this.remove(ifp, r, reason);
        else this.drop(r);
      }
      this.byInterface.delete(i);
    }
    if (ifindex === undefined) for (const fib of [...this.selected.keys()]) this.reselect(fib, null);
  }

  /** Stop everything without touching the FIBs (the IPv6 module's unload removes its routes). */
  disposeAll(): void {
    for (const list of this.byInterface.values()) for (const r of list) r.timer?.dispose();
    this.byInterface.clear();
    this.selected.clear();
  }


  private expired(router: DefaultRouter): void {
    const ifp = this.rt.stack.interfaces.get(router.ifindex);
    if (ifp === undefined) return this.drop(router);
    this.remove(ifp, router, 'expired');
  }

  private remove(ifp: NetInterface, router: DefaultRouter, reason: RemoveReason): void {
    this.drop(router);
    this.event(ifp, 'ROUTER_REMOVED', router, reason);
    this.reselect(ifp.fib, null);
  }

  private drop(router: DefaultRouter): void {
    router.timer?.dispose();
    router.timer = null;
    const list = this.byInterface.get(router.ifindex);
    if (list === undefined) return;
    const i = list.indexOf(router);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.byInterface.delete(router.ifindex);
  }

  /**
   * Choose the default router of `fib` (§6.3.6). `failed` is the current router when its neighbour
   * entry was just deleted: the rotation then moves past it.
   */
  private reselect(fib: number, failed: DefaultRouter | null): void {
    const candidates: DefaultRouter[] = [];
    for (const [i, list] of this.byInterface) {
      const ifp = this.rt.stack.interfaces.get(i);
      if (ifp !== undefined && ifp.fib === fib) candidates.push(...list);
    }
    const current = this.selected.get(fib);
    const stillListed = current !== undefined && candidates.includes(current);
    let choice: DefaultRouter | undefined;
    const probable = candidates.filter((r) => this.isProbablyReachable(r));
    if (probable.length > 0) {
      choice = best(probable, stillListed && probable.includes(current!) ? current! : undefined);
    } else if (candidates.length > 0) {
      const top = Math.max(...candidates.map((r) => r.preference));
      const ring = candidates.filter((r) => r.preference === top);
      if (stillListed && ring.includes(current!)) {
        // Round robin (§6.3.6 (2)): move on only when the current one just failed.
        choice = failed === current ? ring[(ring.indexOf(current!) + 1) % ring.length] : current;
      } else {
        choice = ring[0];
      }
    }
    if (choice === current && (choice === undefined || stillListed)) return;
    if (choice === undefined) this.selected.delete(fib);
    else this.selected.set(fib, choice);
    this.installer.setDefault(fib, choice?.address ?? null, choice?.ifindex ?? 0);
    const ifp = this.rt.stack.interfaces.get(choice?.ifindex ?? current?.ifindex ?? 0);
    if (ifp !== undefined) {
      this.rt.events.emit(() => ({ system: 'ND', subsystem: ifp.name, type: 'DEFAULT_ROUTER', ifindex: ifp.index, fib, router: choice?.address.toString() ?? null }));
    }
  }

  private isProbablyReachable(router: DefaultRouter): boolean {
    const entry = this.neighbours.find(router.ifindex, router.address.bytes as Uint8Array, 0);
    return entry !== undefined && entry.state !== 'incomplete';
  }

  private event(ifp: NetInterface, type: 'ROUTER_ADDED' | 'ROUTER_REMOVED', router: DefaultRouter, reason?: RemoveReason): void {
    this.rt.events.emit(() => ({
      system: 'ND',
      subsystem: ifp.name,
      type,
      ifindex: ifp.index,
      router: router.address.toString(),
      lifetime: type === 'ROUTER_ADDED' ? router.lifetimeS : 0,
      ...(reason !== undefined ? { reason } : {}),
    }));
  }
}

/** The highest preference, keeping `sticky` among equals. */
function best(routers: DefaultRouter[], sticky: DefaultRouter | undefined): DefaultRouter {
  const top = Math.max(...routers.map((r) => r.preference));
  if (sticky !== undefined && sticky.preference === top) return sticky;
  return routers.find((r) => r.preference === top)!;
}
