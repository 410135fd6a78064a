import { type Ipv6Address, type NetInterface, type Timer } from '@stack/core';
import type { NdRuntime } from '../runtime/nd-runtime.js';
import type { RouteInstaller } from './route-installer.js';

interface RedirectRoute {
  readonly fib: number;
  readonly ifindex: number;
  readonly destination: Ipv6Address;
  gateway: Ipv6Address | null;
  readonly timer: Timer;
}

/**
 * Host routes learnt from redirects (RFC 4861 §8.3): `destination/128` through the better router,
 * or straight through the interface when the destination is on-link, in the interface's FIB with
 * source `'nd-redirect'`. Bounded in number, forgotten after `redirectLifetimeMs` or when the
 * router they go through leaves the default router list.
 * @internal
 */
export class Redirects {
  private readonly routes = new Map<string, RedirectRoute>();

  constructor(
    private readonly rt: NdRuntime,
    private readonly installer: RouteInstaller,
  ) {}

  add(ifp: NetInterface, destination: Ipv6Address, gateway: Ipv6Address | null): boolean {
    const key = `${ifp.fib}/${destination.toString()}`;
    let route = this.routes.get(key);
    if (route === undefined) {
      if (this.routes.size >= this.rt.config.maxRedirects) {
        this.rt.counters.ra['redirects-full'].inc();
        return false;
      }
      const fib = ifp.fib;
      route = { fib, ifindex: ifp.index, destination, gateway, timer: this.rt.timers.create(() => this.remove(key)) };
      this.routes.set(key, route);
    }
    route.gateway = gateway;
    route.timer.start(this.rt.config.redirectLifetimeMs);
    this.installer.addRedirect(route.fib, destination, gateway, ifp.index);
    return true;
  }

  /** Remove the redirects through `gateway` on `ifindex` (it stopped being a router). */
  forgetGateway(ifindex: number, gateway: Ipv6Address): void {
    for (const [key, r] of [...this.routes]) if (r.ifindex === ifindex && r.gateway !== null && r.gateway.equals(gateway)) this.remove(key);
  }

  flush(ifindex?: number): void {
    for (const [key, r] of [...this.routes]) if (ifindex === undefined || r.ifindex === ifindex) this.remove(key);
  }

  get size(): number {
    return this.routes.size;
  }

  disposeAll(): void {
    for (const r of this.routes.values()) r.timer.dispose();
    this.routes.clear();
  }

  private remove(key: string): void {
    const r = this.routes.get(key);
    if (r === undefined) return;
    r.timer.dispose();
    this.routes.delete(key);
    this.installer.removeRedirect(r.fib, r.destination);
  }
}
