import type { AddressFamily, TransportErrorReport } from '@stack/core';

/** What the demultiplexer hands datagrams and errors to (a socket). */
export interface EndpointOwner {
  /** A datagram's payload `bytes[offset..offset+length)` from `src:srcPort`; the bytes are the stack's: copy them. */
  deliver(bytes: Uint8Array, offset: number, length: number, src: Uint8Array, srcPort: number, ifindex: number): void;
  /** An ICMP error about a datagram this endpoint sent. */
  icmpError(report: TransportErrorReport): void;
}

/** One bound socket as the demultiplexer sees it (RFC 768 ports; BSD-style wildcard matching). */
export class Endpoint {
  readonly local = new Uint8Array(16);
  localAny = true;
  localPort = 0;
  readonly remote = new Uint8Array(16);
  connected = false;
  remotePort = 0;
  /** FIB the owner sends in, for listings. */
  fib = 0;

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

/**
 * Bound endpoints by family and local port. A lookup scans the few endpoints of one port, prefers
 * the most specific (connected, then bound to the address, then wildcard) and allocates nothing.
 */
export class EndpointTable {
  private readonly byFamily = new Map<AddressFamily, Map<number, Endpoint[]>>();

  private ports(family: AddressFamily): Map<number, Endpoint[]> {
    let m = this.byFamily.get(family);
    if (m === undefined) {
      m = new Map();
      this.byFamily.set(family, m);
    }
    return m;
  }

  /** Whether `ep` (its local address and port set) may bind without conflict. */
  conflicts(ep: Endpoint): boolean {
    const list = this.ports(ep.family).get(ep.localPort);
    if (list === undefined) return false;
    for (const other of list) {
      if (other === ep) continue;
      if (ep.reuseAddr && other.reuseAddr) continue;
      if (ep.localAny || other.localAny || equalBytes(ep.local, other.local, ep.addressLength)) return true;
    }
    return false;
  }

  portInUse(family: AddressFamily, port: number): boolean {
    return this.ports(family).has(port);
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
    const list = this.ports(family).get(dstPort);
    if (list === undefined) return null;
    let best: Endpoint | null = null;
    let bestScore = -1;
    for (let i = 0; i < list.length; i++) {
      const score = matchScore(list[i], dst, src, srcPort);
      if (score > bestScore) {
        best = list[i];
        bestScore = score;
      }
    }
    return best;
  }

  /** Call `fn` for every endpoint matching a broadcast or multicast datagram; returns how many. */
  forEachMatch(family: AddressFamily, dst: Uint8Array, dstPort: number, src: Uint8Array, srcPort: number, fn: (ep: Endpoint) => void): number {
    const list = this.ports(family).get(dstPort);
    if (list === undefined) return 0;
    let n = 0;
    for (let i = 0; i < list.length; i++) {
      if (matchScore(list[i], dst, src, srcPort) < 0) continue;
      fn(list[i]);
      n++;
    }
    return n;
  }

  /** The connected endpoint that sent `local:localPort → remote:remotePort`, for ICMP errors. */
  findConnected(family: AddressFamily, local: Uint8Array, localPort: number, remote: Uint8Array, remotePort: number): Endpoint | null {
    const list = this.ports(family).get(localPort);
    if (list === undefined) return null;
    for (const ep of list) {
      const n = ep.addressLength;
      if (!ep.connected || ep.remotePort !== remotePort || !equalBytes(ep.remote, remote, n)) continue;
      if (ep.localAny || equalBytes(ep.local, local, n)) return ep;
    }
    return null;
  }

  *all(): IterableIterator<Endpoint> {
    for (const ports of this.byFamily.values()) for (const list of ports.values()) yield* list;
  }
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
