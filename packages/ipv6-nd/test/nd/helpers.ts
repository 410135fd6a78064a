// Test helpers for neighbour discovery: a stack with fib + ether and a fake IPv6 layer (NdHost) that
// records every ICMPv6 message ND sends and lets a test inject received ones.
import {
  createStack,
  Ipv6Address,
  ManualClock,
  type ModuleContext,
  type NetInterface,
  PacketBuffer,
  type RouteTables,
  RouteTablesService,
  type Stack,
} from '@stack/core';
import { etherModule } from '@stack/ether';
import { fibModule } from '@stack/fib';
import type { NdHost, NdParts } from '../../src/nd-seam.js';
import {
  createNeighbourDiscovery,
  emitNdMessage,
  type NdEvent,
  NdEvents,
  type NdMessage,
  ndMessageLength,
  type NdOption,
  type NdOptions,
  type LinkAddressOption,
  parseNdMessage,
} from '../../src/nd/index.js';

/** xorshift32 in [0, 1): deterministic "random" numbers for delays. */
export function seeded(seed = 1): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x1_0000_0000;
  };
}

export const v6 = (text: string): Uint8Array => Ipv6Address.parse(text).toBytes();
export const text6 = (bytes: Uint8Array, at = 0): string => new Ipv6Address(bytes, at).toString();
export const mac = (text: string): Uint8Array => Uint8Array.from(text.split(':').map((p) => parseInt(p, 16)));

/** One ICMPv6 message ND handed to the IPv6 layer. */
export interface Sent {
  readonly ifindex: number;
  readonly src: string;
  readonly dst: string;
  readonly hopLimit: number;
  readonly routerAlert: boolean;
  readonly type: number;
  readonly bytes: Uint8Array;
}

export interface Harness {
  readonly clock: ManualClock;
  readonly stack: Stack;
  readonly ctx: ModuleContext;
  readonly routes: RouteTables;
  readonly nd: NdParts;
  readonly host: NdHost;
  readonly sent: Sent[];
  readonly unreachable: Uint8Array[];
  readonly events: NdEvent[];
  router: boolean;
  /** Messages of one ICMPv6 type sent so far, parsed when they are ND messages. */
  ofType(type: number): Sent[];
  /** A received ICMPv6 message: `bytes` from the ICMPv6 header. */
  inject(ifp: NetInterface, bytes: Uint8Array, meta: { src: string; dst: string; hopLimit?: number; routerAlert?: boolean }): void;
  /** Build and inject an ND message. */
  receive(ifp: NetInterface, message: NdMessage, meta: { src: string; dst: string; hopLimit?: number }): void;
  counter(name: string): number;
  addInterface(name?: string, hw?: string): NetInterface;
}

/** Default options for tests: deterministic randomness and secret, DAD and RS without delay spread. */
export const TEST_OPTIONS: NdOptions = { random: seeded(7), secret: 'a per-stack test secret' };

export function harness(options: NdOptions = {}, build: (stack: Stack) => void = () => {}): Harness {
  const clock = new ManualClock();
  const stack = createStack({ name: 'nd', clock });
  stack.load(fibModule());
  stack.load(etherModule());
  build(stack);
  let ctx: ModuleContext | null = null;
  stack.load({ name: 'fake-ipv6', attach: (c) => void (ctx = c) });
  const routes = stack.services.get(RouteTablesService);
  const sent: Sent[] = [];
  const unreachable: Uint8Array[] = [];
  const meta = new WeakMap<PacketBuffer, { hopLimit: number; routerAlert: boolean }>();
  const h = {
    clock,
    stack,
    ctx: ctx!,
    routes,
    sent,
    unreachable,
    events: [] as NdEvent[],
    router: false,
  } as Partial<Harness> & { router: boolean };
  const host: NdHost = {
    ctx: ctx!,
    stack,
    routes,
    isRouter: () => h.router,
    allocateIcmp(_ifp, src, dst, length, hopLimit, routerAlert) {
      const buf = PacketBuffer.from(new Uint8Array(length).fill(0xee), 64);
      buf.family = 'ipv6';
      buf.src.set(src.subarray(0, 16));
      buf.dst.set(dst.subarray(0, 16));
      buf.nextHop.set(dst.subarray(0, 16));
      meta.set(buf, { hopLimit, routerAlert });
      return buf;
    },
    sendIcmp(ifp, buf) {
      const m = meta.get(buf)!;
      const bytes = buf.data.slice(buf.start, buf.end);
      sent.push({ ifindex: ifp.index, src: text6(buf.src), dst: text6(buf.dst), hopLimit: m.hopLimit, routerAlert: m.routerAlert, type: bytes[0], bytes });
      buf.release();
    },
    sendAddressUnreachable(buf) {
      unreachable.push(buf.data.slice(buf.start, buf.end));
    },
  };
  const nd = createNeighbourDiscovery(host, { ...TEST_OPTIONS, random: seeded(7), ...options });
  stack.events.on(NdEvents, (e) => h.events!.push(e));
  return Object.assign(h, {
    nd,
    host,
    ofType: (type: number) => sent.filter((s) => s.type === type),
    inject(ifp: NetInterface, bytes: Uint8Array, m: { src: string; dst: string; hopLimit?: number; routerAlert?: boolean }) {
      const buf = PacketBuffer.from(bytes, 48);
      buf.family = 'ipv6';
      buf.ifindex = ifp.index;
      buf.src.set(v6(m.src));
      buf.dst.set(v6(m.dst));
      stack.batch(() => nd.input(ifp, buf, bytes[0], m.hopLimit ?? 255, m.routerAlert ?? false));
    },
    receive(ifp: NetInterface, message: NdMessage, m: { src: string; dst: string; hopLimit?: number }) {
      const bytes = new Uint8Array(ndMessageLength(message));
      emitNdMessage(message, bytes, 0);
      (this as Harness).inject(ifp, bytes, m);
    },
    counter: (name: string) => stack.counters.get(name) ?? 0,
    addInterface(name = 'em0', hw = '02:00:00:00:00:0a') {
      return stack.interfaces.add({ name, type: 'ethernet', hardwareAddress: hw });
    },
  }) as Harness;
}

/** Parse a sent ND message (throws when it is not one). */
export function nd(sent: Sent): NdMessage {
  const m = parseNdMessage(sent.bytes, 0, sent.bytes.length);
  if ('error' in m) throw new Error(`not an ND message: ${m.error}`);
  return m;
}

type OptionOf<T extends NdOption['type']> = T extends LinkAddressOption['type'] ? LinkAddressOption : Extract<NdOption, { type: T }>;

export function option<T extends NdOption['type']>(m: NdMessage, type: T): OptionOf<T> | undefined {
  return m.options.find((o) => o.type === type) as OptionOf<T> | undefined;
}

export const ns = (target: string, options: NdOption[] = []): NdMessage => ({ kind: 'neighbor-solicitation', code: 0, target: v6(target), options });
export const na = (target: string, flags: { router?: boolean; solicited?: boolean; override?: boolean }, tlla?: string): NdMessage => ({
  kind: 'neighbor-advertisement',
  code: 0,
  router: flags.router ?? false,
  solicited: flags.solicited ?? false,
  override: flags.override ?? false,
  target: v6(target),
  options: tlla === undefined ? [] : [{ type: 'target-link-address', address: mac(tlla) }],
});
export const slla = (text: string): NdOption => ({ type: 'source-link-address', address: mac(text) });

export interface RaFields {
  curHopLimit?: number;
  flags?: number;
  routerLifetime?: number;
  reachableTime?: number;
  retransTimer?: number;
  options?: NdOption[];
}
export const ra = (f: RaFields = {}): NdMessage => ({
  kind: 'router-advertisement',
  code: 0,
  curHopLimit: f.curHopLimit ?? 64,
  flags: f.flags ?? 0,
  routerLifetime: f.routerLifetime ?? 1800,
  reachableTime: f.reachableTime ?? 0,
  retransTimer: f.retransTimer ?? 0,
  options: f.options ?? [],
});
export const pio = (prefix: string, length: number, valid: number, preferred: number, flags: { onLink?: boolean; autonomous?: boolean } = {}): NdOption => ({
  type: 'prefix-information',
  prefixLength: length,
  onLink: flags.onLink ?? true,
  autonomous: flags.autonomous ?? true,
  otherFlags: 0,
  validLifetime: valid,
  preferredLifetime: preferred,
  prefix: v6(prefix),
});

/** A queued-for-output IPv6 packet towards `nextHop` (bytes start with a fake IPv6 header). */
export function outgoing(nextHop: string, src: string, marker: number): PacketBuffer {
  const buf = PacketBuffer.from(Uint8Array.of(0x60, 0, 0, marker), 64);
  buf.family = 'ipv6';
  buf.nextHop.set(v6(nextHop));
  buf.src.set(v6(src));
  buf.dst.set(v6(nextHop));
  return buf;
}
