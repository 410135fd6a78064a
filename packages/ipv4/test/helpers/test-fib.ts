// A minimal RouteTables for these tests (linear longest-prefix match), standing in for @stack/fib
// until it lands. Only what IPv4 uses is implemented.
import {
  Ipv4Address,
  netmask4,
  RouteFlags,
  RouteTablesService,
  type Disposer,
  type IpAddress,
  type NextHop,
  type RouteInfo,
  type RouteSpec,
  type RouteTables,
  type StackModule,
} from '@stack/core';

interface Route {
  fib: number;
  prefix: number;
  length: number;
  hop: NextHop;
  source: string;
}

export class TestRouteTables implements RouteTables {
  private routes: Route[] = [];
  private readonly hops: NextHop[] = [];
  private readonly fibIds = new Set<number>([0]);

  fibs(): number[] {
    return [...this.fibIds].sort((a, b) => a - b);
  }
  createFib(fib: number): void {
    this.fibIds.add(fib);
  }
  deleteFib(fib: number): void {
    this.fibIds.delete(fib);
    this.routes = this.routes.filter((r) => r.fib !== fib);
  }
  hasFib(fib: number): boolean {
    return this.fibIds.has(fib);
  }
  add(fib: number, route: RouteSpec): void {
    if (route.prefix.family !== 'ipv4') throw new Error('test fib: ipv4 only');
    const gateway = route.gateway?.family === 'ipv4' ? route.gateway.value : 0;
    let flags = route.flags ?? 0;
    if (gateway !== 0) flags |= RouteFlags.GATEWAY;
    const hop: NextHop = {
      id: this.hops.length,
      family: 'ipv4',
      ifindex: route.ifindex ?? 0,
      gateway: route.gateway ?? null,
      gateway4: gateway,
      flags,
      mtu: route.mtu ?? 0,
    };
    this.hops.push(hop);
    const prefix = (route.prefix.value & netmask4(route.prefixLength)) >>> 0;
    this.routes.push({ fib, prefix, length: route.prefixLength, hop, source: route.source ?? 'static' });
  }
  remove(fib: number, prefix: IpAddress, prefixLength: number, source?: string): boolean {
    const before = this.routes.length;
    const p = prefix.family === 'ipv4' ? (prefix.value & netmask4(prefixLength)) >>> 0 : -1;
    this.routes = this.routes.filter((r) => !(r.fib === fib && r.prefix === p && r.length === prefixLength && (source === undefined || r.source === source)));
    return this.routes.length !== before;
  }
  addConnected(route: RouteSpec, ifaceFib: number, allFibs = true): Disposer {
    const fibs = allFibs ? this.fibs() : [ifaceFib];
    for (const fib of fibs) this.add(fib, { ...route, source: 'connected' });
    return () => {
      for (const fib of fibs) this.remove(fib, route.prefix, route.prefixLength, 'connected');
    };
  }
  removeInterface(ifindex: number): void {
    this.routes = this.routes.filter((r) => r.hop.ifindex !== ifindex);
  }
  batch(fn: () => void): void {
    fn();
  }
  lookup4(fib: number, dst: number): number {
    let best: Route | null = null;
    for (const r of this.routes) {
      if (r.fib !== fib) continue;
      if (((dst ^ r.prefix) & netmask4(r.length)) !== 0) continue;
      if (best === null || r.length > best.length) best = r;
    }
    return best === null ? -1 : best.hop.id;
  }
  lookup6(): number {
    return -1;
  }
  nextHop(id: number): NextHop {
    return this.hops[id];
  }
  list(fib: number): RouteInfo[] {
    return this.routes
      .filter((r) => r.fib === fib)
      .map((r) => ({
        fib,
        family: 'ipv4',
        prefix: new Ipv4Address(r.prefix),
        prefixLength: r.length,
        gateway: r.hop.gateway,
        ifindex: r.hop.ifindex,
        flags: r.hop.flags,
        metric: 0,
        source: r.source,
        mtu: r.hop.mtu,
        installed: true,
        multipath: [],
      }));
  }
  get(): RouteInfo | null {
    return null;
  }
}

export function testFibModule(): StackModule {
  return {
    name: 'fib',
    attach(ctx) {
      ctx.provide(RouteTablesService, new TestRouteTables());
    },
  };
}
