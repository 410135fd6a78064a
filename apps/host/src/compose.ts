// Builds a host stack from a validated configuration: modules, interfaces, addresses, routes and
// services. Interfaces attach to TAP devices or to ports of named simulated switches.
import { AddressEvents, createStack, MacAddress, NetworkProtocolService, RouteFlags, RouteTablesService, type Clock, type FrameTap, type IpAddress, type LinkDriver, type Stack } from '@stack/core';
import { arpModule } from '@stack/arp';
import { etherModule } from '@stack/ether';
import { fibModule } from '@stack/fib';
import { ipv4Module } from '@stack/ipv4';
import { PcapWriter, type SimNetwork, type PcapSink, type SimSwitch } from '@stack/sim';
import { createSocket, udpModule, UdpSocketError, type UdpSocket } from '@stack/udp';
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
  /** Random numbers in [0, 1) for neighbour discovery's delays (the demo passes a seeded one); default Math.random. */
  readonly ndRandom?: () => number;
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
  /** One socket per UDP echo service; a socket for an address still in DAD binds once the address is ready. */
  readonly services: { udpEcho: UdpSocket[] };
  /** Present when the configuration names a `pcap` file and the environment gives a `pcapSink`. */
  readonly capture?: HostCapture;
  close(): Promise<void>;
}

/** Compose the stack the configuration describes. */
export async function createHost(config: HostConfig, env: HostEnvironment = {}): Promise<Host> {
  const stack = createStack({ name: 'stack-host', clock: env.clock });
  const has4 = config.families.includes('ipv4');
  const has6 = config.families.includes('ipv6');
  stack.load(fibModule());
  stack.load(etherModule());
  if (has4) {
    stack.load(arpModule());
    stack.load(ipv4Module({ forwarding: config.forwarding }));
  }
  if (has6) (await import('./ipv6-support.js')).loadIpv6(stack, config, env.ndRandom);
  stack.load(udpModule());
  if (has4) stack.loopback.addAddress({ address: '127.0.0.1/8' });
  if (has6) stack.loopback.addAddress({ address: '::1/128' });

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
    // Joined like a socket would (IP_ADD_MEMBERSHIP): IGMP / MLD report them from now on.
    for (const g of ic.multicastGroups) stack.services.get(NetworkProtocolService, g.family).joinGroup(ifp.index, g);
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
    routes.add(r.fib, { prefix: r.prefix, prefixLength: r.prefixLength, gateway: r.via, ifindex, flags: RouteFlags.STATIC, source: 'static' });
  }

  const services: Host['services'] = { udpEcho: [] };
  const stopServices: (() => void)[] = [];
  for (const [i, e] of config.services.udpEcho.entries()) {
    // IPv6 sockets are IPv6-only here, so 0.0.0.0 and :: can both hold the port.
    const sock = createSocket(stack, e.address.family === 'ipv4' ? { type: 'udp4' } : { type: 'udp6', ipv6Only: true });
    // Answered from rinfo itself: no address text per datagram, and a link-local sender's reply
    // leaves through the interface its datagram came in on.
    sock.on('message', (msg, rinfo) => {
      sock.sendToRemote(msg, rinfo);
    });
    stopServices.push(bindWhenReady(stack, sock, e.port, e.address, `services.udpEcho[${i}]`));
    services.udpEcho.push(sock);
  }

  return {
    stack,
    services,
    capture,
    async close() {
      for (const stop of stopCapture) stop();
      for (const stop of stopServices) stop();
      for (const sock of services.udpEcho) sock.close();
      await stack.destroy();
    },
  };
}

/**
 * Bind `sock` to `address`:`port`. A configured IPv6 address may still be in duplicate address
 * detection (tentative, so not yet an address the stack may use): then the socket binds when the
 * address becomes usable. Returns a disposer of that wait.
 */
function bindWhenReady(stack: Stack, sock: UdpSocket, port: number, address: IpAddress, field: string): () => void {
  const wildcard = address.family === 'ipv4' ? address.value === 0 : address.isUnspecified();
  const tryBind = (): boolean => {
    try {
      sock.bind(port, wildcard ? undefined : address);
      return true;
    } catch (e) {
      if (e instanceof UdpSocketError && e.code === 'EADDRNOTAVAIL' && address.family === 'ipv6') return false;
      throw new ConfigError(field, `cannot bind ${address.toString()} port ${port}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  if (tryBind()) return () => {};
  const off = stack.events.on(AddressEvents, (ev) => {
    if (ev.addr.address.equals(address) && tryBind()) off();
  });
  return off;
}

/**
 * Whether frames crossing `driver` can be observed: the driver has the core `FrameTap` capability
 * (simulated devices, the TAP driver, any driver implementing `observe()`).
 */
function isFrameTap(driver: LinkDriver | null): driver is LinkDriver & FrameTap {
  return driver !== null && typeof (driver as Partial<FrameTap>).observe === 'function';
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
