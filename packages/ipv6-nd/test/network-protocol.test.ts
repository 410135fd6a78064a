import { describe, expect, it } from 'vitest';
import { AddressFlags, Ipv4Address, Ipv6Address, pseudoHeaderSum6, type PacketBuffer } from '@stack/core';
import { Ipv6PacketView, parseIcmpv6 } from '../src/index.js';
import { ipv6Packet, udp } from './helpers/packets.js';
import { ME, ME_LL, PEER, PEER_LL, single } from './helpers/single.js';

const addr = (t: string) => Ipv6Address.parse(t);

describe('NetworkProtocol for family ipv6', () => {
  it('allocates with headroom, src/dst set, and sends with the given protocol, hop limit and traffic class', () => {
    const s = single();
    const req = { destination: addr(PEER), protocol: 253, ttl: 9, tos: 0xb8 };
    const buf = s.net.allocate(req, 10) as PacketBuffer;
    expect(typeof buf).toBe('object');
    expect([buf.length, buf.headroom >= 40 + 3, buf.family]).toEqual([10, true, 'ipv6']);
    expect(new Ipv6Address(buf.src).toString()).toBe(ME);
    expect(s.net.pseudoHeaderSum(buf, 253, 10)).toBe(pseudoHeaderSum6(buf.src, 0, buf.dst, 0, 253, 10));
    buf.data.fill(7, buf.start, buf.end);
    expect(s.net.send(buf, req)).toBeNull();
    const [p] = s.wire.take();
    const v = new Ipv6PacketView(p);
    expect([v.nextHeader, v.hopLimit, v.trafficClass, v.payloadLength, v.dst.toString()]).toEqual([253, 9, 0xb8, 10, PEER]);
  });

  it('gives the same flow label to the packets of one flow (RFC 6437)', () => {
    const s = single();
    const send = (port: number) => {
      const b = s.net.allocate({ destination: addr(PEER), protocol: 17 }, 8) as PacketBuffer;
      b.data.set([0, 1, port >> 8, port & 0xff, 0, 8, 0, 0], b.start);
      s.net.send(b, { destination: addr(PEER), protocol: 17 });
      return new Ipv6PacketView(s.wire.take()[0]).flowLabel;
    };
    expect(send(53)).toBe(send(53));
    expect(send(53)).not.toBe(send(54));
  });

  it('refuses another family, sources that are not ours or not of the outgoing link, and a too long payload', () => {
    const s = single();
    expect(s.net.allocate({ destination: Ipv4Address.parse('192.0.2.1'), protocol: 17 }, 8)).toBe('no-route');
    expect(s.net.allocate({ destination: addr(PEER), source: Ipv4Address.parse('192.0.2.1'), protocol: 17 }, 8)).toBe('address-not-available');
    expect(s.net.allocate({ destination: addr(PEER), source: addr('2001:db8::99'), protocol: 17 }, 8)).toBe('address-not-available');
    expect(s.net.allocate({ destination: addr('2001:db8:77::1'), protocol: 17 }, 8)).toBe('no-route');
    expect(s.net.allocate({ destination: addr(PEER), protocol: 17 }, 70000)).toBe('message-too-long');
    expect(s.net.allocate({ destination: addr('::ffff:192.0.2.1'), protocol: 17 }, 8)).toBe('network-unreachable');
    s.stack.loopback.addAddress({ address: '::1/128', flags: AddressFlags.NODAD });
    expect(s.net.allocate({ destination: addr(PEER), source: addr('::1'), protocol: 17 }, 8)).toBe('address-not-available');
    const ok = s.net.allocate({ destination: addr(PEER_LL), source: addr(ME_LL), protocol: 17 }, 8);
    expect(typeof ok).toBe('object');
    (ok as PacketBuffer).release();
  });

  it('selects sources and recognises only active addresses as local', () => {
    const s = single();
    expect(s.net.selectSource(addr('2001:db8::44'))?.toString()).toBe(ME);
    expect(s.net.selectSource(addr('fe80::44'))?.toString()).toBe(ME_LL);
    expect(s.net.selectSource(addr(ME))?.toString()).toBe(ME);
    expect(s.net.selectSource(addr('2001:db8:99::1'))).toBeNull();
    expect(s.net.selectSource(Ipv4Address.parse('192.0.2.1'))).toBeNull();
    const t = s.ifp.addAddress({ address: '2001:db8::7/64', flags: AddressFlags.TENTATIVE });
    expect([s.net.isLocalAddress(addr(ME)), s.net.isLocalAddress(addr('2001:db8::7'))]).toEqual([true, false]);
    t.flags = 0;
    expect(s.net.isLocalAddress(addr('2001:db8::7'))).toBe(true);
  });

  it('joins groups through ND and refuses what is not an IPv6 multicast group', () => {
    const s = single();
    s.net.joinGroup(s.ifp.index, addr('ff02::fb'));
    expect(s.nd.isMember(s.ifp.index, addr('ff02::fb').bytes as Uint8Array, 0)).toBe(true);
    s.net.leaveGroup(s.ifp.index, addr('ff02::fb'));
    expect(s.nd.isMember(s.ifp.index, addr('ff02::fb').bytes as Uint8Array, 0)).toBe(false);
    expect(() => s.net.joinGroup(s.ifp.index, addr(PEER))).toThrow(/group/);
    expect(() => s.net.joinGroup(99, addr('ff02::fb'))).toThrow(/ifindex/);
  });

  it('sends unreachables of each kind: net, host, port, and protocol as parameter problem code 1', () => {
    const s = single();
    const packet = ipv6Packet({ src: PEER, dst: ME, nextHeader: 17, payload: udp(PEER, ME, 1, 2, new Uint8Array(4)), ext: [{ kind: 'destination', options: [] }] });
    const buf = s.stack.pool.alloc(packet.length, 64);
    buf.copyFrom(packet);
    buf.ifindex = s.ifp.index;
    for (const kind of ['net', 'host', 'port', 'protocol'] as const) s.net.sendUnreachable(buf, kind);
    buf.release();
    const sent = s.wire.take().map((p) => parseIcmpv6(p, 40, p.length - 40));
    expect(sent).toMatchObject([
      { kind: 'destination-unreachable', code: 0 },
      { kind: 'destination-unreachable', code: 3 },
      { kind: 'destination-unreachable', code: 4 },
      { kind: 'parameter-problem', code: 1, pointer: 40 },
    ]);
  });
});
