// Scenario helpers: stacks with fib + ether + the real ipv6Module() on @stack/sim, and a raw
// "router" port the test drives by hand (crafted RAs, captured frames).
import {
  createStack,
  internetChecksum,
  Ipv6Address,
  type LinkDriverSink,
  ManualClock,
  type NetInterface,
  PacketBuffer,
  pseudoHeaderSum6,
  type Stack,
} from '@stack/core';
import { etherModule } from '@stack/ether';
import { fibModule } from '@stack/fib';
import { SimNetwork, type SimEndpoint } from '@stack/sim';
import { ipv6Module, type Ipv6ModuleOptions } from '../../src/index.js';
import { emitNdMessage, type NdEvent, NdEvents, type NdMessage, ndMessageLength, type NdOptions } from '../../src/nd/index.js';
import { seeded } from './helpers.js';

export interface NodeUnderTest {
  readonly stack: Stack;
  readonly em0: NetInterface;
  readonly events: NdEvent[];
  counter(name: string): number;
}

export function node(clock: ManualClock, name: string, driver: SimEndpoint, nd: NdOptions = {}, options: Ipv6ModuleOptions = {}): NodeUnderTest {
  const stack = createStack({ name, clock });
  stack.load(fibModule());
  stack.load(etherModule());
  stack.load(ipv6Module({ ...options, nd: { secret: `secret of ${name} for tests`, random: seeded(name.length * 7 + name.charCodeAt(0)), ...nd } }));
  const events: NdEvent[] = [];
  stack.events.on(NdEvents, (e) => events.push(e));
  const em0 = stack.interfaces.add({ name: 'em0', driver });
  return { stack, em0, events, counter: (n) => stack.counters.get(n) ?? 0 };
}

/** A frame seen on the raw port, decoded down to ICMPv6 when it is one. */
export interface Frame {
  readonly ethDst: string;
  readonly ethSrc: string;
  readonly src: string;
  readonly dst: string;
  readonly hopLimit: number;
  readonly routerAlert: boolean;
  readonly icmpType: number;
  /** The ICMPv6 message. */
  readonly icmp: Uint8Array;
}

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');

export function decode(frame: Uint8Array): Frame | null {
  if (frame[12] !== 0x86 || frame[13] !== 0xdd) return null;
  const ip = 14;
  let next = frame[ip + 6];
  let at = ip + 40;
  let routerAlert = false;
  if (next === 0) {
    // Hop-by-Hop: look for Router Alert (type 5).
    const len = (frame[at + 1] + 1) * 8;
    for (let o = at + 2; o < at + len; ) {
      if (frame[o] === 0) {
        o++;
        continue;
      }
      if (frame[o] === 5) routerAlert = true;
      o += 2 + frame[o + 1];
    }
    next = frame[at];
    at += len;
  }
  if (next !== 58) return null;
  const payloadEnd = ip + 40 + ((frame[ip + 4] << 8) | frame[ip + 5]);
  return {
    ethDst: hex(frame.subarray(0, 6)),
    ethSrc: hex(frame.subarray(6, 12)),
    src: new Ipv6Address(frame, ip + 8).toString(),
    dst: new Ipv6Address(frame, ip + 24).toString(),
    hopLimit: frame[ip + 7],
    routerAlert,
    icmpType: frame[at],
    icmp: frame.slice(at, payloadEnd),
  };
}

/** An Ethernet + IPv6 + ICMPv6 frame carrying `message` (checksum filled in). */
export function icmpFrame(ethSrc: Uint8Array, ethDst: Uint8Array, src: string, dst: string, message: NdMessage, hopLimit = 255): Uint8Array {
  const length = ndMessageLength(message);
  const frame = new Uint8Array(14 + 40 + length);
  frame.set(ethDst, 0);
  frame.set(ethSrc, 6);
  frame[12] = 0x86;
  frame[13] = 0xdd;
  const ip = 14;
  frame[ip] = 0x60;
  frame[ip + 4] = length >> 8;
  frame[ip + 5] = length;
  frame[ip + 6] = 58;
  frame[ip + 7] = hopLimit;
  const s = Ipv6Address.parse(src).toBytes();
  const d = Ipv6Address.parse(dst).toBytes();
  frame.set(s, ip + 8);
  frame.set(d, ip + 24);
  emitNdMessage(message, frame, ip + 40);
  const sum = internetChecksum(frame, ip + 40, length, pseudoHeaderSum6(s, 0, d, 0, 58, length));
  frame[ip + 42] = sum >> 8;
  frame[ip + 43] = sum;
  return frame;
}

/** A sim port driven by the test: records what it receives, sends crafted frames. */
export class RawPort {
  readonly received: Uint8Array[] = [];

  constructor(readonly device: SimEndpoint) {
    const sink: LinkDriverSink = {
      allocate: (length) => new PacketBuffer(new Uint8Array(length)),
      receive: (frames, count) => {
        for (let i = 0; i < count; i++) this.received.push(frames[i].data.slice(frames[i].start, frames[i].end));
      },
      linkStateChanged: () => {},
    };
    device.start(sink);
  }

  get mac(): Uint8Array {
    return this.device.hardwareAddress;
  }

  send(frame: Uint8Array): void {
    this.device.send([PacketBuffer.from(frame)], 1);
  }

  icmp(): Frame[] {
    return this.received.map(decode).filter((f): f is Frame => f !== null);
  }
}

export function world(): { clock: ManualClock; sim: SimNetwork } {
  const clock = new ManualClock();
  return { clock, sim: new SimNetwork({ clock }) };
}

export const ALL_NODES_MAC = Uint8Array.of(0x33, 0x33, 0, 0, 0, 1);
