import { defineService } from '@stack/core';

/**
 * Opaque handle the `udp` module provides so {@link createSocket} can find its sockets table.
 * @public
 */
export interface UdpSockets {
  readonly name: 'udp';
}

/**
 * The socket layer of the `udp` module (used by {@link createSocket}).
 * @public
 */
export const UdpSocketsService = defineService<UdpSockets>('udp-sockets');
