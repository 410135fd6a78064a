import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  emitMldQuery,
  emitMldReport,
  emitMldv1,
  type MldQuery,
  mldMaxResponseCode,
  mldMaxResponseDelay,
  mldQueryInterval,
  mldQueryLength,
  type MldReport,
  mldReportLength,
  MldQueryView,
  parseMldQuery,
  parseMldReport,
  parseMldv1,
} from './index.js';

const addr = fc.uint8Array({ minLength: 16, maxLength: 16 });

describe('MLD wire formats (RFC 3810 §5, RFC 2710 §3)', () => {
  it('query: parse ∘ emit is the identity for both versions', () => {
    const v2: fc.Arbitrary<MldQuery> = fc.record({
      version: fc.constant(2 as const),
      code: fc.integer({ min: 0, max: 255 }),
      maxResponseCode: fc.integer({ min: 0, max: 0xffff }),
      group: addr,
      suppress: fc.boolean(),
      qrv: fc.integer({ min: 0, max: 7 }),
      qqic: fc.integer({ min: 0, max: 255 }),
      sources: fc.array(addr, { maxLength: 4 }),
    });
    const v1: fc.Arbitrary<MldQuery> = fc.record({
      version: fc.constant(1 as const),
      code: fc.integer({ min: 0, max: 255 }),
      maxResponseCode: fc.integer({ min: 0, max: 0xffff }),
      group: addr,
      suppress: fc.constant(false),
      qrv: fc.constant(0),
      qqic: fc.constant(0),
      sources: fc.constant([]),
    });
    fc.assert(
      fc.property(fc.oneof(v1, v2), (q) => {
        const bytes = new Uint8Array(mldQueryLength(q));
        expect(emitMldQuery(q, bytes, 0)).toBe(bytes.length);
        expect(parseMldQuery(bytes, 0, bytes.length)).toEqual(q);
      }),
    );
  });

  it('report: parse ∘ emit is the identity', () => {
    const report: fc.Arbitrary<MldReport> = fc.record({
      records: fc.array(
        fc.record({
          type: fc.integer({ min: 1, max: 6 }),
          group: addr,
          sources: fc.array(addr, { maxLength: 3 }),
          auxData: fc.integer({ min: 0, max: 2 }).chain((n) => fc.uint8Array({ minLength: 4 * n, maxLength: 4 * n })),
        }),
        { maxLength: 4 },
      ),
    });
    fc.assert(
      fc.property(report, (r) => {
        const bytes = new Uint8Array(mldReportLength(r));
        expect(emitMldReport(r, bytes, 0)).toBe(bytes.length);
        expect(parseMldReport(bytes, 0, bytes.length)).toEqual(r);
      }),
    );
  });

  it('MLDv1 report/done round trip', () => {
    fc.assert(
      fc.property(fc.constantFrom(131, 132), addr, fc.integer({ min: 0, max: 0xffff }), (type, group, delay) => {
        const bytes = new Uint8Array(24);
        emitMldv1(type, group, 0, bytes, 0, delay);
        expect(parseMldv1(bytes, 0, 24)).toEqual({ type, maxResponseDelay: delay, group });
      }),
    );
  });

  it('parsers never throw on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.integer({ min: -1, max: 110 }), fc.constantFrom(130, 131, 143), (rest, length, type) => {
        const bytes = Uint8Array.from([type, ...rest]);
        parseMldQuery(bytes, 0, length);
        parseMldReport(bytes, 0, length);
        parseMldv1(bytes, 0, length);
      }),
    );
  });

  it('tells versions apart by length and refuses 25–27 byte queries (RFC 3810 §8.1)', () => {
    const bytes = new Uint8Array(28);
    bytes[0] = 130;
    const view = new MldQueryView();
    expect(view.reset(bytes, 0, 24).check()).toBeNull();
    expect(view.version).toBe(1);
    expect(view.reset(bytes, 0, 26).check()).toBe('bad-length');
    expect(view.reset(bytes, 0, 28).check()).toBeNull();
    expect(view.version).toBe(2);
    expect(view.isGeneral).toBe(true);
    bytes[27] = 1; // one source announced, none present
    expect(view.reset(bytes, 0, 28).check()).toBe('truncated');
  });

  it('decodes the exponential Maximum Response Code and QQIC (RFC 3810 §5.1.3, §5.1.9)', () => {
    expect(mldMaxResponseDelay(10_000)).toBe(10_000);
    expect(mldMaxResponseDelay(0x8000)).toBe(0x1000 << 3);
    expect(mldMaxResponseDelay(0xffff)).toBe(0x1fff << 10);
    for (const d of [0, 1, 32767, 32768, 40_000, 1_000_000, 8_387_584]) expect(mldMaxResponseDelay(mldMaxResponseCode(d))).toBeLessThanOrEqual(d);
    expect(mldMaxResponseDelay(mldMaxResponseCode(40_000))).toBeGreaterThan(39_900);
    expect(mldQueryInterval(125)).toBe(125);
    expect(mldQueryInterval(0x80)).toBe(0x10 << 3);
  });
});
