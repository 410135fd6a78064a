// Neighbour discovery, DAD, SLAAC and MLDv2: the public surface of `./nd/`, re-exported by the package index.
export { createNeighbourDiscovery } from './create-neighbour-discovery.js';
export { type NdOptions, type NdConfig, resolveNdOptions } from './nd-options.js';
export type { NdInterfaceOptions, NdInterfaceConfig } from './nd-interface-options.js';
export { NdOptionError } from './nd-option-error.js';
export {
  NdEvents,
  type NdEvent,
  type NdDadConflictEvent,
  type NdAddressReadyEvent,
  type NdAddressLifetimeEvent,
  type NdRouterEvent,
  type NdDefaultRouterEvent,
  type NdPrefixEvent,
  type NdNeighbourUnreachableEvent,
  type NdRedirectEvent,
  type NdInterfaceStateEvent,
} from './nd-events.js';
export { NdControlService, type NdControl, type NdRouterInfo, type NdPrefixInfo, type NdInterfaceInfo } from './nd-control.js';
export { NdResolver } from './neighbours/nd-resolver.js';
export type { NdNeighbourState } from './neighbours/nd-entry.js';
export { ND_ROUTE_SOURCE, ND_REDIRECT_SOURCE } from './routers/route-installer.js';
export * from './wire/index.js';
