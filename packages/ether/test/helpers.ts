// Test helpers for @stack/ether: a recording "network" protocol and a fake neighbour resolver over
// the hand-driven `RawDriver` of @stack/sim, so the link layer can be tested without IPv4 or ARP.
import {
  createStack,
  LinkProtocols,
  ManualClock,
  type NeighbourResolver,
  NeighbourResolverService,
  type NeighbourTransmit,
  type NetInterface,
  type PacketBuffer,
  type Stack,
  type StackModule,
} from '@stack/core';
import { RawDriver } from '@stack/sim';
import { etherModule, type EtherOptions } from '../src/index.js';

export const MAC_A = Uint8Array.from([0x02, 0, 0, 0, 0, 0x0a]);
export const MAC_B = Uint8Array.from([0x02, 0, 0, 0, 0, 0x0b]);
export const BROADCAST = new Uint8Array(6).fill(0xff);

export function mac(text: string): Uint8Array {
  return Uint8Array.from(text.split(':').map((p) => parseInt(p, 16)));
}

/** What the recording protocol saw. */
export interface Received {
  readonly ifindex: number;
  readonly linkFlags: number;
  readonly linkProtocol: number;
  readonly payload: Uint8Array;
}

/**
 * A stand-in network protocol: a LinkProtocols handler recording what arrives for `protocol`
 * (default 0x0800), releasing each buffer.
 */
export function recorderModule(received: Received[], protocol = 0x0800, name = 'recorder'): StackModule {
  return {
    name,
    attach(ctx) {
      ctx.register(LinkProtocols, protocol, (ifp: NetInterface, buf: PacketBuffer) => {
        received.push({ ifindex: ifp.index, linkFlags: buf.linkFlags, linkProtocol: buf.linkProtocol, payload: buf.data.slice(buf.start, buf.end) });
        buf.release();
      });
    },
  };
}

/** Send `payload` as an IPv4-family packet towards `nextHop` through the interface's link layer. */
export function sendIpv4(stack: Stack, ifp: NetInterface, nextHop: number[], payload: Uint8Array, init?: (buf: PacketBuffer) => void): void {
  const buf = stack.pool.alloc(payload.length);
  buf.copyFrom(payload);
  buf.family = 'ipv4';
  buf.nextHop.set(nextHop);
  init?.(buf);
  stack.linkLayerOf(ifp)!.output(ifp, buf, 0x0800);
}

/** A fake IPv4 resolver: answers from `table`, or queues and lets the test complete later. */
export class FakeResolver implements NeighbourResolver {
  readonly table = new Map<string, Uint8Array>();
  readonly queued: { ifp: NetInterface; buf: PacketBuffer; transmit: NeighbourTransmit }[] = [];
  answerLength = 6;
  resolve(ifp: NetInterface, buf: PacketBuffer, out: Uint8Array, transmit: NeighbourTransmit): number {
    const known = this.table.get([...buf.nextHop.subarray(0, 4)].join('.'));
    if (known !== undefined) {
      out.set(known);
      return this.answerLength;
    }
    this.queued.push({ ifp, buf, transmit });
    return 0;
  }
  /** Complete every queued packet with `linkDst`. */
  complete(linkDst: Uint8Array): void {
    for (const q of this.queued.splice(0)) q.transmit(q.ifp, q.buf, linkDst);
  }
  list() {
    return [];
  }
  addStatic(): void {}
  remove(): boolean {
    return false;
  }
  flush(): void {}
  announce(): void {}
}

export function resolverModule(resolver: NeighbourResolver, family: 'ipv4' | 'ipv6' = 'ipv4'): StackModule {
  return { name: `fake-resolver-${family}`, attach: (ctx) => ctx.provide(NeighbourResolverService, resolver, family) };
}

/** A stack with ether, a recorder for 0x0800 and one interface on a {@link RawDriver}. */
export function rawHost(options: EtherOptions = {}) {
  const clock = new ManualClock();
  const stack = createStack({ name: 'raw', clock });
  stack.load(etherModule(options));
  const received: Received[] = [];
  stack.load(recorderModule(received));
  const driver = new RawDriver({ hardwareAddress: MAC_A });
  const ifp = stack.interfaces.add({ name: 'em0', driver });
  return { clock, stack, driver, ifp, received };
}

/** An Ethernet frame: dst, src, optional tags (each a TPID/TCI pair), ethertype and payload. */
export function frame(dst: Uint8Array, src: Uint8Array, etherType: number, payload: number[] | Uint8Array = [1, 2, 3, 4], tags: [number, number][] = []): Uint8Array {
  const out = new Uint8Array(14 + tags.length * 4 + payload.length);
  out.set(dst, 0);
  out.set(src, 6);
  let at = 12;
  for (const [tpid, tci] of tags) {
    out[at] = tpid >> 8;
    out[at + 1] = tpid & 0xff;
    out[at + 2] = tci >> 8;
    out[at + 3] = tci & 0xff;
    at += 4;
  }
  out[at] = etherType >> 8;
  out[at + 1] = etherType & 0xff;
  out.set(payload, at + 2);
  return out;
}
