import { ipAddressFromBytes, type AddressFamily } from '@stack/core';

/**
 * Where a datagram came from (Node's `rinfo`). The address text is formatted on first read.
 * @public
 */
export class RemoteInfo {
  /** `'IPv4'` or `'IPv6'`, as Node reports it. */
  readonly family: 'IPv4' | 'IPv6';
  readonly port: number;
  /** Payload bytes. */
  readonly size: number;
  /** Index of the interface it arrived on. */
  readonly ifindex: number;
  private readonly bytes: Uint8Array;
  private readonly zone: string | null;
  private text: string | null = null;

  /** @internal */
  constructor(family: AddressFamily, address: Uint8Array, port: number, size: number, ifindex: number, zone: string | null = null) {
    this.family = family === 'ipv4' ? 'IPv4' : 'IPv6';
    this.bytes = address.slice(0, family === 'ipv4' ? 4 : 16);
    this.port = port;
    this.size = size;
    this.ifindex = ifindex;
    this.zone = zone;
  }

  /** Source address text; a link-local IPv6 source carries its zone (`fe80::1%em0`), as in Node. */
  get address(): string {
    if (this.text === null) {
      const text = ipAddressFromBytes(this.family === 'IPv4' ? 'ipv4' : 'ipv6', this.bytes).toString();
      this.text = this.zone === null ? text : `${text}%${this.zone}`;
    }
    return this.text;
  }
}
