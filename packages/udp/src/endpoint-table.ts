import type { AddressFamily, TransportErrorReport } from '@stack/core';

/** What the demultiplexer hands datagrams and errors to (a socket). */
export interface EndpointOwner {
  /**
   * A datagram's payload `bytes[offset..offset+length)` from `src:srcPort`, received over `family`
   * (an IPv4 datagram reaches a dual-stack IPv6 socket, whose `src` is then 4 bytes); the bytes are
   * the stack's: copy them.
   */
  deliver(bytes: Uint8Array, offset: number, length: number, family: AddressFamily, src: Uint8Array, srcPort: number, ifindex: number): void;
  /** An ICMP error about a datagram this endpoint sent. */
  icmpError(report: TransportErrorReport): void;
}

/** One bound socket as the demultiplexer sees it (RFC 768 ports; BSD-style wildcard matching). */
export class Endpoint {
  /** Local address (16 bytes; IPv4 uses the first 4; a dual-stack IPv6 endpoint holds an IPv4-mapped one). */
  readonly local = new Uint8Array(16);
  localAny = true;
  localPort = 0;
  readonly remote = new Uint8Array(16);
  connected = false;
  remotePort = 0;
  /** FIB the owner sends in, for listings. */
  fib = 0;
  /**
   * An IPv6 endpoint that also takes IPv4 datagrams, seen as IPv4-mapped addresses (RFC 4038 §4.2,
   * IPV6_V6ONLY off as in Node): unbound, or bound to an IPv4-mapped address.
   */
  dualStack = false;

  constructor(
    readonly family: AddressFamily,
    readonly reuseAddr: boolean,
    readonly owner: EndpointOwner,
  ) {}

  get addressLength(): number {
    return this.family === 'ipv4' ? 4 : 16;
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Writes ::ffff:a.b.c.d for the IPv4 address `v4[0..4)` into `out` (whose first 12 bytes are preset). */
function mapInto(out: Uint8Array, v4: Uint8Array): Uint8Array {
  out[12] = v4[0];
  out[13] = v4[1];
  out[14] = v4[2];
  out[15] = v4[3];
  return out;
}

function mappedScratch(): Uint8Array {
  const b = new Uint8Array(16);
  b[10] = 0xff;
  b[11] = 0xff;
  return b;
}

/**
 * Bound endpoints by family and local port. A lookup scans the few endpoints of one port, prefers
 * the most specific (connected, then bound to the address, then wildcard; a socket of the
 * datagram's own family before a dual-stack one) and allocates nothing.
 */
export class EndpointTable {
  private readonly byFamily = new Map<AddressFamily, Map<number, Endpoint[]>>();
  private readonly mappedDst = mappedScratch();
  private readonly mappedSrc = mappedScratch();
  private readonly mappedOther = mappedScratch();

  private ports(family: AddressFamily): Map<number, Endpoint[]> {
    let m = this.byFamily.get(family);
    if (m === undefined) {
      m = new Map();
      this.byFamily.set(family, m);
    }
    return m;
  }

  /** Whether `ep` (its local address and port set) may not bind because another endpoint holds it. */
  conflicts(ep: Endpoint): boolean {
    const list = this.ports(ep.family).get(ep.localPort);
    if (list !== undefined) {
      for (const other of list) {
        if (other === ep || (ep.reuseAddr && other.reuseAddr)) continue;
        if (ep.localAny || other.localAny || equalBytes(ep.local, other.local, ep.addressLength)) return true;
      }
    }
    // Dual-stack endpoints share the IPv4 port space.
    if (ep.family === 'ipv4') return this.crossConflict(ep, this.ports('ipv6').get(ep.localPort), ep);
    if (ep.dualStack) {
      const v4 = this.ports('ipv4').get(ep.localPort);
      if (v4 !== undefined) for (const other of v4) if (this.crossConflict(other, [ep], other)) return true;
    }
    return false;
  }

  /** Whether the IPv4 endpoint `v4` and any dual-stack endpoint of `dual` claim the same address. */
  private crossConflict(v4: Endpoint, dual: Endpoint[] | undefined, subject: Endpoint): boolean {
    if (dual === undefined) return false;
    for (const other of dual) {
      if (!other.dualStack || other === subject || (v4.reuseAddr && other.reuseAddr)) continue;
      if (v4.localAny || other.localAny || equalBytes(mapInto(this.mappedOther, v4.local), other.local, 16)) return true;
    }
    return false;
  }

  /** Whether any endpoint of either family holds `port` (ephemeral ports are picked free in both). */
  portInUse(_family: AddressFamily, port: number): boolean {
    return this.ports('ipv4').has(port) || this.ports('ipv6').has(port);
  }

  add(ep: Endpoint): void {
    const ports = this.ports(ep.family);
    const list = ports.get(ep.localPort);
    if (list === undefined) ports.set(ep.localPort, [ep]);
    else list.push(ep);
  }

  remove(ep: Endpoint): void {
    const ports = this.ports(ep.family);
    const list = ports.get(ep.localPort);
    if (list === undefined) return;
    const i = list.indexOf(ep);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) ports.delete(ep.localPort);
  }

  /** The best endpoint for a unicast datagram, or null. */
  lookup(family: AddressFamily, dst: Uint8Array, dstPort: number, src: Uint8Array, srcPort: number): Endpoint | null {
    let best: Endpoint | null = null;
    let bestScore = -1;
    const list = this.ports(family).get(dstPort);
    if (list !== undefined) {
      for (let i = 0; i < list.length; i++) {
        const score = matchScore(list[i], dst, src, srcPort);
        if (score >= 0 && 2 * score + 1 > bestScore) {
          best = list[i];
          bestScore = 2 * score + 1;
        }
      }
    }
    if (family !== 'ipv4') return best;
    const dual = this.ports('ipv6').get(dstPort);
    if (dual === undefined) return best;
    const mdst = mapInto(this.mappedDst, dst);
    const msrc = mapInto(this.mappedSrc, src);
    for (let i = 0; i < dual.length; i++) {
      if (!dual[i].dualStack) continue;
      const score = matchScore(dual[i], mdst, msrc, srcPort);
      if (score >= 0 && 2 * score > bestScore) {
        best = dual[i];
        bestScore = 2 * score;
      }
    }
    return best;
  }

  /** Call `fn` for every endpoint matching a broadcast or multicast datagram; returns how many. */
  forEachMatch(family: AddressFamily, dst: Uint8Array, dstPort: number, src: Uint8Array, srcPort: number, fn: (ep: Endpoint) => void): number {
    let n = 0;
    const list = this.ports(family).get(dstPort);
    if (list !== undefined) {
      for (let i = 0; i < list.length; i++) {
        if (matchScore(list[i], dst, src, srcPort) < 0) continue;
        fn(list[i]);
        n++;
      }
    }
    if (family !== 'ipv4') return n;
    const dual = this.ports('ipv6').get(dstPort);
    if (dual === undefined) return n;
    const mdst = mapInto(this.mappedDst, dst);
    const msrc = mapInto(this.mappedSrc, src);
    for (let i = 0; i < dual.length; i++) {
      if (!dual[i].dualStack || matchScore(dual[i], mdst, msrc, srcPort) < 0) continue;
      fn(dual[i]);
      n++;
    }
    return n;
  }

  /** The connected endpoint that sent `local:localPort → remote:remotePort`, for ICMP errors. */
  findConnected(family: AddressFamily, local: Uint8Array, localPort: number, remote: Uint8Array, remotePort: number): Endpoint | null {
    const list = this.ports(family).get(localPort);
    if (list !== undefined) {
      for (const ep of list) if (connectedMatch(ep, local, remote, remotePort, ep.addressLength)) return ep;
    }
    if (family !== 'ipv4') return null;
    const dual = this.ports('ipv6').get(localPort);
    if (dual === undefined) return null;
    const mlocal = mapInto(this.mappedDst, local);
    const mremote = mapInto(this.mappedSrc, remote);
    for (const ep of dual) if (ep.dualStack && connectedMatch(ep, mlocal, mremote, remotePort, 16)) return ep;
    return null;
  }

  *all(): IterableIterator<Endpoint> {
    for (const ports of this.byFamily.values()) for (const list of ports.values()) yield* list;
  }
}

function connectedMatch(ep: Endpoint, local: Uint8Array, remote: Uint8Array, remotePort: number, n: number): boolean {
  if (!ep.connected || ep.remotePort !== remotePort || !equalBytes(ep.remote, remote, n)) return false;
  return ep.localAny || equalBytes(ep.local, local, n);
}

/** -1 when `ep` does not match; otherwise higher is more specific. */
function matchScore(ep: Endpoint, dst: Uint8Array, src: Uint8Array, srcPort: number): number {
  const n = ep.addressLength;
  let score = 0;
  if (!ep.localAny) {
    if (!equalBytes(ep.local, dst, n)) return -1;
    score += 1;
  }
  if (ep.connected) {
    if (ep.remotePort !== srcPort || !equalBytes(ep.remote, src, n)) return -1;
    score += 2;
  }
  return score;
}
