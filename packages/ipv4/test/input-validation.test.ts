import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LinkRxFlags } from '@stack/core';
import { fillIpv4HeaderChecksum, Icmpv4PacketView, Icmpv4UnreachableCode, Ipv4PacketView } from '../src/index.js';
import { echoRequest, ip, ipv4Packet } from './helpers/packets.js';
import { inOutcomes, single } from './helpers/single.js';

const PEER = ip('192.0.2.2');
const ME = ip('192.0.2.1');
const good = () => ipv4Packet({ src: PEER, dst: ME, protocol: 1 }, echoRequest(1, 1, 8));

/** Edit a valid packet, then fix its checksum unless told not to. */
function edit(fn: (p: Uint8Array) => void, fixChecksum = true): Uint8Array {
  const p = good();
  fn(p);
  if (fixChecksum && (p[0] & 0x0f) >= 5) fillIpv4HeaderChecksum(p, 0);
  return p;
}

describe('IPv4 input validation', () => {
  const cases: Array<[string, Uint8Array, number?]> = [
    ['truncated', good().subarray(0, 19)],
    ['truncated', edit((p) => (p[3] = 200))],
    ['bad-version', edit((p) => (p[0] = 0x65))],
    ['bad-header-length', edit((p) => (p[0] = 0x44), false)],
    ['bad-total-length', edit((p) => (p[3] = 12))],
    ['bad-flags', edit((p) => (p[6] |= 0x80))],
    ['bad-checksum', edit((p) => (p[10] ^= 1), false)],
    ['bad-options', ipv4Packet({ src: PEER, dst: ME, options: Uint8Array.from([7, 9, 4, 0]) }, new Uint8Array(8))],
    ['bad-source', ipv4Packet({ src: ip('224.0.0.5'), dst: ME }, new Uint8Array(8))],
    ['bad-source', ipv4Packet({ src: ip('127.0.0.1'), dst: ME }, new Uint8Array(8))],
    // Regression (interop, hostile input): the directed broadcast of our own prefix was accepted as a source.
    ['bad-source', ipv4Packet({ src: ip('192.0.2.255'), dst: ME, protocol: 1 }, echoRequest(1, 1, 8))],
    ['bad-destination', ipv4Packet({ src: PEER, dst: ip('127.0.0.1') }, new Uint8Array(8))],
    ['not-for-us', ipv4Packet({ src: PEER, dst: ip('192.0.2.99') }, new Uint8Array(8))],
    ['link-broadcast-unicast', good(), LinkRxFlags.BROADCAST],
  ];
  for (const [counter, packet, linkFlags] of cases) {
    it(`counts ${counter} (${packet.length} bytes) and releases the packet`, () => {
      const s = single();
      s.wire.inject([packet], linkFlags ?? 0);
      expect(s.counter(`ipv4.in.${counter}`)).toBe(1);
      expect(s.counter('ipv4.in.received')).toBe(1);
      expect(inOutcomes(s.stack)).toBe(1);
      expect(s.stack.pool.stats.inUse).toBe(0);
      expect(s.counter('stack.input-errors')).toBe(0);
    });
  }

  it('skips well-formed options and accepts TTL 0 for local delivery (RFC 1122 §3.2.1.7)', () => {
    const s = single();
    const withOptions = ipv4Packet({ src: PEER, dst: ME, protocol: 1, ttl: 0, options: Uint8Array.from([1, 148, 4, 0, 0]) }, echoRequest(1, 1, 8));
    s.wire.inject([withOptions]);
    expect(s.counter('ipv4.in.delivered')).toBe(1);
    expect(s.counter('icmp.out.echo-reply')).toBe(1);
  });

  it('trims link padding after the total length', () => {
    const s = single();
    const padded = new Uint8Array(good().length + 10);
    padded.set(good());
    s.wire.inject([padded]);
    expect(s.counter('icmp.out.echo-reply')).toBe(1);
  });

  it('answers an unknown protocol with protocol unreachable, but not when sent to a broadcast', () => {
    const s = single();
    s.wire.inject([ipv4Packet({ src: PEER, dst: ME, protocol: 99 }, new Uint8Array(8))]);
    s.wire.inject([ipv4Packet({ src: PEER, dst: ip('192.0.2.255'), protocol: 99 }, new Uint8Array(8))], LinkRxFlags.BROADCAST);
    expect(s.counter('ipv4.in.unknown-protocol')).toBe(2);
    const sent = s.wire.take();
    expect(sent).toHaveLength(1);
    const v = new Ipv4PacketView(sent[0]);
    const m = new Icmpv4PacketView(sent[0], v.payloadOffset, v.payloadLength);
    expect([v.dst, m.type, m.code]).toEqual([PEER, 3, Icmpv4UnreachableCode.PROTOCOL]);
  });

  it('answers a malformed option with a parameter problem pointing at it (RFC 1122 §3.2.2.5)', () => {
    const s = single();
    // NOP, then a loose source route whose length 2 cannot hold its pointer: byte 22 of the header.
    s.wire.inject([ipv4Packet({ src: PEER, dst: ME, protocol: 1, options: Uint8Array.from([1, 131, 2, 0]) }, echoRequest(1, 1, 8))]);
    // The same to an address that is not ours is dropped without an answer.
    s.wire.inject([ipv4Packet({ src: PEER, dst: ip('192.0.2.99'), protocol: 1, options: Uint8Array.from([1, 131, 2, 0]) }, echoRequest(1, 1, 8))]);
    expect(s.counter('ipv4.in.bad-options')).toBe(2);
    expect(s.counter('icmp.out.parameter-problem')).toBe(1);
    const sent = s.wire.take();
    expect(sent).toHaveLength(1);
    const v = new Ipv4PacketView(sent[0]);
    const m = new Icmpv4PacketView(sent[0], v.payloadOffset, v.payloadLength);
    expect([v.dst, m.type, m.code, sent[0][v.payloadOffset + 4]]).toEqual([PEER, 12, 0, 22]);
  });

  it('rate-limits ICMP errors with a token bucket on the clock', () => {
    const s = single({ icmpRateLimit: { perSecond: 1, burst: 2 } });
    const probe = () => s.wire.inject([ipv4Packet({ src: PEER, dst: ME, protocol: 99 }, new Uint8Array(8))]);
    for (let i = 0; i < 5; i++) probe();
    expect(s.wire.take()).toHaveLength(2);
    expect(s.counter('icmp.out.rate-limited')).toBe(3);
    s.clock.advance(1000);
    probe();
    probe();
    expect(s.wire.take()).toHaveLength(1);
    // Echo replies are not errors and are not limited.
    for (let i = 0; i < 5; i++) s.wire.inject([good()]);
    expect(s.wire.take()).toHaveLength(5);
  });

  it('never answers an ICMP error with an ICMP error, nor a non-first fragment', () => {
    const s = single();
    const error = new Uint8Array(36);
    error[0] = 3; // destination unreachable, with garbage quoted
    s.wire.inject([ipv4Packet({ src: PEER, dst: ME, protocol: 1 }, error)]);
    s.wire.inject([ipv4Packet({ src: PEER, dst: ME, protocol: 99, fragmentOffset: 8 }, new Uint8Array(8))]);
    expect(s.wire.sent).toHaveLength(0);
  });

  it('property: random and mutated packets never throw, and every packet ends in exactly one counter', () => {
    const s = single({ forwarding: true, icmpRateLimit: false });
    const valid = fc
      .record({
        ttl: fc.integer({ min: 0, max: 255 }),
        protocol: fc.constantFrom(1, 6, 17, 99),
        dst: fc.constantFrom(ME, PEER, ip('192.0.2.255'), ip('255.255.255.255'), ip('224.0.0.1'), ip('10.1.2.3')),
        identification: fc.integer({ min: 0, max: 3 }),
        fragmentOffset: fc.integer({ min: 0, max: 4 }).map((n) => n * 8),
        moreFragments: fc.boolean(),
        dontFragment: fc.boolean(),
        payload: fc.uint8Array({ maxLength: 64 }),
      })
      .map(({ payload, ...f }) => ipv4Packet({ src: PEER, ...f }, payload));
    const mutated = fc
      .tuple(valid, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.boolean())
      .map(([p, edits, fix]) => {
        for (const [at, value] of edits) p[at % p.length] = value;
        if (fix && p.length >= 20 && (p[0] & 0x0f) >= 5 && (p[0] & 0x0f) * 4 <= p.length) fillIpv4HeaderChecksum(p, 0);
        return p;
      });
    const packet = fc.oneof(fc.uint8Array({ maxLength: 80 }), valid, mutated);
    fc.assert(
      fc.property(fc.array(packet, { maxLength: 8 }), fc.constantFrom(0, LinkRxFlags.BROADCAST), (packets, flags) => {
        s.wire.inject(packets, flags);
        s.wire.take();
        expect(s.counter('stack.input-errors')).toBe(0);
        expect(s.counter('ipv4.in.received') + s.counter('ipv4.reass.ok')).toBe(inOutcomes(s.stack));
        expect(s.stack.pool.stats.inUse).toBe(0);
      }),
      { numRuns: 400 },
    );
    s.clock.advance(60_000);
    expect(s.control.reassemblyUsage()).toEqual({ datagrams: 0, bytes: 0 });
  });
});
