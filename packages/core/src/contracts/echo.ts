import type { IpAddress } from '../addr/index.js';
import type { Disposer } from '../engine/disposer.js';
import type { SendError } from './network.js';

/**
 * An echo request to send (ICMP echo, RFC 792; ICMPv6 echo, RFC 4443 §4).
 * @public
 */
export interface EchoRequest {
  readonly destination: IpAddress;
  /** Echo identifier (0..65535); see {@link IcmpEcho.allocateIdentifier}. */
  readonly identifier: number;
  /** Echo sequence number (0..65535). */
  readonly sequence: number;
  /** Bytes of echo data (default 56, as `ping` sends); ignored when `data` is given. */
  readonly size?: number;
  /** Echo data to send as is. */
  readonly data?: Uint8Array;
  readonly ttl?: number;
  readonly fib?: number;
  /**
   * Send out this interface: the zone of a link-local or link-scoped multicast destination
   * (`ping fe80::1%em0`, RFC 4007 §6), or SO_BINDTODEVICE. Default: chosen by routing.
   */
  readonly ifindex?: number;
  readonly source?: IpAddress | null;
  /** Set DF: a request above the path MTU fails with `'message-too-long'`. */
  readonly dontFragment?: boolean;
  /** Permit a broadcast destination. */
  readonly broadcast?: boolean;
}

/**
 * A reply to one of our echo requests, or an ICMP error quoting one of them.
 * @public
 */
export type EchoEvent =
  | {
      readonly type: 'reply';
      readonly from: IpAddress;
      readonly identifier: number;
      readonly sequence: number;
      /** Echo data bytes (excluding the 8-byte ICMP header). */
      readonly size: number;
      /** TTL (hop limit) of the reply as received. */
      readonly ttl: number;
      /** Clock time of receipt, in ms. */
      readonly receivedAt: number;
      /** A copy of the echo data. */
      readonly data: Uint8Array;
    }
  | {
      readonly type: 'error';
      /** The router or host that sent the error. */
      readonly from: IpAddress;
      readonly identifier: number;
      readonly sequence: number;
      /** ICMP type and code of the error (e.g. ICMPv4 11/0 time exceeded, 3/1 host unreachable). */
      readonly icmpType: number;
      readonly icmpCode: number;
      readonly receivedAt: number;
    };

/**
 * Sends echo requests and reports the replies and errors for one identifier at a time; the base
 * on which a `ping` command builds its statistics.
 * @public
 */
export interface IcmpEcho {
  /** Send one echo request. Returns null or why it could not be sent. */
  send(request: EchoRequest): SendError | null;
  /** Receive the replies and errors carrying `identifier`; one listener per identifier. */
  listen(identifier: number, listener: (event: EchoEvent) => void): Disposer;
  /** An identifier no listener uses now. */
  allocateIdentifier(): number;
}
