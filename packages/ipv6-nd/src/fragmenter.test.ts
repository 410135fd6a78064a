import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Counter, ManualClock, PacketBuffer, PacketPool, type Timer } from '@stack/core';
import { Fragmenter } from './fragmenter.js';
import { Reassembler } from './reassembly.js';
import { Ipv6FragmentHeaderView, Ipv6NextHeader, Ipv6PacketView } from './wire/index.js';
import { ipv6Packet, type Ext } from '../test/helpers/packets.js';

const counters = () =>
  Object.fromEntries(
    ['ok', 'timeout', 'evicted', 'overlap', 'duplicate', 'inconsistent', 'too-many-fragments', 'memory', 'late-fragment'].map((n) => [n, new Counter(n)]),
  ) as unknown as ConstructorParameters<typeof Reassembler>[0]['counters'];

function reassembler(clock = new ManualClock()) {
  const timers: Timer[] = [];
  return new Reassembler(
    { maxDatagrams: 8, maxBytes: 1 << 20, maxFragments: 64, timeoutMs: 60_000, maxUnfragmentable: 1064, headroom: 64, counters: counters() },
    new PacketPool(),
    () => clock.now(),
    (cb) => {
      const t = clock.createTimer(cb);
      timers.push(t);
      return t;
    },
    () => {},
  );
}

/** The offset of the Fragment header in a fragment and of the Next Header field naming it. */
function locateFragmentHeader(p: Uint8Array): [at: number, field: number] {
  let field = 6;
  let at = 40;
  while (p[field] !== Ipv6NextHeader.FRAGMENT) {
    field = at;
    at += (p[at + 1] + 1) * 8;
  }
  return [at, field];
}

const chain: Ext[] = [
  { kind: 'hop-by-hop', options: [{ type: 0x1e, data: new Uint8Array(4) }] },
  { kind: 'destination', options: [{ type: 0x1f, data: new Uint8Array(12) }] },
  { kind: 'routing', routingType: 4, segmentsLeft: 0, data: new Uint8Array(20) },
  { kind: 'destination', options: [{ type: 0x20, data: new Uint8Array(2) }] },
];

describe('Fragmenter', () => {
  it('repeats the unfragmentable part (Hop-by-Hop, Destination before Routing, Routing) in every fragment', () => {
    const body = Uint8Array.from({ length: 3000 }, (_, i) => i & 0xff);
    const packet = ipv6Packet({ src: '2001:db8::1', dst: '2001:db8::2', nextHeader: 17, payload: body, ext: chain });
    const buf = PacketBuffer.from(packet, 64);
    const out: Uint8Array[] = [];
    const n = new Fragmenter(new PacketPool(), 64).fragment(buf, 1280, 0xabcdef01, (f) => {
      out.push(f.data.slice(f.start, f.end));
      f.release();
    });
    expect(n).toBe(out.length);
    const unfrag = 40 + 8 + 16 + 24; // header, Hop-by-Hop, Destination, Routing
    for (const [i, f] of out.entries()) {
      expect(f.length).toBeLessThanOrEqual(1280);
      expect(f.subarray(0, 4)).toEqual(packet.subarray(0, 4));
      expect(f.subarray(8, 40)).toEqual(packet.subarray(8, 40));
      expect(f.subarray(40, unfrag - 24)).toEqual(packet.subarray(40, unfrag - 24));
      expect(f[unfrag - 24]).toBe(Ipv6NextHeader.FRAGMENT); // the Routing header now names the Fragment header
      const v = new Ipv6FragmentHeaderView(f, unfrag, 8);
      expect([v.nextHeader, v.identification, v.moreFragments]).toEqual([60, 0xabcdef01, i < out.length - 1]);
      if (v.moreFragments) expect((f.length - unfrag - 8) % 8).toBe(0);
      expect(new Ipv6PacketView(f).payloadLength).toBe(f.length - 40);
    }
  });

  it('fragments then reassembles to the original packet for any size and MTU (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1280, max: 1500 }), fc.boolean(), (size, mtu, withChain) => {
        const body = Uint8Array.from({ length: size }, (_, i) => (i * 31) & 0xff);
        const packet = ipv6Packet({ src: '2001:db8::1', dst: '2001:db8::2', nextHeader: 17, payload: body, ext: withChain ? chain : [] });
        const r = reassembler();
        let whole: PacketBuffer | null = null;
        const count = new Fragmenter(new PacketPool(), 64).fragment(PacketBuffer.from(packet, 64), mtu, 7, (f) => {
          f.networkOffset = f.start;
          const [at, field] = locateFragmentHeader(f.data.subarray(f.start));
          const result = r.add(f, f.start + at, f.start + field);
          if (result !== null) whole = result;
        });
        if (packet.length <= mtu) expect(count).toBeGreaterThanOrEqual(1);
        expect(whole).not.toBeNull();
        const w = whole! as PacketBuffer;
        expect(w.data.slice(w.start, w.end)).toEqual(packet);
        expect(r.store.bytesInUse).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it('refuses an MTU that cannot hold the unfragmentable part and 8 bytes', () => {
    const packet = ipv6Packet({ src: '2001:db8::1', dst: '2001:db8::2', nextHeader: 17, payload: new Uint8Array(100), ext: chain });
    expect(new Fragmenter(new PacketPool(), 64).fragment(PacketBuffer.from(packet, 64), 88 + 8 + 7, 1, () => {})).toBe(0);
  });
});
