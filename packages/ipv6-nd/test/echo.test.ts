import { describe, expect, it } from 'vitest';
import { AddressFlags, Ipv6Address, type EchoEvent } from '@stack/core';
import { Ipv6PacketView, parseIcmpv6 } from '../src/index.js';
import { echoRequest, icmpv6, ipv6Packet } from './helpers/packets.js';
import { connect, makeHost, world } from './helpers/scenario.js';
import { inOutcomes, ME, ME_LL, PEER, PEER_LL, single } from './helpers/single.js';

const addr = (t: string) => Ipv6Address.parse(t);

describe('ICMPv6 echo between two hosts', () => {
  it('answers a ping with the same identifier, sequence and data (RFC 4443 §4.2)', () => {
    const { clock, sim } = world();
    const a = makeHost(clock, 'a');
    const b = makeHost(clock, 'b');
    connect(sim, a, '2001:db8::1/64', b, '2001:db8::2/64');
    const events: EchoEvent[] = [];
    a.echo.listen(7, (e) => events.push(e));
    expect(a.echo.send({ destination: addr('2001:db8::2'), identifier: 7, sequence: 3, size: 100 })).toBeNull();
    sim.settle();
    expect(events).toHaveLength(1);
    const reply = events[0];
    if (reply.type !== 'reply') throw new Error('expected a reply');
    expect([reply.from.toString(), reply.identifier, reply.sequence, reply.size, reply.ttl]).toEqual(['2001:db8::2', 7, 3, 100, 64]);
    expect(reply.data.every((byte, i) => byte === (i & 0xff))).toBe(true);
    expect(b.counter('icmp6.in.echo-request')).toBe(1);
    expect(b.counter('icmp6.out.echo-reply')).toBe(1);
    expect(a.counter('icmp6.out.echo-request')).toBe(1);
    expect(a.stack.pool.stats.inUse).toBe(0);
    expect(b.stack.pool.stats.inUse).toBe(0);
  });

  it('pings a link-local address out of the named interface, or of the single running link', () => {
    const { clock, sim } = world();
    const a = makeHost(clock, 'a');
    const b = makeHost(clock, 'b');
    const [ia] = connect(sim, a, 'fe80::1/64', b, 'fe80::2/64');
    const events: EchoEvent[] = [];
    a.echo.listen(1, (e) => events.push(e));
    expect(a.echo.send({ destination: addr('fe80::2'), identifier: 1, sequence: 1, ifindex: ia.index })).toBeNull();
    expect(a.echo.send({ destination: addr('fe80::2'), identifier: 1, sequence: 2 })).toBeNull();
    sim.settle();
    expect(events.map((e) => [e.type, e.from.toString(), e.sequence])).toEqual([
      ['reply', 'fe80::2', 1],
      ['reply', 'fe80::2', 2],
    ]);
    // A second link makes an unscoped link-local destination ambiguous (RFC 4007 §6).
    connect(sim, a, 'fe80::3/64', makeHost(clock, 'c'), 'fe80::4/64');
    expect(a.echo.send({ destination: addr('fe80::2'), identifier: 1, sequence: 3 })).toBe('no-route');
    expect(a.echo.send({ destination: addr('fe80::2'), identifier: 1, sequence: 3, ifindex: ia.index })).toBeNull();
  });

  it('pings its own address through the loopback interface, never by recursion', () => {
    const s = single();
    const events: EchoEvent[] = [];
    s.echo.listen(9, (e) => events.push(e));
    expect(s.echo.send({ destination: addr(ME), identifier: 9, sequence: 1 })).toBeNull();
    expect(events.map((e) => [e.type, e.from.toString()])).toEqual([['reply', ME]]);
    expect(s.wire.take()).toEqual([]);
    s.stack.loopback.addAddress({ address: '::1/128' });
    expect(s.echo.send({ destination: addr('::1'), identifier: 9, sequence: 2 })).toBeNull();
    expect(events.map((e) => e.from.toString())).toEqual([ME, '::1']);
    expect(s.echo.send({ destination: addr(ME_LL), identifier: 9, sequence: 3 })).toBeNull();
    expect(events.map((e) => e.from.toString())).toEqual([ME, '::1', ME_LL]);
    expect(s.stack.pool.stats.inUse).toBe(0);
  });

  it('answers an echo request to a joined multicast group from a unicast address of that interface', () => {
    const s = single();
    s.wire.inject([ipv6Packet({ src: PEER_LL, dst: 'ff02::1', nextHeader: 58, payload: echoRequest(PEER_LL, 'ff02::1', 5, 6) })]);
    const [reply] = s.wire.take();
    const v = new Ipv6PacketView(reply);
    expect(v.check()).toBeNull();
    expect([v.src.toString(), v.dst.toString()]).toEqual([ME_LL, PEER_LL]);
    const m = parseIcmpv6(reply, 40, reply.length - 40);
    expect(m).toMatchObject({ kind: 'echo-reply', identifier: 5, sequence: 6 });
    // A group not joined is not for us.
    s.wire.inject([ipv6Packet({ src: PEER_LL, dst: 'ff02::1234', nextHeader: 58, payload: echoRequest(PEER_LL, 'ff02::1234', 5, 7) })]);
    expect(s.wire.take()).toEqual([]);
    expect(s.counter('ipv6.in.not-for-us')).toBe(1);
    s.net.joinGroup(s.ifp.index, addr('ff02::1234'));
    s.wire.inject([ipv6Packet({ src: PEER_LL, dst: 'ff02::1234', nextHeader: 58, payload: echoRequest(PEER_LL, 'ff02::1234', 5, 8) })]);
    expect(s.wire.take()).toHaveLength(1);
  });

  it('ignores multicast echo requests when told to', () => {
    const s = single({ replyToMulticastEcho: false });
    s.wire.inject([ipv6Packet({ src: PEER_LL, dst: 'ff02::1', nextHeader: 58, payload: echoRequest(PEER_LL, 'ff02::1', 5, 6) })]);
    expect(s.wire.take()).toEqual([]);
    expect(s.counter('icmp6.in.multicast-echo-ignored')).toBe(1);
  });

  it('drops an echo request with a bad checksum, counted', () => {
    const s = single();
    const payload = echoRequest(PEER, ME, 1, 1);
    payload[2] ^= 0xff;
    s.wire.inject([ipv6Packet({ src: PEER, dst: ME, nextHeader: 58, payload })]);
    expect(s.wire.take()).toEqual([]);
    expect(s.counter('icmp6.in.bad-checksum')).toBe(1);
    expect(inOutcomes(s.stack)).toBe(s.counter('ipv6.in.received'));
  });

  it('delivers an ICMPv6 error quoting our echo request to the echo listener', () => {
    const s = single();
    const events: EchoEvent[] = [];
    s.echo.listen(33, (e) => events.push(e));
    expect(s.echo.send({ destination: addr('2001:db8::99'), identifier: 33, sequence: 4 })).toBeNull();
    const [request] = s.wire.take();
    const router = '2001:db8::fe';
    s.wire.inject([
      ipv6Packet({ src: router, dst: ME, nextHeader: 58, payload: icmpv6(router, ME, { kind: 'destination-unreachable', code: 3, quoted: request }) }),
    ]);
    expect(events).toEqual([{ type: 'error', from: addr(router), identifier: 33, sequence: 4, icmpType: 1, icmpCode: 3, receivedAt: 0 }]);
  });

  it('validates echo requests: family, ranges, and a hop limit and source of the caller', () => {
    const s = single();
    expect(() => s.echo.send({ destination: { family: 'ipv4' } as never, identifier: 1, sequence: 1 })).toThrow(/destination/);
    expect(() => s.echo.send({ destination: addr(PEER), identifier: 70000, sequence: 1 })).toThrow(/identifier/);
    expect(() => s.echo.send({ destination: addr(PEER), identifier: 1, sequence: 1, size: 70000 })).toThrow(/size/);
    expect(s.echo.send({ destination: addr(PEER), identifier: 1, sequence: 1, source: addr('2001:db8::77') })).toBe('address-not-available');
    expect(s.echo.send({ destination: addr(PEER), identifier: 1, sequence: 1, ttl: 3 })).toBeNull();
    expect(new Ipv6PacketView(s.wire.take()[0]).hopLimit).toBe(3);
    const id = s.echo.allocateIdentifier();
    s.echo.listen(id, () => {});
    expect(s.echo.allocateIdentifier()).not.toBe(id);
  });

  it('uses the Cur Hop Limit learnt from router advertisements, else the default', () => {
    const s = single({ defaultHopLimit: 99 });
    s.echo.send({ destination: addr(PEER), identifier: 1, sequence: 1 });
    s.nd.hopLimits.set(s.ifp.index, 17);
    s.echo.send({ destination: addr(PEER), identifier: 1, sequence: 2 });
    s.echo.send({ destination: addr('ff02::1'), identifier: 1, sequence: 3 });
    expect(s.wire.take().map((p) => new Ipv6PacketView(p).hopLimit)).toEqual([99, 17, 1]);
  });

  it('never uses a tentative or duplicated address as a source', () => {
    const s = single();
    s.ifp.removeAddress(ME);
    const a = s.ifp.addAddress({ address: `${ME}/64`, flags: AddressFlags.TENTATIVE });
    expect(s.echo.send({ destination: addr(PEER), identifier: 1, sequence: 1 })).toBeNull();
    expect(new Ipv6PacketView(s.wire.take()[0]).src.toString()).toBe(ME_LL);
    a.flags = AddressFlags.DUPLICATED;
    expect(s.echo.send({ destination: addr(PEER), identifier: 1, sequence: 1, source: addr(ME) })).toBe('address-not-available');
    a.flags = 0;
    expect(s.echo.send({ destination: addr(PEER), identifier: 1, sequence: 1 })).toBeNull();
    expect(new Ipv6PacketView(s.wire.take()[0]).src.toString()).toBe(ME);
  });
});
