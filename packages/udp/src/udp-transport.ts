import {
  formatIpv4,
  ipAddressFromBytes,
  NetworkProtocolService,
  type AddressFamily,
  type Disposer,
  type NetworkProtocol,
  type Stack,
  type TransportEndpointInfo,
  type TransportProtocol,
} from '@stack/core';
import { EndpointTable, type Endpoint } from './endpoint-table.js';
import { PayloadSlab } from './payload-slab.js';
import { EphemeralPorts } from './ports.js';
import type { UdpCounters } from './udp-counters.js';
import { UDP_PROTOCOL, UdpInput } from './udp-input.js';

interface Registration {
  readonly net: NetworkProtocol;
  readonly dispose: Disposer;
}

/**
 * UDP for one stack: the endpoint table, ephemeral ports, and its registration with every network
 * protocol present (IPv4, IPv6 — whichever is loaded, now or later).
 */
export class UdpTransport implements TransportProtocol {
  readonly name = 'udp' as const;
  readonly protocolNumber = UDP_PROTOCOL;
  readonly table = new EndpointTable();
  readonly ports: EphemeralPorts;
  private readonly registrations = new Map<string, Registration>();
  /** Sockets open now, closed when the module unloads. */
  readonly sockets = new Set<{ close(): void }>();
  /** Where received payloads are copied for the application. */
  readonly payloads = new PayloadSlab();
  // Network protocols looked up once per service-registry generation, not once per datagram.
  private generation = -1;
  private ipv4: NetworkProtocol | undefined;
  private ipv6: NetworkProtocol | undefined;

  constructor(
    readonly stack: Stack,
    readonly counters: UdpCounters,
    readonly queueLimit: number,
    private readonly owner: string,
  ) {
    this.ports = new EphemeralPorts(stack.clock.now() * 7919);
  }

  /** The network protocol of a family, or undefined when that family is not loaded. */
  network(family: AddressFamily): NetworkProtocol | undefined {
    const services = this.stack.services;
    if (services.generation !== this.generation) {
      this.generation = services.generation;
      this.ipv4 = services.tryGet(NetworkProtocolService, 'ipv4');
      this.ipv6 = services.tryGet(NetworkProtocolService, 'ipv6');
    }
    return family === 'ipv4' ? this.ipv4 : this.ipv6;
  }

  /**
   * Register with every network protocol provided now, and forget those that went away (called at
   * attach and on every module load/unload).
   */
  sync(): void {
    for (const [variant, reg] of this.registrations) {
      if (this.stack.services.tryGet(NetworkProtocolService, variant) !== reg.net) {
        reg.dispose();
        this.registrations.delete(variant);
      }
    }
    for (const [variant, net] of this.stack.services.variants(NetworkProtocolService)) {
      if (this.registrations.has(variant)) continue;
      const dispose = net.registerUpper(UDP_PROTOCOL, new UdpInput(net, this.table, this.counters), this.owner);
      this.registrations.set(variant, { net, dispose });
    }
  }

  /** Unregister everywhere and close every socket (module unload). */
  shutdown(): void {
    for (const s of [...this.sockets]) s.close();
    for (const reg of this.registrations.values()) reg.dispose();
    this.registrations.clear();
  }

  allocatePort(family: AddressFamily): number {
    return this.ports.next((port) => this.table.portInUse(family, port));
  }

  listEndpoints(): TransportEndpointInfo[] {
    const out: TransportEndpointInfo[] = [];
    for (const ep of this.table.all()) {
      out.push({
        protocol: ep.family === 'ipv4' ? 'udp4' : 'udp6',
        localAddress: ep.localAny ? (ep.family === 'ipv4' ? '0.0.0.0' : '::') : text(ep, ep.local),
        localPort: ep.localPort,
        remoteAddress: ep.connected ? text(ep, ep.remote) : null,
        remotePort: ep.connected ? ep.remotePort : 0,
        state: ep.connected ? 'CONNECTED' : 'BOUND',
        fib: ep.fib,
      });
    }
    return out;
  }
}

function text(ep: Endpoint, bytes: Uint8Array): string {
  return ep.family === 'ipv4' ? formatIpv4(((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0) : ipAddressFromBytes('ipv6', bytes).toString();
}
