import { Ipv6Address, type RouteTables } from '@stack/core';

/** Route source of default and on-link prefix routes learnt from RAs. @public */
export const ND_ROUTE_SOURCE = 'nd';
/** Route source of host routes learnt from redirects. @public */
export const ND_REDIRECT_SOURCE = 'nd-redirect';

const DEFAULT_PREFIX = Ipv6Address.UNSPECIFIED;

/**
 * The routes ND puts into the stack's FIBs: `::/0` through the chosen default router, on-link
 * prefixes, and redirect host routes, each under its own source name and a metric high enough that
 * static routes win. A table that refuses a change (e.g. a FIB that was deleted) is counted, never
 * thrown into the packet path.
 * @internal
 */
export class RouteInstaller {
  failures = 0;

  constructor(
    private readonly routes: RouteTables,
    private readonly metric: number,
  ) {}

  setDefault(fib: number, gateway: Ipv6Address | null, ifindex: number): void {
    this.apply(() => {
      if (gateway === null) this.routes.remove(fib, DEFAULT_PREFIX, 0, ND_ROUTE_SOURCE);
      else this.routes.add(fib, { prefix: DEFAULT_PREFIX, prefixLength: 0, gateway, ifindex, metric: this.metric, source: ND_ROUTE_SOURCE });
    });
  }

  addOnLink(fib: number, prefix: Ipv6Address, prefixLength: number, ifindex: number): void {
    this.apply(() => this.routes.add(fib, { prefix, prefixLength, ifindex, metric: this.metric, source: ND_ROUTE_SOURCE }));
  }

  removeOnLink(fib: number, prefix: Ipv6Address, prefixLength: number): void {
    this.apply(() => this.routes.remove(fib, prefix, prefixLength, ND_ROUTE_SOURCE));
  }

  addRedirect(fib: number, destination: Ipv6Address, gateway: Ipv6Address | null, ifindex: number): void {
    this.apply(() =>
      this.routes.add(fib, { prefix: destination, prefixLength: 128, gateway: gateway ?? undefined, ifindex, metric: this.metric, source: ND_REDIRECT_SOURCE }),
    );
  }

  removeRedirect(fib: number, destination: Ipv6Address): void {
    this.apply(() => this.routes.remove(fib, destination, 128, ND_REDIRECT_SOURCE));
  }

  /**
   * Whether `src[srcAt..+16)` is the current first-hop router towards `dst[dstAt..+16)` in `fib`
   * through `ifindex` (RFC 4861 §8.1). Allocation-free.
   */
  isFirstHop(fib: number, dst: Uint8Array, dstAt: number, src: Uint8Array, srcAt: number, ifindex: number): boolean {
    if (!this.routes.hasFib(fib)) return false;
    const id = this.routes.lookup6(fib, dst, dstAt);
    if (id < 0) return false;
    const hop = this.routes.nextHop(id);
    return hop.ifindex === ifindex && hop.gateway !== null && hop.gateway.family === 'ipv6' && hop.gateway.equalsBytes(src, srcAt);
  }

  private apply(change: () => void): void {
    try {
      change();
    } catch {
      this.failures++;
    }
  }
}
