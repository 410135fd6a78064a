import { describe, expect, it } from 'vitest';
import { Ipv4Address, Ipv6Address, RouteTablesService, type TransportErrorReport } from '@stack/core';
import type { Ipv6ModuleOptions } from '../src/index.js';
import { Ipv6PacketView } from '../src/index.js';
import { icmpv6, ipv6Packet, udp } from './helpers/packets.js';
import { ME, PEER, single as bare, type Single } from './helpers/single.js';

const addr = (t: string) => Ipv6Address.parse(t);
const ROUTER = '2001:db8::fe';
const FAR = '2001:db8:5::1';

/** One stack with a default route through the router. */
function single(options?: Ipv6ModuleOptions): Single {
  const s = bare(options);
  s.stack.services.get(RouteTablesService).add(0, { prefix: addr('::'), prefixLength: 0, gateway: addr(ROUTER), ifindex: s.ifp.index });
  return s;
}

/** A packet too big from the router, quoting the last packet we sent. */
function packetTooBig(s: Single, mtu: number, quoted?: Uint8Array): void {
  const q = quoted ?? s.wire.take().pop()!;
  s.wire.inject([ipv6Packet({ src: ROUTER, dst: ME, nextHeader: 58, payload: icmpv6(ROUTER, ME, { kind: 'packet-too-big', mtu, quoted: q.subarray(0, 1232) }) })]);
}

/** Sizes of the packets an echo of `size` bytes to `dst` leaves as. */
function sizes(s: Single, dst: string, size = 1400): number[] {
  s.echo.send({ destination: addr(dst), identifier: 1, sequence: 1, size });
  return s.wire.take().map((p) => p.length);
}

describe('path MTU (RFC 8201)', () => {
  it('lowers the path MTU of one destination from a packet too big message, and fragments to it', () => {
    const s = single();
    s.echo.send({ destination: addr(FAR), identifier: 1, sequence: 1, size: 1400 });
    packetTooBig(s, 1300);
    expect(s.control.pathMtus()).toEqual([{ destination: FAR, mtu: 1300, expiresIn: 600_000 }]);
    expect(sizes(s, FAR)).toEqual([1296, 208]);
    expect(sizes(s, PEER)).toEqual([1448]); // other destinations keep the link MTU
    expect(s.counter('ipv6.pmtu.updates')).toBe(1);
  });

  it('never goes below 1280 and never increases through a message', () => {
    const s = single();
    s.echo.send({ destination: addr(FAR), identifier: 1, sequence: 1, size: 1400 });
    const sent = s.wire.take()[0];
    packetTooBig(s, 600, sent);
    expect(s.control.pathMtus()[0].mtu).toBe(1280);
    packetTooBig(s, 1400, sent);
    expect(s.control.pathMtus()[0].mtu).toBe(1280);
    expect(s.counter('ipv6.pmtu.ignored')).toBe(1);
    packetTooBig(s, 9000, sent);
    expect(s.control.pathMtus()[0].mtu).toBe(1280);
  });

  it('ages an estimate out, after which the link MTU is tried again', () => {
    const s = single({ pathMtu: { timeoutMs: 300_000 } });
    s.echo.send({ destination: addr(FAR), identifier: 1, sequence: 1, size: 1400 });
    packetTooBig(s, 1280);
    s.clock.advance(299_999);
    expect(sizes(s, FAR)[0]).toBe(1280);
    s.clock.advance(1);
    expect(sizes(s, FAR)).toEqual([1448]);
    expect(s.control.pathMtus()).toEqual([]);
  });

  it('ignores a packet too big quoting a packet we did not send', () => {
    const s = single();
    const forged = ipv6Packet({ src: '2001:db8::66', dst: FAR, nextHeader: 17, payload: new Uint8Array(1300) });
    packetTooBig(s, 1280, forged);
    expect(s.control.pathMtus()).toEqual([]);
  });

  it("makes a don't-fragment send fail with 'message-too-long' above the learnt MTU", () => {
    const s = single();
    s.echo.send({ destination: addr(FAR), identifier: 1, sequence: 1, size: 1400 });
    packetTooBig(s, 1280);
    expect(s.echo.send({ destination: addr(FAR), identifier: 1, sequence: 2, size: 1233, dontFragment: true })).toBe('message-too-long');
    expect(s.echo.send({ destination: addr(FAR), identifier: 1, sequence: 2, size: 1232, dontFragment: true })).toBeNull();
    s.control.flushPathMtus();
    expect(s.echo.send({ destination: addr(FAR), identifier: 1, sequence: 2, size: 1400, dontFragment: true })).toBeNull();
  });

  it('answers pathMtu(): the route or link MTU, lowered by a learnt one; 0 without a route', () => {
    const s = single();
    const routes = s.stack.services.get(RouteTablesService);
    routes.add(0, { prefix: addr('2001:db8:7::'), prefixLength: 48, gateway: addr(ROUTER), ifindex: s.ifp.index, mtu: 1400 });
    expect(s.net.pathMtu(addr(FAR))).toBe(1500);
    expect(s.net.pathMtu(addr(PEER))).toBe(1500);
    expect(s.net.pathMtu(addr('2001:db8:7::1'))).toBe(1400);
    expect(s.net.pathMtu(addr('fe80::2'), s.ifp.index)).toBe(1500);
    expect(s.net.pathMtu(addr(ME))).toBe(s.stack.loopback.mtu);
    expect(s.net.pathMtu(addr(FAR), 0, 5)).toBe(0); // an empty FIB
    expect(s.net.pathMtu(Ipv4Address.parse('192.0.2.1'))).toBe(0);
    s.echo.send({ destination: addr(FAR), identifier: 1, sequence: 1, size: 1400 });
    packetTooBig(s, 1300);
    expect(s.net.pathMtu(addr(FAR))).toBe(1300);
    expect(s.net.pathMtu(addr(PEER))).toBe(1500);
    routes.remove(0, addr('::'), 0);
    expect(s.net.pathMtu(addr(FAR))).toBe(0);
  });

  it('tells the transport that sent the quoted packet, with the new MTU', () => {
    const s = single();
    const reports: TransportErrorReport[] = [];
    s.net.registerUpper(17, { input: (b) => (b.release(), true), error: (r) => reports.push(r) }, 'test');
    const datagram = ipv6Packet({ src: ME, dst: FAR, nextHeader: 17, payload: udp(ME, FAR, 1234, 53, new Uint8Array(1400)) });
    packetTooBig(s, 1400, datagram);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ family: 'ipv6', kind: 'packet-too-big', type: 2, code: 0, mtu: 1400 });
    expect([reports[0].source.toString(), reports[0].destination.toString()]).toEqual([ME, FAR]);
    expect(reports[0].quoted.subarray(0, 4)).toEqual(Uint8Array.from([0x04, 0xd2, 0, 53]));
    expect(new Ipv6PacketView(datagram).check()).toBeNull();
  });
});
