import { ipv4FromBytes, type PathMtuCache, type Stack } from '@stack/core';
import type { Ipv4Counters } from './ipv4-counters.js';
import type { LocalAddresses } from './local-addresses.js';
import type { Ipv4Output } from './output.js';
import { ResolvedRoute, type RouteResolver } from './route-resolver.js';

/** RFC 791 §3.2 / RFC 1191 §3: every IPv4 module passes a 68-byte datagram unfragmented; no path is narrower. */
export const IPV4_MIN_MTU = 68;

/**
 * Default floor of a learnt path MTU. A reported next-hop MTU between 68 and this is raised to it.
 *
 * Why a floor at all: anyone who can get an ICMP message to us (it need only quote a plausible
 * datagram) could otherwise drive the estimate to 68 bytes and make every later segment tiny
 * (the performance-degrading attack of RFC 5927). Why Linux's 552 (`min_pmtu`) rather than
 * FreeBSD's 296-byte threshold: 552 keeps a TCP MSS of at least 512 (552 − 40), so a forged report
 * shrinks segments on a 1500-byte path about threefold at most, not sixfold; IPv4 links narrower
 * than 576 bytes have all but disappeared; and a lower floor stays one option away
 * (`pathMtu.minMtu`, down to 68) for a network that really has one. The cost: on a path narrower
 * than the floor, datagrams sent with DF at the floor size are still too big; a sender (TCP) that
 * sees `pathMtu()` at the floor should send without DF and let routers fragment, as Linux does
 * with a locked MTU.
 */
export const DEFAULT_PMTU_FLOOR = 552;

/** RFC 1191 §7 table 7-1: the plateaus of common MTUs, largest first. */
const PLATEAUS: readonly number[] = Object.freeze([65535, 32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68]);

/**
 * RFC 1191 §5 for a router that reports a next-hop MTU of 0 (pre-RFC 1191): guess the largest
 * plateau of §7 below the quoted datagram's total length (68 at least).
 */
export function plateauBelow(totalLength: number): number {
  for (let i = 0; i < PLATEAUS.length; i++) if (PLATEAUS[i] < totalLength) return PLATEAUS[i];
  return IPV4_MIN_MTU;
}

/**
 * Path MTU discovery for IPv4 (RFC 1191): learns from ICMP "fragmentation needed and DF set"
 * (type 3 code 4) into the per-stack {@link PathMtuCache} that {@link Ipv4Output} consults for
 * datagrams it originates. Counts every report in `ipv4.pmtu.updates` or `ipv4.pmtu.ignored`.
 */
export class Ipv4PathMtuDiscovery {
  private readonly route = new ResolvedRoute();

  constructor(
    private readonly stack: Stack,
    private readonly cache: PathMtuCache,
    private readonly output: Ipv4Output,
    private readonly resolver: RouteResolver,
    private readonly locals: LocalAddresses,
    private readonly counters: Ipv4Counters,
  ) {}

  /**
   * A fragmentation-needed message arrived (in FIB `fib`) reporting `nextHopMtu` and quoting the
   * datagram whose header is at `b[q..)` and whose quoted bytes end at `end` (header + 8 at
   * least, checked by the caller). Lowers the path MTU towards the quoted destination when the
   * report is valid and lowers the estimate. Allocates nothing.
   */
  report(b: Uint8Array, q: number, end: number, fib: number, nextHopMtu: number): void {
    const c = this.counters.pmtu;
    // The quoted datagram must be one we sent (RFC 5927: check the ICMP payload): its source is ours.
    if (this.locals.active(ipv4FromBytes(b, q + 12)) === null) return c.ignored.inc();
    let mtu = nextHopMtu;
    if (mtu === 0) {
      // RFC 1191 §5: a router that predates RFC 1191 leaves the field 0; estimate from the plateaus.
      mtu = plateauBelow((b[q + 2] << 8) | b[q + 3]);
      c.plateau.inc();
    } else if (mtu < IPV4_MIN_MTU) {
      // RFC 791 §3.2: no link carries less than 68 bytes; such a report is bogus.
      return c.ignored.inc();
    }
    // The quoted destination must be routable (not ours): the ECMP member the datagram took (its
    // flow hash) gives the MTU it left with.
    const rr = this.route;
    const dst = ipv4FromBytes(b, q + 16);
    if (this.resolver.resolve(fib, dst, 0, this.resolver.datagramHash(b, q, end), rr) !== null || rr.ifp === this.stack.loopback) {
      return c.ignored.inc();
    }
    // RFC 1191 §3: a report never raises the estimate (only the §6.3 timeout does), nor sets it below 68.
    if (this.cache.update(b, q + 16, mtu, this.output.pathMtu(b, q + 16, rr.mtu))) c.updates.inc();
    else c.ignored.inc();
  }
}
