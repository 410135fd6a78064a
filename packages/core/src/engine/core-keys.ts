import type { PacketBuffer } from '../buffer/index.js';
import type { LinkLayer, LinkProtocolHandler } from '../contracts/link-layer.js';
import type { IcmpEcho } from '../contracts/echo.js';
import type { NeighbourResolver } from '../contracts/neighbour.js';
import type { NetworkProtocol } from '../contracts/network.js';
import type { RouteChangeEvent, RouteTables } from '../contracts/route-table.js';
import type { TransportProtocol } from '../contracts/transport.js';
import { defineEvent } from '../events/index.js';
import { defineHookPoint } from '../hooks/index.js';
import { defineDemux } from './demux.js';
import type { InterfaceAddress } from './interface-address.js';
import type { NetInterface } from './interface.js';
import { defineService } from './service.js';

/** Link layers, keyed by interface type (`'ethernet'`, `'loopback'`). @public */
export const LinkLayerService = defineService<LinkLayer>('link-layer');
/** Neighbour resolvers, keyed by address family. @public */
export const NeighbourResolverService = defineService<NeighbourResolver>('neighbour-resolver');
/** Network protocols, keyed by address family. @public */
export const NetworkProtocolService = defineService<NetworkProtocol>('network-protocol');
/** Transport protocols, keyed by name (`'udp'`, `'tcp'`). @public */
export const TransportService = defineService<TransportProtocol>('transport');
/** ICMP echo (ping), keyed by address family (`'ipv4'`, `'ipv6'`). @public */
export const IcmpEchoService = defineService<IcmpEcho>('icmp-echo');
/** The stack's forwarding tables. @public */
export const RouteTablesService = defineService<RouteTables>('route-tables');

/**
 * Dispatch of link payloads by link protocol number (an ethertype on Ethernet); every link layer,
 * loopback included, dispatches through this one table. @public
 */
export const LinkProtocols = defineDemux<LinkProtocolHandler>('link-protocols');

/** Route changes (emitted by the route tables). @public */
export const RouteEvents = defineEvent<RouteChangeEvent>('ROUTE');

/** The argument of the `if.address` hook point. @public */
export interface AddressChange {
  readonly op: 'ADD' | 'DELETE';
  readonly addr: InterfaceAddress;
}

/** The argument of the `if.link-state` hook point. @public */
export interface LinkStateChange {
  readonly running: boolean;
}

/** Runs before an address is added or removed; a hook may refuse an addition by dropping. @public */
export const AddressHook = defineHookPoint<AddressChange>('if', 'address');
/** Runs when an interface starts or stops running (UP and carrier). @public */
export const LinkStateHook = defineHookPoint<LinkStateChange>('if', 'link-state');

/** Convenience type for packet hook points. @public */
export type PacketHookArg = PacketBuffer;
/** Convenience: the interface type of hook functions. @public */
export type HookInterface = NetInterface | null;
