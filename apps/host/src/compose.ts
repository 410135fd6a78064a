// Builds a host stack from a validated configuration: modules, interfaces, addresses, routes and
// services. Interfaces attach to TAP devices or to ports of named simulated switches.
import { createStack, MacAddress, RouteFlags, RouteTablesService, type Clock, type LinkDriver, type Stack } from '@stack/core';
import { arpModule } from '@stack/arp';
import { etherModule } from '@stack/ether';
import { fibModule } from '@stack/fib';
import { ipv4Module } from '@stack/ipv4';
import { PcapWriter, type SimNetwork, type FrameTap, type PcapSink, type SimSwitch } from '@stack/sim';
import { createSocket, udpModule, type UdpSocket } from '@stack/udp';
import { ConfigError, type HostConfig } from './config.js';

/** Where simulated interfaces plug in: one switch per network name, created on demand. */
export class SimFabric {
  readonly net: SimNetwork;
  private readonly switches = new Map<string, SimSwitch>();
  constructor(net: SimNetwork) {
    this.net = net;
  }
  switchFor(name: string): SimSwitch {
    let sw = this.switches.get(name);
    if (!sw) {
      sw = this.net.switch({ name });
      this.switches.set(name, sw);
    }
    return sw;
  }
}

export interface HostEnvironment {
  readonly clock?: Clock;
  readonly fabric?: SimFabric;
  /** Opens a TAP device (the app passes @stack/tap-driver's openTap; tests may pass a fake). */
  readonly openTap?: (name: string) => Promise<LinkDriver>;
  /**
   * Where the capture named by the configuration's `pcap` goes (the app appends to that file; tests
   * may keep the bytes). Without it, `pcap` is ignored.
   */
  readonly pcapSink?: (file: string) => PcapSink;
}

/** The capture the configuration's `pcap` asked for. */
export interface HostCapture {
  readonly writer: PcapWriter;
  /** Interfaces whose frames go into the capture. */
  readonly captured: readonly string[];
  /** Interfaces whose driver cannot be observed (it does not implement `observe()`), so not captured. */
  readonly uncaptured: readonly string[];
}

export interface Host {
  readonly stack: Stack;
  readonly services: { udpEcho?: UdpSocket };
  /** Present when the configuration names a `pcap` file and the environment gives a `pcapSink`. */
  readonly capture?: HostCapture;
  close(): Promise<void>;
}

/** Compose the stack the configuration describes. */
export async function createHost(config: HostConfig, env: HostEnvironment = {}): Promise<Host> {
  const stack = createStack({ name: 'stack-host', clock: env.clock });
  stack.load(fibModule());
  stack.load(etherModule());
  stack.load(arpModule());
  stack.load(ipv4Module({ forwarding: config.forwarding }));
  stack.load(udpModule());
  stack.loopback.addAddress({ address: '127.0.0.1/8' });

  for (const [i, ic] of config.interfaces.entries()) {
    let driver: LinkDriver;
    if (ic.tap !== undefined) {
      if (!env.openTap) throw new ConfigError(`interfaces[${i}].tap`, 'TAP devices are not available here');
      driver = await env.openTap(ic.tap);
    } else {
      if (!env.fabric) throw new ConfigError(`interfaces[${i}].sim`, 'no simulated network is available here');
      driver = env.fabric.switchFor(ic.sim!).port({ name: `${ic.name}-port`, mac: ic.mac === undefined ? undefined : MacAddress.parse(ic.mac).toBytes() });
    }
    // A TAP's own address belongs to the kernel's end of the device; the stack at the other end
    // needs its own, or the two sides see each other's frames as their own.
    const hardwareAddress = ic.mac ?? (ic.tap !== undefined && driver.hardwareAddress ? tapPeerAddress(driver.hardwareAddress) : undefined);
    const ifp = stack.interfaces.add({ name: ic.name, driver, mtu: ic.mtu, hardwareAddress, fib: ic.fib });
    for (const a of ic.addresses) ifp.addAddress({ address: a.address, prefixLength: a.prefixLength });
  }

  let capture: HostCapture | undefined;
  const stopCapture: (() => void)[] = [];
  if (config.pcap !== undefined && env.pcapSink) {
    const writer = new PcapWriter(env.pcapSink(config.pcap));
    const captured: string[] = [];
    const uncaptured: string[] = [];
    for (const ic of config.interfaces) {
      const driver = stack.interfaces.require(ic.name).driver;
      if (isFrameTap(driver)) {
        stopCapture.push(writer.tap(driver));
        captured.push(ic.name);
      } else {
        uncaptured.push(ic.name);
      }
    }
    capture = { writer, captured, uncaptured };
  }

  const routes = stack.services.get(RouteTablesService);
  for (const [i, r] of config.routes.entries()) {
    const field = `routes[${i}]`;
    let ifindex = r.interface !== undefined ? stack.interfaces.require(r.interface).index : undefined;
    if (ifindex === undefined && r.via) {
      const connected = routes.get(r.fib, r.via);
      if (!connected || (connected.flags & RouteFlags.GATEWAY) !== 0) throw new ConfigError(`${field}.via`, `gateway ${r.via.toString()} is not on a connected network`);
      ifindex = connected.ifindex;
    }
    routes.add(r.fib, { prefix: r.prefix, prefixLength: r.prefixLength, gateway: r.via, ifindex, source: 'static' });
  }

  const services: Host['services'] = {};
  if (config.services.udpEcho) {
    const sock = createSocket(stack, { type: 'udp4' });
    sock.on('message', (msg, rinfo) => {
      sock.send(msg, rinfo.port, rinfo.address);
    });
    sock.bind(config.services.udpEcho.port);
    services.udpEcho = sock;
  }

  return {
    stack,
    services,
    capture,
    async close() {
      for (const stop of stopCapture) stop();
      services.udpEcho?.close();
      await stack.destroy();
    },
  };
}

/** Whether frames crossing `driver` can be observed (simulated devices, and any driver implementing `observe()`). */
function isFrameTap(driver: unknown): driver is FrameTap {
  return typeof driver === 'object' && driver !== null && typeof (driver as Partial<FrameTap>).observe === 'function';
}

/**
 * The address a stack uses on a TAP whose configuration gives none: the device's own (kernel-side)
 * address with the lowest bit of the last octet flipped, marked locally administered and unicast.
 */
export function tapPeerAddress(deviceAddress: Uint8Array): Uint8Array {
  const mac = deviceAddress.slice();
  mac[0] = (mac[0] | 0x02) & 0xfe;
  mac[5] ^= 0x01;
  return mac;
}
