import { describe, expect, it } from 'vitest';
import { Icmpv4PacketView, Icmpv4TimeExceededCode, Icmpv4Type, Ipv4PacketView } from '../src/index.js';
import { echoRequest, fragments, ip } from './helpers/packets.js';
import { inOutcomes, single } from './helpers/single.js';

const PEER = ip('192.0.2.2');
const ME = ip('192.0.2.1');
const base = (identification: number) => ({ src: PEER, dst: ME, identification, protocol: 1 });

/** The ICMP messages the stack sent, as [type, code] pairs. */
function icmpSent(packets: Uint8Array[]): Array<[number, number]> {
  return packets.map((p) => {
    const v = new Ipv4PacketView(p);
    const m = new Icmpv4PacketView(p, v.payloadOffset, v.payloadLength);
    return [m.type, m.code];
  });
}

describe('reassembly', () => {
  it('reassembles fragments arriving out of order and answers the echo', () => {
    const s = single();
    const msg = echoRequest(3, 4, 1992); // 2000 bytes of ICMP
    s.wire.inject(fragments(base(77), msg, [[1600, 400, false], [0, 800, true], [800, 800, true]]));
    expect(s.counter('ipv4.reass.ok')).toBe(1);
    expect(s.counter('icmp.out.echo-reply')).toBe(1);
    const sent = s.wire.take().map((p) => new Ipv4PacketView(p));
    expect(sent.map((v) => [v.fragmentOffset, v.moreFragments])).toEqual([[0, true], [1480, false]]);
    expect(s.control.reassemblyUsage()).toEqual({ datagrams: 0, bytes: 0 });
    expect(s.stack.pool.stats.inUse).toBe(0);
  });

  it('ignores an exact duplicate fragment (first copy wins)', () => {
    const s = single();
    const msg = echoRequest(3, 4, 1592);
    const [f0, f1] = fragments(base(78), msg, [[0, 800, true], [800, 800, false]]);
    s.wire.inject([f0, f0, f1]);
    expect(s.counter('ipv4.reass.duplicate')).toBe(1);
    expect(s.counter('ipv4.reass.ok')).toBe(1);
  });

  it('sends time exceeded (reassembly) after 30 s when fragment zero arrived, and frees everything', () => {
    const s = single();
    const msg = echoRequest(3, 4, 1992);
    s.wire.inject(fragments(base(79), msg, [[0, 800, true], [1600, 400, false]]));
    expect(s.control.reassemblyUsage().datagrams).toBe(1);
    expect(s.control.reassemblyUsage().bytes).toBeGreaterThan(0);
    s.clock.advance(29_999);
    expect(s.wire.sent).toHaveLength(0);
    s.clock.advance(1);
    const sent = s.wire.take();
    expect(icmpSent(sent)).toEqual([[Icmpv4Type.TIME_EXCEEDED, Icmpv4TimeExceededCode.REASSEMBLY_TIME_EXCEEDED]]);
    // The error quotes fragment zero's header and its first 8 data bytes (RFC 792).
    const v = new Ipv4PacketView(sent[0]);
    expect(v.dst).toBe(PEER);
    const quoted = new Ipv4PacketView(sent[0], v.payloadOffset + 8, 28);
    expect([quoted.identification, quoted.src, quoted.dst]).toEqual([79, PEER, ME]);
    expect(v.payloadLength).toBe(8 + 20 + 8);
    expect(s.counter('ipv4.reass.timeout')).toBe(1);
    expect(s.control.reassemblyUsage()).toEqual({ datagrams: 0, bytes: 0 });
    expect(s.stack.pool.stats.inUse).toBe(0);
  });

  it('sends no time exceeded when fragment zero never arrived (RFC 1122 §3.3.2)', () => {
    const s = single();
    s.wire.inject(fragments(base(80), echoRequest(1, 1, 1992), [[800, 800, true]]));
    s.clock.advance(30_000);
    expect(s.wire.sent).toHaveLength(0);
    expect(s.counter('ipv4.reass.timeout')).toBe(1);
    expect(s.control.reassemblyUsage()).toEqual({ datagrams: 0, bytes: 0 });
  });

  it('discards the whole datagram on overlapping fragments, and its late fragments too (RFC 5722 policy)', () => {
    const s = single();
    const msg = echoRequest(3, 4, 1992);
    s.wire.inject(fragments(base(81), msg, [[0, 800, true], [400, 800, true]]));
    expect(s.counter('ipv4.reass.overlap')).toBe(1);
    expect(s.control.reassemblyUsage().bytes).toBe(0);
    // The rest of it, even fragments that would complete it, are dropped.
    s.wire.inject(fragments(base(81), msg, [[800, 800, true], [1600, 400, false], [0, 800, true]]));
    expect(s.counter('ipv4.reass.late-fragment')).toBe(3);
    expect(s.counter('ipv4.reass.ok')).toBe(0);
    expect(s.counter('icmp.in.echo-request')).toBe(0);
    // No time exceeded for a discarded datagram; the tombstone goes with its timer.
    s.clock.advance(30_000);
    expect(s.wire.sent).toHaveLength(0);
    expect(s.control.reassemblyUsage()).toEqual({ datagrams: 0, bytes: 0 });
    // A new datagram with the same key afterwards is reassembled normally.
    s.wire.inject(fragments(base(81), msg, [[0, 1000, true], [1000, 1000, false]]));
    expect(s.counter('ipv4.reass.ok')).toBe(1);
  });

  it('discards inconsistent fragments: a non-last fragment not a multiple of 8, two different ends', () => {
    const s = single();
    const msg = echoRequest(3, 4, 1992);
    s.wire.inject(fragments(base(82), msg, [[0, 801, true]]));
    s.wire.inject(fragments(base(83), msg, [[1600, 400, false], [800, 400, false]]));
    expect(s.counter('ipv4.reass.inconsistent')).toBe(2);
  });

  it('stays within its bounds under a flood of fragments with distinct ids, and accounts for every one', () => {
    // 16 KiB holds 11 of the 1400-byte fragments (1408 bytes each in 64-byte blocks), not 16.
    const maxBytes = 16 * 1024;
    const s = single({ reassembly: { maxDatagrams: 16, maxBytes } });
    const payload = new Uint8Array(8 * 1400);
    let peak = 0;
    for (let id = 0; id < 1000; id++) {
      s.wire.inject(fragments(base(id), payload, [[(id % 7) * 1400, 1400, true]]));
      const usage = s.control.reassemblyUsage();
      peak = Math.max(peak, usage.bytes);
      expect(usage.datagrams).toBeLessThanOrEqual(16);
    }
    expect(peak).toBeLessThanOrEqual(maxBytes);
    expect(s.counter('ipv4.in.fragments')).toBe(1000);
    // Every fragment opened a datagram; all but the 16 still held were evicted, some of them
    // after the byte bound had already discarded their data.
    expect(s.control.reassemblyUsage().datagrams).toBe(16);
    expect(s.counter('ipv4.reass.evicted')).toBe(1000 - 16);
    expect(s.counter('ipv4.reass.memory')).toBeGreaterThan(0);
    expect(s.counter('ipv4.in.received') + s.counter('ipv4.reass.ok')).toBe(inOutcomes(s.stack));
    s.clock.advance(30_000);
    expect(s.control.reassemblyUsage()).toEqual({ datagrams: 0, bytes: 0 });
    expect(s.stack.pool.stats.inUse).toBe(0);
  });

  // Regression (interop, hostile input): 500 far-offset fragments filled the byte bound with
  // datagrams that never complete, and every legitimate fragmented datagram was then discarded
  // (`memory`) until their 30 s timers expired: ping -s 4000 lost 100%.
  it('makes room for new datagrams by discarding the oldest when the byte bound is reached', () => {
    const maxBytes = 32 * 1024;
    const s = single({ reassembly: { maxBytes } });
    // 40 stale datagrams of one 1400-byte fragment each: more than the bound holds.
    for (let id = 0; id < 40; id++) s.wire.inject(fragments(base(id), new Uint8Array(2800), [[1400, 1400, true]]));
    expect(s.control.reassemblyUsage().bytes).toBeLessThanOrEqual(maxBytes);
    const discarded = s.counter('ipv4.reass.memory');
    expect(discarded).toBeGreaterThan(0);
    // A legitimate datagram in three fragments still gets through, and is answered.
    const msg = echoRequest(5, 6, 3992);
    s.wire.inject(fragments(base(1000), msg, [[0, 1480, true], [1480, 1480, true], [2960, 1040, false]]));
    expect(s.counter('ipv4.reass.ok')).toBe(1);
    expect(s.counter('icmp.out.echo-reply')).toBe(1);
    expect(s.counter('ipv4.reass.memory')).toBeGreaterThan(discarded);
    expect(s.control.reassemblyUsage().bytes).toBeLessThanOrEqual(maxBytes);
    expect(s.counter('ipv4.in.received') + s.counter('ipv4.reass.ok')).toBe(inOutcomes(s.stack));
    s.clock.advance(30_000);
    expect(s.control.reassemblyUsage()).toEqual({ datagrams: 0, bytes: 0 });
    expect(s.stack.pool.stats.inUse).toBe(0);
  });

  // Regression: storage was a flat array sized to the highest fragment end, so one fragment at
  // offset ~65000 reserved ~64 KiB of the byte bound and a handful of them evicted every
  // legitimate datagram in progress. A fragment now costs the bytes it carries.
  it('counts a far-offset fragment by the bytes it holds, so a few cannot evict datagrams in progress', () => {
    const maxBytes = 64 * 1024;
    const s = single({ reassembly: { maxBytes } });
    const msg = echoRequest(5, 6, 3992);
    const cuts: Array<[number, number, boolean]> = [[0, 1480, true], [1480, 1480, true], [2960, 1040, false]];
    // Four datagrams in progress: their first fragment each (1480 bytes, 1536 in blocks).
    for (let id = 100; id < 104; id++) s.wire.inject(fragments(base(id), msg, cuts.slice(0, 1)));
    expect(s.control.reassemblyUsage()).toEqual({ datagrams: 4, bytes: 4 * 1536 });
    // Forty datagrams opened by one 8-byte fragment near the 64 KiB end.
    for (let id = 0; id < 40; id++) s.wire.inject(fragments(base(id), new Uint8Array(65008), [[65000, 8, true]]));
    expect(s.control.reassemblyUsage()).toEqual({ datagrams: 44, bytes: 4 * 1536 + 40 * 64 });
    expect(s.counter('ipv4.reass.memory')).toBe(0);
    // The four complete and are answered.
    for (let id = 100; id < 104; id++) s.wire.inject(fragments(base(id), msg, cuts.slice(1)));
    expect(s.counter('ipv4.reass.ok')).toBe(4);
    expect(s.counter('icmp.out.echo-reply')).toBe(4);
    expect(s.control.reassemblyUsage()).toEqual({ datagrams: 40, bytes: 40 * 64 });
    s.clock.advance(30_000);
    expect(s.control.reassemblyUsage()).toEqual({ datagrams: 0, bytes: 0 });
    expect(s.stack.pool.stats.inUse).toBe(0);
  });

  it('bounds the fragments of one datagram', () => {
    const s = single({ reassembly: { maxFragments: 4 } });
    const msg = new Uint8Array(8 * 10);
    s.wire.inject(fragments(base(90), msg, [0, 1, 2, 3, 4].map((i) => [i * 8, 8, true] as [number, number, boolean])));
    expect(s.counter('ipv4.reass.too-many-fragments')).toBe(1);
  });

  it('releases everything when the module unloads mid-reassembly', () => {
    const s = single();
    s.wire.inject(fragments(base(91), echoRequest(1, 1, 1992), [[0, 800, true]]));
    const pending = s.clock.pending;
    expect(s.stack.unload('ipv4')).toEqual({ ok: true });
    expect(s.clock.pending).toBeLessThan(pending);
    expect(s.stack.counters.has('ipv4.in.received')).toBe(false);
  });
});
