import { describe, expect, it } from 'vitest';
import { Ipv6Address, type PacketBuffer } from '@stack/core';
import { icmpv6PseudoHeaderSum, Icmpv6PacketView, Ipv6OptionCursor, Ipv6OutputHook, Ipv6PacketView, parseIcmpv6 } from '../src/index.js';
import { icmpv6, ipv6Packet, udp } from './helpers/packets.js';
import { ME_LL, PEER, PEER_LL, single } from './helpers/single.js';

const bytes = (t: string) => Ipv6Address.parse(t).bytes as Uint8Array;

describe('the IPv6 side of the ND seam (NdHost)', () => {
  it('sends an ND message from the unspecified address with hop limit 255 and a valid checksum', () => {
    const s = single();
    const buf = s.nd.host.allocateIcmp(s.ifp, new Uint8Array(16), bytes('ff02::1:ff00:1'), 24, 255, false) as PacketBuffer;
    expect(typeof buf).not.toBe('string');
    expect([buf.length, buf.src.every((b) => b === 0)]).toEqual([24, true]);
    buf.data.fill(0, buf.start, buf.end);
    buf.data[buf.start] = 135;
    s.nd.host.sendIcmp(s.ifp, buf);
    const [p] = s.wire.take();
    const v = new Ipv6PacketView(p);
    expect([v.check(), v.nextHeader, v.hopLimit, v.payloadLength, v.src.toString(), v.dst.toString()]).toEqual([null, 58, 255, 24, '::', 'ff02::1:ff00:1']);
    expect(new Icmpv6PacketView(p, 40, 24).check(icmpv6PseudoHeaderSum(p, 8, p, 24, 24))).toBeNull();
    expect(s.counter('icmp6.out.nd')).toBe(1);
  });

  it('puts a Hop-by-Hop Router Alert (MLD, RFC 3810 §5) in front when asked, through the output hooks', () => {
    const s = single();
    const seen: number[] = [];
    s.stack.hooks.register(Ipv6OutputHook, { id: 'seen', fn: (b) => (seen.push(b.length), 0) }, 'test');
    const buf = s.nd.host.allocateIcmp(s.ifp, bytes(ME_LL), bytes('ff02::16'), 28, 1, true) as PacketBuffer;
    buf.data.fill(0, buf.start, buf.end);
    buf.data[buf.start] = 143;
    s.nd.host.sendIcmp(s.ifp, buf);
    const [p] = s.wire.take();
    const v = new Ipv6PacketView(p);
    expect([v.nextHeader, v.hopLimit, v.payloadLength, p[40], p[41]]).toEqual([0, 1, 36, 58, 0]);
    const c = new Ipv6OptionCursor().reset(p, 42, 6);
    const options: number[][] = [];
    while (c.next()) options.push([c.type, c.dataLength]);
    expect(options).toEqual([
      [5, 2],
      [1, 0],
    ]);
    expect(new Icmpv6PacketView(p, 48, 28).check(icmpv6PseudoHeaderSum(p, 8, p, 24, 28))).toBeNull();
    expect(seen).toEqual([76]);
  });

  it('refuses to allocate on an interface that is not running', () => {
    const s = single();
    s.ifp.setUp(false);
    expect(s.nd.host.allocateIcmp(s.ifp, bytes(ME_LL), bytes('ff02::2'), 16, 255, false)).toBe('interface-down');
  });

  it('hands ND and MLD messages to ND with their hop limit and Router Alert, after the checksum', () => {
    const s = single();
    const ns = icmpv6(PEER_LL, ME_LL, { kind: 'other', type: 135, code: 0, restOfHeader: 0, data: bytes(ME_LL) });
    s.wire.inject([ipv6Packet({ src: PEER_LL, dst: ME_LL, nextHeader: 58, hopLimit: 255, payload: ns })]);
    const query = icmpv6(PEER_LL, 'ff02::1', { kind: 'other', type: 130, code: 0, restOfHeader: 0, data: new Uint8Array(20) });
    s.wire.inject([ipv6Packet({ src: PEER_LL, dst: 'ff02::1', nextHeader: 58, hopLimit: 1, payload: query, ext: [{ kind: 'hop-by-hop', options: [{ type: 5, data: new Uint8Array(2) }] }] })]);
    const broken = ns.slice();
    broken[9] ^= 1;
    s.wire.inject([ipv6Packet({ src: PEER_LL, dst: ME_LL, nextHeader: 58, hopLimit: 255, payload: broken })]);
    expect(s.nd.received).toEqual([
      [135, 255, false],
      [130, 1, true],
    ]);
    expect([s.counter('icmp6.in.nd'), s.counter('icmp6.in.bad-checksum')]).toEqual([2, 1]);
  });

  it('answers a packet whose neighbour could not be resolved with address unreachable (RFC 4861 §7.2.2)', () => {
    const s = single();
    const stuck = ipv6Packet({ src: PEER, dst: '2001:db8::33', nextHeader: 17, payload: udp(PEER, '2001:db8::33', 1, 2, new Uint8Array(4)) });
    const buf = s.stack.pool.alloc(stuck.length, 64);
    buf.copyFrom(stuck);
    buf.ifindex = s.ifp.index;
    s.nd.host.sendAddressUnreachable(buf);
    buf.release();
    const [p] = s.wire.take();
    expect(new Ipv6PacketView(p).dst.toString()).toBe(PEER);
    expect(parseIcmpv6(p, 40, p.length - 40)).toMatchObject({ kind: 'destination-unreachable', code: 3, quoted: stuck });
  });
});
