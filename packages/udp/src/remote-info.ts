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
  // The source address as four 32-bit words (IPv4: the first), so no byte array is kept per datagram.
  private readonly w0: number;
  private readonly w1: number;
  private readonly w2: number;
  private readonly w3: number;
  private readonly zone: string | null;
  private text: string | null = null;

  /** @internal */
  constructor(family: AddressFamily, address: Uint8Array, port: number, size: number, ifindex: number, zone: string | null = null) {
    this.family = family === 'ipv4' ? 'IPv4' : 'IPv6';
    this.w0 = word(address, 0);
    const v6 = family === 'ipv6';
    this.w1 = v6 ? word(address, 4) : 0;
    this.w2 = v6 ? word(address, 8) : 0;
    this.w3 = v6 ? word(address, 12) : 0;
    this.port = port;
    this.size = size;
    this.ifindex = ifindex;
    this.zone = zone;
  }

  /** Source address text; a link-local IPv6 source carries its zone (`fe80::1%em0`), as in Node. */
  get address(): string {
    if (this.text === null) {
      const v4 = this.family === 'IPv4';
      const bytes = new Uint8Array(v4 ? 4 : 16);
      const words = [this.w0, this.w1, this.w2, this.w3];
      for (let i = 0; i < bytes.length; i++) bytes[i] = words[i >> 2] >>> (24 - 8 * (i & 3));
      const text = ipAddressFromBytes(v4 ? 'ipv4' : 'ipv6', bytes).toString();
      this.text = this.zone === null ? text : `${text}%${this.zone}`;
    }
    return this.text;
  }
}

function word(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}
