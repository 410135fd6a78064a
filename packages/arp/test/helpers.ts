// Test helpers for @stack/arp: hosts on @stack/sim with ether + arp, a stand-in network protocol
// and the hand-driven `RawDriver` of @stack/sim for hostile input.
import {
  createStack,
  type LinkDriver,
  LinkProtocols,
  ManualClock,
  type NetworkProtocol,
  NetworkProtocolService,
  type NetInterface,
  type PacketBuffer,
  type Stack,
  type StackModule,
} from '@stack/core';
import { etherModule } from '@stack/ether';
import { RawDriver, SimNetwork } from '@stack/sim';
import { arpModule, type ArpOptions, type ArpResolver } from '../src/index.js';
import { NeighbourResolverService } from '@stack/core';

export function mac(text: string): Uint8Array {
  return Uint8Array.from(text.split(':').map((p) => parseInt(p, 16)));
}

export const BROADCAST = new Uint8Array(6).fill(0xff);

/** What the stand-in network protocol received (payload after the link header). */
export interface Delivered {
  readonly payload: number[];
  readonly linkFlags: number;
}

/** A LinkProtocols handler for 0x0800 recording payload bytes. */
export function recorderModule(delivered: Delivered[]): StackModule {
  return {
    name: 'recorder',
    attach(ctx) {
      ctx.register(LinkProtocols, 0x0800, (_ifp: NetInterface, buf: PacketBuffer) => {
        delivered.push({ payload: [...buf.data.subarray(buf.start, buf.end)], linkFlags: buf.linkFlags });
        buf.release();
      });
    },
  };
}

/** A fake IPv4 NetworkProtocol that records `sendUnreachable` calls (bytes copied: it does not own them). */
export class FakeIpv4 implements Partial<NetworkProtocol> {
  readonly unreachable: { kind: string; bytes: number[] }[] = [];
  readonly family = 'ipv4' as const;
  readonly addressLength = 4;
  sendUnreachable(buf: PacketBuffer, kind: 'port' | 'protocol' | 'host' | 'net'): void {
    this.unreachable.push({ kind, bytes: [...buf.data.subarray(buf.start, buf.end)] });
  }
}

export function fakeIpv4Module(ipv4: FakeIpv4): StackModule {
  return { name: 'fake-ipv4', attach: (ctx) => ctx.provide(NetworkProtocolService, ipv4 as unknown as NetworkProtocol, 'ipv4') };
}

/** Send `payload` towards `nextHop` (dotted quad) from `source` as an IPv4-family packet via the link layer. */
export function sendIpv4(stack: Stack, ifp: NetInterface, nextHop: string, payload: number[], source = '0.0.0.0'): void {
  const buf = stack.pool.alloc(payload.length);
  buf.copyFrom(Uint8Array.from(payload));
  buf.family = 'ipv4';
  buf.nextHop.set(nextHop.split('.').map(Number));
  buf.src.set(source.split('.').map(Number));
  stack.linkLayerOf(ifp)!.output(ifp, buf, 0x0800);
}

export interface Host {
  readonly stack: Stack;
  readonly ifp: NetInterface;
  readonly delivered: Delivered[];
  readonly ipv4: FakeIpv4;
  readonly arp: ArpResolver;
}

export function makeHost(name: string, clock: ManualClock, driver: LinkDriver, arpOptions: ArpOptions = {}, address?: string): Host {
  const stack = createStack({ name, clock });
  stack.load(etherModule());
  stack.load(arpModule(arpOptions));
  const delivered: Delivered[] = [];
  stack.load(recorderModule(delivered));
  const ipv4 = new FakeIpv4();
  stack.load(fakeIpv4Module(ipv4));
  const ifp = stack.interfaces.add({ name: 'em0', driver });
  if (address !== undefined) ifp.addAddress({ address });
  const arp = stack.services.get(NeighbourResolverService, 'ipv4') as ArpResolver;
  return { stack, ifp, delivered, ipv4, arp };
}

/** Two hosts on a cable: a = 192.0.2.1/24, b = 192.0.2.2/24 (announcements off unless asked for). */
export function cable(arpOptions: ArpOptions = {}) {
  const clock = new ManualClock();
  const net = new SimNetwork({ clock });
  const [da, db] = net.linkPair();
  const options = { announceCount: 0, ...arpOptions };
  const a = makeHost('a', clock, da, options, '192.0.2.1/24');
  const b = makeHost('b', clock, db, options, '192.0.2.2/24');
  const wire: Uint8Array[] = [];
  da.observe((direction, bytes, offset, length) => {
    if (direction === 'tx') wire.push(bytes.slice(offset, offset + length));
  });
  const bWire: Uint8Array[] = [];
  db.observe((direction, bytes, offset, length) => {
    if (direction === 'tx') bWire.push(bytes.slice(offset, offset + length));
  });
  return { clock, net, da, db, a, b, wire, bWire };
}

/** The ARP fields of an Ethernet frame carrying IPv4-over-Ethernet ARP, or null for another ethertype. */
export function arpOf(frame: Uint8Array) {
  if (frame[12] !== 0x08 || frame[13] !== 0x06) return null;
  const f = (i: number, n: number) => [...frame.subarray(14 + i, 14 + i + n)];
  const hex = (b: number[]) => b.map((x) => x.toString(16).padStart(2, '0')).join(':');
  return {
    ethDst: hex([...frame.subarray(0, 6)]),
    ethSrc: hex([...frame.subarray(6, 12)]),
    op: (frame[20] << 8) | frame[21],
    sha: hex(f(8, 6)),
    spa: f(14, 4).join('.'),
    tha: hex(f(18, 6)),
    tpa: f(24, 4).join('.'),
  };
}

export interface ArpFields {
  hrd?: number;
  pro?: number;
  hln?: number;
  pln?: number;
  op?: number;
  sha?: readonly number[];
  spa?: readonly number[];
  tha?: readonly number[];
  tpa?: readonly number[];
}

/** An Ethernet broadcast frame carrying an ARP packet built field by field (defaults: a request from 02:..:0b / 192.0.2.2 for 192.0.2.1). */
export function arpFrame(fields: ArpFields = {}, ethSrc = mac('02:00:00:00:00:0b'), ethDst = BROADCAST): Uint8Array {
  const sha = fields.sha ?? [...mac('02:00:00:00:00:0b')];
  const spa = fields.spa ?? [192, 0, 2, 2];
  const tha = fields.tha ?? [0, 0, 0, 0, 0, 0];
  const tpa = fields.tpa ?? [192, 0, 2, 1];
  const hrd = fields.hrd ?? 1;
  const pro = fields.pro ?? 0x0800;
  const op = fields.op ?? 1;
  const body = [hrd >> 8, hrd & 0xff, pro >> 8, pro & 0xff, fields.hln ?? sha.length, fields.pln ?? spa.length, op >> 8, op & 0xff, ...sha, ...spa, ...tha, ...tpa];
  return Uint8Array.from([...ethDst, ...ethSrc, 0x08, 0x06, ...body]);
}

/** A stack with ether + arp + fake IPv4 on a RawDriver, address 192.0.2.1/24, MAC 02:..:0a. */
export function rawHost(arpOptions: ArpOptions = {}) {
  const clock = new ManualClock();
  const driver = new RawDriver({ hardwareAddress: mac('02:00:00:00:00:0a') });
  const host = makeHost('raw', clock, driver, { announceCount: 0, ...arpOptions }, '192.0.2.1/24');
  return { clock, driver, ...host };
}
