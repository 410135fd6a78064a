/**
 * @stack/ipv6-nd: IPv6 and ICMPv6 (RFC 8200, RFC 4443) with neighbour discovery, DAD, SLAAC and
 * MLDv2 (RFC 4861, RFC 4862, RFC 3810): input validation and the extension header chain, local
 * delivery, source selection (RFC 6724), fragmentation and bounded reassembly, the path MTU cache
 * (RFC 8201), forwarding, rate-limited ICMPv6 errors, and echo (ping). Plus the wire formats.
 * @packageDocumentation
 */
export * from './wire/index.js';
export * from './nd/index.js';
export { ipv6Module } from './ipv6-module.js';
export type {
  Ipv6ModuleOptions,
  Ipv6ReassemblyOptions,
  Ipv6ExtensionHeaderOptions,
  Icmpv6RateLimitOptions,
  PathMtuOptions,
} from './module-options.js';
export { Ipv6InputHook, Ipv6OutputHook, Ipv6RouteHook, Ipv6ControlService } from './keys.js';
export type { Ipv6Control, Ipv6ReassemblyUsage, PathMtuInfo } from './control-types.js';
