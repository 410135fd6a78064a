import { defineHookPoint, defineService, type PacketBuffer } from '@stack/core';
import type { Ipv4Control } from './control-types.js';

/**
 * Runs on every IPv4 packet received on an interface, after header validation and before the
 * local-or-forward decision (DESIGN.md §5). The argument starts at the IPv4 header.
 * @public
 */
export const Ipv4InputHook = defineHookPoint<PacketBuffer>('ipv4', 'input');

/**
 * Runs on every IPv4 packet about to leave through a link (sent or forwarded), with its header
 * complete, before fragmentation. The argument starts at the IPv4 header.
 * @public
 */
export const Ipv4OutputHook = defineHookPoint<PacketBuffer>('ipv4', 'output');

/**
 * Runs before the route lookup of every sent or forwarded packet; a hook may set `buf.fib` to
 * choose the forwarding table for that packet (policy routing, DESIGN.md §6).
 * @public
 */
export const Ipv4RouteHook = defineHookPoint<PacketBuffer>('ipv4', 'route');

/**
 * Run-time control of the `ipv4` module (forwarding switch, reassembly usage).
 * @public
 */
export const Ipv4ControlService = defineService<Ipv4Control>('ipv4-control');
