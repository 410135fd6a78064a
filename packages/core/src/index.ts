/**
 * @stack/core: the contracts every protocol package implements and the engine they register into.
 * See DESIGN.md §3–§8.
 * @packageDocumentation
 */
export * from './addr/index.js';
export * from './buffer/index.js';
export * from './checksum/index.js';
export * from './counters/index.js';
export * from './events/index.js';
export * from './time/index.js';
export * from './hooks/index.js';
export * from './wire/index.js';
export * from './reassembly/index.js';
export * from './echo/index.js';
export * from './routing/index.js';
export * from './neighbour/index.js';
export * from './path-mtu/index.js';

export type { Disposer } from './engine/disposer.js';
export { defineService, ServiceRegistry, DEFAULT_VARIANT, type ServiceKey, type ServiceInfo } from './engine/service.js';
export { defineExtension, ExtensionSlots, type ExtensionKey } from './engine/extension.js';
export { defineDemux, DemuxTable, type DemuxKey } from './engine/demux.js';
export { InterfaceAddress, AddressFlags } from './engine/interface-address.js';
export { NetInterface, InterfaceFlags, type AddressSpec } from './engine/interface.js';
export type { InterfaceEventType } from './engine/interface-host.js';
export { InterfaceTable, type InterfaceOptions } from './engine/interface-table.js';
export { ModuleContext, type StackModule, type ServiceRequirement } from './engine/module.js';
export { followAddresses, type AddressFollower } from './engine/address-follower.js';
export { transmitToLink } from './engine/transmit-to-link.js';
export { allocateOutbound, outboundHeadroom } from './engine/outbound-buffer.js';
export { checkUpperProtocolNumber } from './engine/upper-protocol-number.js';
export { Stack, createStack, type StackOptions, type UnloadResult } from './engine/stack.js';
export * from './engine/core-events.js';
export * from './engine/core-keys.js';

export type * from './contracts/link-driver.js';
export type * from './contracts/link-layer.js';
export type * from './contracts/neighbour.js';
export type * from './contracts/network.js';
export type * from './contracts/transport.js';
export type * from './contracts/address-arbiter.js';
export type * from './contracts/echo.js';
export { RouteFlags, RouteError } from './contracts/route-table.js';
export type { RouteSpec, NextHop, RouteInfo, RouteChangeEvent, RouteTables } from './contracts/route-table.js';
