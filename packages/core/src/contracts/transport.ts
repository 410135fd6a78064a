/**
 * A transport protocol (UDP, TCP), registered as the {@link TransportService} keyed by name, so
 * that apps and listings can find it. Transports reach the network only through
 * {@link NetworkProtocol}.
 * @public
 */
export interface TransportProtocol {
  /** E.g. `'udp'`. */
  readonly name: string;
  /** Its protocol number in IPv4 and IPv6 headers. */
  readonly protocolNumber: number;
  /** Bound endpoints, for `netstat -a`. */
  listEndpoints(): TransportEndpointInfo[];
}

/** @public */
export interface TransportEndpointInfo {
  readonly protocol: string;
  readonly localAddress: string;
  readonly localPort: number;
  readonly remoteAddress: string | null;
  readonly remotePort: number;
  readonly state: string;
  readonly fib: number;
}
