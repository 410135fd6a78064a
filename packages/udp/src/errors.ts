import type { SendError } from '@stack/core';

/**
 * Error codes of {@link UdpSocketError}, named as Node's `dgram` and POSIX name them.
 * @public
 */
export type UdpErrorCode =
  | 'EADDRINUSE'
  | 'EADDRNOTAVAIL'
  | 'ECONNREFUSED'
  | 'EHOSTUNREACH'
  | 'ENETUNREACH'
  | 'EMSGSIZE'
  | 'ETIMEDOUT'
  | 'EPROTO'
  | 'ERR_SOCKET_DGRAM_NOT_CONNECTED'
  | 'ERR_SOCKET_DGRAM_IS_CONNECTED'
  | 'ERR_SOCKET_DGRAM_NOT_RUNNING'
  | 'ERR_SOCKET_ALREADY_BOUND'
  | 'ERR_SOCKET_BAD_PORT';

/**
 * An error of a UDP socket: thrown by `bind`/`connect`/`address` for mistakes and conflicts, and
 * emitted as `'error'` on a connected socket when an ICMP error comes back for it.
 * @public
 */
export class UdpSocketError extends Error {
  readonly code: UdpErrorCode;
  constructor(code: UdpErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'UdpSocketError';
    this.code = code;
  }
}

/**
 * Why a datagram was not sent: a network-layer {@link @stack/core#SendError}, a socket state, or
 * (`'bad-port'`) a sender to answer whose source port is 0, which means "no reply" (RFC 768).
 * @public
 */
export type UdpSendError = SendError | 'socket-closed' | 'not-connected' | 'already-connected' | 'no-network-protocol' | 'bad-port';
