/**
 * @stack/ipv4: IPv4 and ICMPv4 (RFC 791, RFC 792, RFC 1122, RFC 1812): input validation, local
 * delivery, source selection, fragmentation and bounded reassembly, path MTU discovery
 * (RFC 1191), forwarding, ICMP errors with a rate limit, and echo (ping). Plus the wire formats (`./wire`).
 * @packageDocumentation
 */
export * from './wire/index.js';
export { ipv4Module } from './ipv4-module.js';
export type { Ipv4ModuleOptions, ReassemblyOptions, IcmpRateLimitOptions, PathMtuOptions } from './options.js';
export { Ipv4InputHook, Ipv4OutputHook, Ipv4RouteHook, Ipv4ControlService } from './keys.js';
export type { Ipv4Control, ReassemblyUsage } from './control-types.js';
export type { IgmpOptions, IgmpInterfaceState, Ipv4GroupMembership, Ipv4MulticastInterface } from './igmp/index.js';
