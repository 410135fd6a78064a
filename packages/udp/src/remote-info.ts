import { ipAddressFromBytes, Ipv4Address, Ipv6Address, type AddressFamily, type IpAddress } from '@stack/core';

/**
 * Where a datagram came from (Node's `rinfo`). The address text is formatted on first read; to
 * answer the sender, pass the object itself to {@link UdpSocket.sendToRemote}, which needs no text.
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

  /**
   * @internal The interface a reply must leave through: the arrival interface for a link-local
   * IPv6 source (its zone, RFC 4007 §6), else 0 (routed).
   */
  get replyIfindex(): number {
    // fe80::/10
    return this.family === 'IPv6' && this.w0 >>> 22 === 0x3fa ? this.ifindex : 0;
  }

  /** @internal Whether the source is the IPv4-mapped address of an IPv4 datagram (dual-stack sockets). */
  get isIpv4Mapped(): boolean {
    return this.family === 'IPv6' && this.w0 === 0 && this.w1 === 0 && this.w2 === 0xffff;
  }

  /** @internal A small hash of the source address, for a sender's cache of reply destinations. */
  get addressHash(): number {
    const h = Math.imul(this.w0 ^ this.w1 ^ this.w2 ^ this.w3, 0x9e3779b1);
    return h >>> 24;
  }

  /**
   * @internal Whether `address` is this source: the same IPv6 address, the same IPv4 address, or,
   * for an IPv4-mapped source, its IPv4 address.
   */
  isAddress(address: IpAddress): boolean {
    if (address.family === 'ipv4') return this.family === 'IPv4' ? address.value === this.w0 : this.isIpv4Mapped && address.value === this.w3;
    return this.family === 'IPv6' && address.w0 === this.w0 && address.w1 === this.w1 && address.w2 === this.w2 && address.w3 === this.w3;
  }

  /** @internal The source as an address object (allocates); an IPv4-mapped one as IPv4 when `unmap`. */
  toIpAddress(unmap: boolean): IpAddress {
    if (this.family === 'IPv4') return new Ipv4Address(this.w0);
    if (unmap && this.isIpv4Mapped) return new Ipv4Address(this.w3);
    return Ipv6Address.fromWords(this.w0, this.w1, this.w2, this.w3);
  }
}

function word(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}
