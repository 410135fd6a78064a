import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hexBytes } from '@stack/sim';
import {
  emitIgmp,
  IgmpGroups,
  igmpLength,
  type IgmpMessage,
  IgmpPacketView,
  IgmpRecordType,
  IgmpType,
  igmpv3Code,
  igmpv3CodeValue,
  parseIgmp,
  writeIgmpRecord,
} from './index.js';

const hex = hexBytes;

/** `bytes` with a correct IGMP checksum over all of it. */
function withChecksum(bytes: Uint8Array): Uint8Array {
  new IgmpPacketView(bytes, 0, bytes.length).fillChecksum();
  return bytes;
}

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const byte = fc.integer({ min: 0, max: 255 });
const aux = fc.integer({ min: 0, max: 3 }).chain((n) => fc.uint8Array({ minLength: 4 * n, maxLength: 4 * n }));

const query: fc.Arbitrary<IgmpMessage> = fc.oneof(
  fc.record({ kind: fc.constant('query' as const), version: fc.constant(1 as const), maxRespCode: fc.constant(0), group: u32, suppress: fc.constant(false), qrv: fc.constant(0), qqic: fc.constant(0), sources: fc.constant<number[]>([]) }),
  fc.record({ kind: fc.constant('query' as const), version: fc.constant(2 as const), maxRespCode: fc.integer({ min: 1, max: 255 }), group: u32, suppress: fc.constant(false), qrv: fc.constant(0), qqic: fc.constant(0), sources: fc.constant<number[]>([]) }),
  fc.record({
    kind: fc.constant('query' as const),
    version: fc.constant(3 as const),
    maxRespCode: byte,
    group: u32,
    suppress: fc.boolean(),
    qrv: fc.integer({ min: 0, max: 7 }),
    qqic: byte,
    sources: fc.array(u32, { maxLength: 6 }),
  }),
);

const report: fc.Arbitrary<IgmpMessage> = fc.record({
  kind: fc.constant('v3-report' as const),
  records: fc.array(fc.record({ type: byte, group: u32, sources: fc.array(u32, { maxLength: 4 }), auxData: aux }), { maxLength: 5 }),
});

const groupMessage: fc.Arbitrary<IgmpMessage> = fc.record({ kind: fc.constantFrom('v1-report' as const, 'v2-report' as const, 'v2-leave' as const), group: u32 });

const known: number[] = Object.values(IgmpType);
const other: fc.Arbitrary<IgmpMessage> = fc.record({
  kind: fc.constant('other' as const),
  type: byte.filter((t) => !known.includes(t)),
  code: byte,
  data: fc.uint8Array({ minLength: 4, maxLength: 24 }),
});

const message = fc.oneof(query, report, groupMessage, other);

describe('IGMP wire format (RFC 1112, RFC 2236 §2, RFC 3376 §4)', () => {
  it('reads a captured IGMPv2 general query (Max Resp Time 10 s, checksum 0xee9b)', () => {
    const q = hex('1164 ee9b 0000 0000');
    const v = new IgmpPacketView(q, 0, q.length);
    expect(v.check()).toBeNull();
    expect([v.type, v.queryVersion, v.maxResponseTimeMs, v.group, v.checksum]).toEqual([IgmpType.MEMBERSHIP_QUERY, 2, 10_000, 0, 0xee9b]);
    expect([v.sourceCount, v.qrv, v.qqic, v.suppress]).toEqual([0, 0, 0, false]);
  });

  it('tells query versions apart by length and Max Resp Code (RFC 3376 §7.1)', () => {
    const v1 = withChecksum(hex('1100 0000 0000 0000'));
    const v = new IgmpPacketView(v1, 0, 8);
    expect(v.check()).toBeNull();
    expect([v.queryVersion, v.maxResponseTimeMs]).toEqual([1, 10_000]);
    for (const n of [9, 10, 11]) {
      const bad = withChecksum(new Uint8Array(n).fill(0).map((_, i) => (i === 0 ? 0x11 : 0)));
      expect(v.reset(bad, 0, n).check()).toBe('bad-query-length');
    }
    // An IGMPv3 query to 239.1.2.3: Max Resp Code 0x8a (float: 26 × 2^3 = 208 tenths), S, QRV 2, QQIC 125, two sources.
    const v3 = withChecksum(hex('118a 0000 ef010203 0a 7d 0002 c0000201 c0000202'));
    expect(v.reset(v3, 0, v3.length).check()).toBeNull();
    expect([v.queryVersion, v.maxResponseTimeMs, v.group, v.suppress, v.qrv, v.qqic, v.queryIntervalS, v.sourceCount]).toEqual([3, 20_800, 0xef010203, true, 2, 125, 125, 2]);
    expect([v.source(0), v.source(1)]).toEqual([0xc0000201, 0xc0000202]);
    expect(parseIgmp(v3, 0, v3.length)).toEqual({ kind: 'query', version: 3, maxRespCode: 0x8a, group: 0xef010203, suppress: true, qrv: 2, qqic: 125, sources: [0xc0000201, 0xc0000202] });
  });

  it('reads an IGMPv3 report with one TO_EX{} record for 239.1.2.3 to 224.0.0.22', () => {
    const r = withChecksum(hex('2200 0000 0000 0001 04 00 0000 ef010203'));
    expect(parseIgmp(r, 0, r.length)).toEqual({ kind: 'v3-report', records: [{ type: IgmpRecordType.CHANGE_TO_EXCLUDE_MODE, group: 0xef010203, sources: [], auxData: new Uint8Array(0) }] });
    expect(IgmpGroups.IGMPV3_ROUTERS).toBe(0xe0000016);
  });

  it('refuses what does not fit, each with its reason', () => {
    const cases: Array<[string, Uint8Array, number?]> = [
      ['truncated', hex('1164 ee9b 0000 00')],
      ['bad-checksum', hex('1164 ee9c 0000 0000')],
      ['bad-source-count', withChecksum(hex('1164 0000 00000000 02 7d 0003 c0000201 c0000202'))],
      // Two records announced, one present.
      ['bad-record-length', withChecksum(hex('2200 0000 0000 0002 04 00 0000 ef010203'))],
      // A record header cut short.
      ['bad-record-length', withChecksum(hex('2200 0000 0000 0001 04 00 0000'))],
      // A record announcing a source it does not carry.
      ['bad-record-length', withChecksum(hex('2200 0000 0000 0001 01 00 0001 ef010203'))],
      // A record announcing 4 bytes of auxiliary data it does not carry.
      ['bad-record-length', withChecksum(hex('2200 0000 0000 0001 01 01 0000 ef010203'))],
    ];
    const v = new IgmpPacketView();
    for (const [reason, bytes] of cases) {
      expect(v.reset(bytes, 0, bytes.length).check(), reason).toBe(reason);
      expect(parseIgmp(bytes, 0, bytes.length)).toEqual({ error: reason });
    }
    expect(v.reset(new Uint8Array(8), 4, 8).check()).toBe('truncated');
    expect(v.reset(new Uint8Array(8), -1, 8).check()).toBe('truncated');
  });

  it('accepts and ignores bytes after the message (RFC 2236 §2.5, RFC 3376 §4.1.10)', () => {
    const report = withChecksum(hex('1600 0000 ef010203 dead beef'));
    expect(parseIgmp(report, 0, report.length)).toEqual({ kind: 'v2-report', group: 0xef010203 });
    const q = withChecksum(hex('1164 0000 00000000 02 7d 0000 01020304'));
    expect(parseIgmp(q, 0, q.length)).toMatchObject({ kind: 'query', version: 3, sources: [] });
  });

  it('decodes and encodes the IGMPv3 floating-point codes (RFC 3376 §4.1.1, §4.1.7)', () => {
    expect([igmpv3CodeValue(0), igmpv3CodeValue(127), igmpv3CodeValue(0x80), igmpv3CodeValue(0xff)]).toEqual([0, 127, 128, 31_744]);
    for (let c = 0; c < 256; c++) expect(igmpv3Code(igmpv3CodeValue(c))).toBe(c);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40_000 }), (value) => {
        const decoded = igmpv3CodeValue(igmpv3Code(value));
        expect(decoded).toBeLessThanOrEqual(value);
        if (value < 31_744) expect(igmpv3CodeValue(Math.min(255, igmpv3Code(value) + 1))).toBeGreaterThan(value);
      }),
    );
  });

  it('parse ∘ emit is the identity, and the checksum verifies', () => {
    fc.assert(
      fc.property(message, fc.integer({ min: 0, max: 16 }), (m, at) => {
        const length = igmpLength(m);
        const bytes = new Uint8Array(at + length + 3);
        expect(emitIgmp(m, bytes, at)).toBe(length);
        expect(new IgmpPacketView(bytes, at, length).isChecksumValid).toBe(true);
        expect(parseIgmp(bytes, at, length)).toEqual(m);
      }),
    );
  });

  it('never throws on random bytes, and what it accepts re-emits to the same length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.boolean(), (bytes, verify) => {
        const parsed = parseIgmp(bytes, 0, bytes.length, verify);
        if ('error' in parsed) return;
        expect(igmpLength(parsed)).toBeLessThanOrEqual(bytes.length);
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.integer({ min: -4, max: 90 }), fc.integer({ min: -4, max: 90 }), (bytes, offset, length) => {
        const v = new IgmpPacketView(bytes, offset, length);
        if (v.check(false) === null) {
          void v.queryVersion;
          void v.maxResponseTimeMs;
        }
        parseIgmp(bytes, offset, length);
      }),
    );
  });

  it('refuses to emit what cannot be encoded', () => {
    const out = new Uint8Array(2048);
    expect(() => emitIgmp({ kind: 'query', version: 2, maxRespCode: 0, group: 0, suppress: false, qrv: 0, qqic: 0, sources: [] }, out, 0)).toThrow(RangeError);
    expect(() => emitIgmp({ kind: 'other', type: 0x13, code: 0, data: new Uint8Array(3) }, out, 0)).toThrow(RangeError);
    expect(() => writeIgmpRecord(out, 0, 1, 0, [], new Uint8Array(3))).toThrow(RangeError);
  });
});
