import { defineHookPoint, defineService, type PacketBuffer } from '@stack/core';
import type { Ipv6Control } from './control-types.js';

/**
 * Runs on every IPv6 packet received on an interface, after validation of the fixed header and
 * before Hop-by-Hop processing and the local-or-forward decision (DESIGN.md §5). The argument
 * starts at the IPv6 header.
 * @public
 */
export const Ipv6InputHook = defineHookPoint<PacketBuffer>('ipv6', 'input');

/**
 * Runs on every IPv6 packet about to leave through a link (originated, forwarded, or sent for
 * neighbour discovery), with its headers complete, before fragmentation. The argument starts at
 * the IPv6 header.
 * @public
 */
export const Ipv6OutputHook = defineHookPoint<PacketBuffer>('ipv6', 'output');

/**
 * Runs before the route lookup of every sent or forwarded packet; a hook may set `buf.fib` to
 * choose the forwarding table for that packet (policy routing, DESIGN.md §6).
 * @public
 */
export const Ipv6RouteHook = defineHookPoint<PacketBuffer>('ipv6', 'route');

/**
 * Run-time control of the `ipv6` module: forwarding switch, reassembly usage, path MTU cache.
 * @public
 */
export const Ipv6ControlService = defineService<Ipv6Control>('ipv6-control');
