// One host as apps/host/src/compose.ts builds it (same modules in the same order, loopback
// 127.0.0.1/8, one interface), with the app's UDP echo service. Composed here rather than through
// the app's `createHost` so the benchmark depends on the packages only, not on the app's
// configuration format, which changes under it.
import { arpModule } from '@stack/arp';
import { createStack, type Clock, type LinkDriver, type Stack } from '@stack/core';
import { etherModule } from '@stack/ether';
import { fibModule } from '@stack/fib';
import { ipv4Module } from '@stack/ipv4';
import { createSocket, udpModule, type UdpSocket } from '@stack/udp';

export interface BenchHostOptions {
  readonly name: string;
  readonly driver: LinkDriver;
  /** The interface's MAC (default the driver's). */
  readonly hardwareAddress?: Uint8Array;
  /** Address with prefix, e.g. '192.0.2.1/24'. */
  readonly address: string;
  readonly clock?: Clock;
}

export function composeBenchHost(o: BenchHostOptions): Stack {
  const stack = createStack({ name: o.name, clock: o.clock });
  stack.load(fibModule());
  stack.load(etherModule());
  stack.load(arpModule());
  stack.load(ipv4Module({ forwarding: false }));
  stack.load(udpModule());
  stack.loopback.addAddress({ address: '127.0.0.1/8' });
  const ifp = stack.interfaces.add({ name: 'em0', driver: o.driver, hardwareAddress: o.hardwareAddress });
  ifp.addAddress({ address: o.address });
  return stack;
}

/** The UDP echo service exactly as apps/host/src/compose.ts runs it. */
export function udpEchoService(stack: Stack, port: number): UdpSocket {
  const sock = createSocket(stack, { type: 'udp4' });
  sock.on('message', (msg, rinfo) => {
    sock.sendToRemote(msg, rinfo);
  });
  sock.bind(port);
  return sock;
}

/**
 * The address apps/host gives a stack on a TAP whose configuration names none: the device's own
 * (kernel-side) MAC with the lowest bit of the last octet flipped, locally administered, unicast.
 */
export function tapPeerMac(deviceAddress: Uint8Array): Uint8Array {
  const mac = deviceAddress.slice();
  mac[0] = (mac[0] | 0x02) & 0xfe;
  mac[5] ^= 0x01;
  return mac;
}
