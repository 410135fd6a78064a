import { describe, expect, it } from 'vitest';
import { Ipv6Address } from '../addr/index.js';
import { flowHash4, flowHash6, flowPorts, randomFlowHashSeed } from './flow-hash.js';

const SEED = 0x5eed1234;
const A = 0xc0000201; // 192.0.2.1
const B = 0xc6336401; // 198.51.100.1
const a6 = Ipv6Address.parse('2001:db8:a::1').bytes as Uint8Array;
const b6 = Ipv6Address.parse('2001:db8:b::1').bytes as Uint8Array;
const ports = (s: number, d: number): number => ((s << 16) | d) >>> 0;

describe('flowHash4', () => {
  it('is deterministic, unsigned 32-bit, and depends on the seed', () => {
    const h = flowHash4(SEED, A, B, 17, ports(40000, 53));
    expect(flowHash4(SEED, A, B, 17, ports(40000, 53))).toBe(h);
    expect(Number.isInteger(h) && h >= 0 && h <= 0xffffffff).toBe(true);
    expect(flowHash4(SEED + 1, A, B, 17, ports(40000, 53))).not.toBe(h);
  });

  it('changes with every field of the tuple', () => {
    const base = flowHash4(SEED, A, B, 6, ports(40000, 80));
    expect(flowHash4(SEED, A + 1, B, 6, ports(40000, 80))).not.toBe(base);
    expect(flowHash4(SEED, A, B + 1, 6, ports(40000, 80))).not.toBe(base);
    expect(flowHash4(SEED, B, A, 6, ports(40000, 80))).not.toBe(base);
    expect(flowHash4(SEED, A, B, 17, ports(40000, 80))).not.toBe(base);
    expect(flowHash4(SEED, A, B, 6, ports(40001, 80))).not.toBe(base);
    expect(flowHash4(SEED, A, B, 6, ports(40000, 81))).not.toBe(base);
    // The L3 hash a fragment gets (ports 0) is not the one of the unfragmented flow.
    expect(flowHash4(SEED, A, B, 6, 0)).not.toBe(base);
  });

  it('gives distinct flows distinct hashes and spreads them evenly over the low and high bits', () => {
    const seen = new Set<number>();
    const low = [0, 0, 0, 0];
    const high = [0, 0, 0, 0];
    for (let sport = 1024; sport < 1024 + 4096; sport++) {
      const h = flowHash4(SEED, A, B, 17, ports(sport, 53));
      seen.add(h);
      low[h & 3]++;
      high[h >>> 30]++;
    }
    expect(seen.size).toBe(4096);
    for (const n of [...low, ...high]) {
      expect(n).toBeGreaterThan(1024 * 0.85);
      expect(n).toBeLessThan(1024 * 1.15);
    }
  });
});

describe('flowHash6', () => {
  it('uses addresses and a non-zero flow label only (RFC 6438 §3)', () => {
    const h = flowHash6(SEED, a6, 0, b6, 0, 0x12345, 17, ports(1, 2));
    expect(flowHash6(SEED, a6, 0, b6, 0, 0x12345, 6, ports(3, 4))).toBe(h);
    expect(flowHash6(SEED, a6, 0, b6, 0, 0x12345, 0, 0)).toBe(h);
    expect(flowHash6(SEED, a6, 0, b6, 0, 0x12346, 17, ports(1, 2))).not.toBe(h);
    expect(flowHash6(SEED, b6, 0, a6, 0, 0x12345, 17, ports(1, 2))).not.toBe(h);
  });

  it('uses protocol and ports when the label is 0, and reads the addresses at their offsets', () => {
    const h = flowHash6(SEED, a6, 0, b6, 0, 0, 17, ports(1, 2));
    expect(flowHash6(SEED, a6, 0, b6, 0, 0, 17, ports(1, 3))).not.toBe(h);
    expect(flowHash6(SEED, a6, 0, b6, 0, 0, 6, ports(1, 2))).not.toBe(h);
    expect(flowHash6(SEED, a6, 0, b6, 0, 0, 17, 0)).not.toBe(h);
    const packed = new Uint8Array(40);
    packed.set(a6, 8);
    packed.set(b6, 24);
    expect(flowHash6(SEED, packed, 8, packed, 24, 0, 17, ports(1, 2))).toBe(h);
  });

  it('spreads flows that differ only in the label', () => {
    const seen = new Set<number>();
    const buckets = [0, 0, 0];
    for (let label = 1; label <= 3000; label++) {
      const h = flowHash6(SEED, a6, 0, b6, 0, label, 0, 0);
      seen.add(h);
      buckets[h % 3]++;
    }
    expect(seen.size).toBe(3000);
    for (const n of buckets) expect(n).toBeGreaterThan(850);
  });
});

describe('flowPorts', () => {
  const header = Uint8Array.of(0x9c, 0x40, 0x00, 0x35, 0xff);
  it('reads both ports of TCP, UDP, SCTP, DCCP and UDP-Lite headers', () => {
    for (const p of [6, 17, 132, 33, 136]) expect(flowPorts(p, header, 0, 5)).toBe(0x9c400035);
  });
  it('is 0 for protocols without ports and for headers too short', () => {
    expect(flowPorts(1, header, 0, 5)).toBe(0);
    expect(flowPorts(58, header, 0, 5)).toBe(0);
    expect(flowPorts(17, header, 0, 3)).toBe(0);
    expect(flowPorts(17, header, 2, 4)).toBe(0);
  });
});

describe('randomFlowHashSeed', () => {
  it('returns an unsigned 32-bit integer', () => {
    const s = randomFlowHashSeed();
    expect(Number.isInteger(s) && s >= 0 && s <= 0xffffffff).toBe(true);
  });
});
