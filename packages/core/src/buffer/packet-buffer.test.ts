import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PacketBuffer } from './packet-buffer.js';
import { LinkRxFlags, PacketFlags } from './packet-flags.js';
import { PacketPool } from './packet-pool.js';

function filled(capacity: number, headroom: number, bytes: number[]): PacketBuffer {
  const buf = new PacketBuffer(new Uint8Array(capacity), headroom);
  buf.copyFrom(Uint8Array.from(bytes));
  return buf;
}

/** Sets every metadata field to a non-default value. */
function dirty(buf: PacketBuffer): void {
  buf.ifindex = 3;
  buf.outIfindex = 4;
  buf.fib = 2;
  buf.family = 'ipv6';
  buf.linkProtocol = 0x86dd;
  buf.linkFlags = LinkRxFlags.MULTICAST;
  buf.networkOffset = 14;
  buf.transportOffset = 54;
  buf.flags = PacketFlags.FORWARDED | PacketFlags.DONT_FRAGMENT;
  buf.src.fill(1);
  buf.dst.fill(2);
  buf.nextHop.fill(3);
}

function expectDefaultMetadata(buf: PacketBuffer): void {
  expect(buf.ifindex).toBe(0);
  expect(buf.outIfindex).toBe(0);
  expect(buf.fib).toBe(0);
  expect(buf.family).toBeNull();
  expect(buf.linkProtocol).toBe(-1);
  expect(buf.linkFlags).toBe(0);
  expect(buf.networkOffset).toBe(-1);
  expect(buf.transportOffset).toBe(-1);
  expect(buf.flags).toBe(0);
  expect([...buf.src, ...buf.dst, ...buf.nextHop].every((b) => b === 0)).toBe(true);
}

describe('PacketBuffer', () => {
  it('starts empty at its headroom with default metadata', () => {
    const buf = new PacketBuffer(new Uint8Array(100), 40);
    expect([buf.start, buf.end, buf.length, buf.headroom, buf.tailroom, buf.capacity]).toEqual([
      40, 40, 0, 40, 60, 100,
    ]);
    expect(buf.pooled).toBe(false);
    expectDefaultMetadata(buf);
    expect(() => new PacketBuffer(new Uint8Array(10), 11)).toThrow(RangeError);
    expect(() => new PacketBuffer(new Uint8Array(10), -1)).toThrow(RangeError);
  });

  it('keeps src, dst and nextHop as separate 16-byte slots', () => {
    const buf = new PacketBuffer(new Uint8Array(8));
    expect([buf.src.length, buf.dst.length, buf.nextHop.length]).toEqual([16, 16, 16]);
    buf.dst.fill(7);
    expect(buf.src.every((b) => b === 0) && buf.nextHop.every((b) => b === 0)).toBe(true);
    expect(buf.src.buffer).toBe(buf.dst.buffer); // one allocation for the three
  });

  it('prepend grows the front and returns the new start; throws past the headroom', () => {
    const buf = filled(32, 10, [1, 2]);
    expect(buf.prepend(4)).toBe(6);
    expect(buf.length).toBe(6);
    expect(buf.prepend(6)).toBe(0);
    expect(buf.prepend(0)).toBe(0);
    expect(() => buf.prepend(1)).toThrow(RangeError);
    expect(() => buf.prepend(-1)).toThrow(RangeError);
    expect(buf.start).toBe(0);
  });

  it('append grows the back and returns the old end; throws past the tailroom', () => {
    const buf = filled(16, 4, [1, 2]);
    expect(buf.append(3)).toBe(6);
    expect(buf.end).toBe(9);
    expect(buf.append(7)).toBe(9);
    expect(buf.tailroom).toBe(0);
    expect(() => buf.append(1)).toThrow(RangeError);
    expect(() => buf.append(Number.NaN)).toThrow(RangeError);
    expect(buf.end).toBe(16);
  });

  it('pull consumes the front and returns the old start, or -1 changing nothing', () => {
    const buf = filled(16, 2, [1, 2, 3, 4, 5]);
    expect(buf.pull(2)).toBe(2);
    expect([...buf.view()]).toEqual([3, 4, 5]);
    expect(buf.pull(4)).toBe(-1);
    expect([buf.start, buf.end]).toEqual([4, 7]);
    expect(buf.pull(3)).toBe(4);
    expect(buf.length).toBe(0);
    expect(buf.pull(0)).toBe(7);
    expect(buf.pull(-1)).toBe(-1);
  });

  it('trim shortens, and is a no-op when already shorter', () => {
    const buf = filled(16, 0, [1, 2, 3, 4, 5]);
    buf.trim(10);
    expect(buf.length).toBe(5);
    buf.trim(3);
    expect([...buf.view()]).toEqual([1, 2, 3]);
    buf.trim(0);
    expect(buf.length).toBe(0);
    expect(() => buf.trim(-1)).toThrow(RangeError);
    expect(() => buf.trim(Number.NaN)).toThrow(RangeError);
  });

  it('reset empties at the given headroom and clears metadata', () => {
    const buf = filled(64, 8, [1, 2, 3]);
    dirty(buf);
    buf.reset(20);
    expect([buf.start, buf.end]).toEqual([20, 20]);
    expectDefaultMetadata(buf);
    buf.reset(64);
    expect(buf.tailroom).toBe(0);
    expect(() => buf.reset(65)).toThrow(RangeError);
  });

  it('copyFrom replaces the contents at start, with an optional source range', () => {
    const buf = new PacketBuffer(new Uint8Array(10), 4);
    buf.copyFrom(Uint8Array.from([9, 8, 7, 6, 5]), 1, 3);
    expect([...buf.view()]).toEqual([8, 7, 6]);
    expect(buf.start).toBe(4);
    buf.copyFrom(Uint8Array.from([1, 2]));
    expect([...buf.view()]).toEqual([1, 2]);
    buf.copyFrom(Uint8Array.from([1, 2, 3, 4, 5, 6]));
    expect(buf.end).toBe(10);
    const big = new PacketBuffer(new Uint8Array(1000), 10);
    const source = Uint8Array.from({ length: 600 }, (_, i) => i & 0xff);
    big.copyFrom(source, 50, 500); // long sub-range: the set() path
    expect([...big.view()]).toEqual([...source.subarray(50, 550)]);
    expect(() => buf.copyFrom(new Uint8Array(7))).toThrow(RangeError);
    expect(() => buf.copyFrom(new Uint8Array(3), 2, 2)).toThrow(RangeError);
    expect(() => buf.copyFrom(new Uint8Array(3), -1)).toThrow(RangeError);
  });

  it('view is the valid bytes over the same memory', () => {
    const buf = filled(8, 2, [1, 2, 3]);
    const view = buf.view();
    view[0] = 42;
    expect(buf.data[2]).toBe(42);
  });

  it('from copies into an unpooled buffer with headroom', () => {
    const src = Uint8Array.from([5, 6, 7]);
    const buf = PacketBuffer.from(src, 14);
    src[0] = 0;
    expect([...buf.view()]).toEqual([5, 6, 7]);
    expect([buf.headroom, buf.tailroom, buf.pooled]).toEqual([14, 0, false]);
    buf.release(); // no-op
    expect(buf.length).toBe(3);
  });

  it('clone deep-copies bytes (headroom included) and metadata', () => {
    const buf = filled(64, 20, [1, 2, 3, 4, 5, 6]);
    buf.data[5] = 99; // an already-pulled header byte
    dirty(buf);
    buf.networkOffset = 5;
    buf.pull(2);
    const copy = buf.clone();
    expect(copy).not.toBe(buf);
    expect([copy.start, copy.end, copy.capacity, copy.pooled]).toEqual([buf.start, buf.end, 64, false]);
    expect([...copy.view()]).toEqual([3, 4, 5, 6]);
    expect(copy.data[copy.networkOffset]).toBe(99);
    expect([copy.ifindex, copy.outIfindex, copy.fib, copy.family, copy.linkProtocol, copy.linkFlags]).toEqual([
      3,
      4,
      2,
      'ipv6',
      0x86dd,
      LinkRxFlags.MULTICAST,
    ]);
    expect([copy.transportOffset, copy.flags]).toEqual([54, PacketFlags.FORWARDED | PacketFlags.DONT_FRAGMENT]);
    expect([copy.src[0], copy.dst[15], copy.nextHop[7]]).toEqual([1, 2, 3]);
    copy.data[copy.start] = 0;
    copy.src[0] = 0;
    expect(buf.data[buf.start]).toBe(3);
    expect(buf.src[0]).toBe(1);
  });

  it('clone into a pool gives a pooled copy', () => {
    const pool = new PacketPool({ bufferSize: 256, headroom: 32 });
    const buf = pool.alloc(100);
    buf.copyFrom(Uint8Array.from([1, 2, 3]));
    buf.ifindex = 9;
    const copy = buf.clone(pool);
    expect(copy.pooled).toBe(true);
    expect([...copy.view()]).toEqual([1, 2, 3]);
    expect(copy.ifindex).toBe(9);
    expect(pool.stats.inUse).toBe(2);
  });

  it('behaves like a reference array model under random operation sequences (property)', () => {
    type Op =
      | { kind: 'prepend'; n: number; fill: number }
      | { kind: 'append'; n: number; fill: number }
      | { kind: 'pull'; n: number }
      | { kind: 'trim'; n: number }
      | { kind: 'reset'; n: number }
      | { kind: 'copyFrom'; bytes: Uint8Array };
    const size = fc.integer({ min: 0, max: 70 });
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('prepend' as const), n: size, fill: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('append' as const), n: size, fill: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('pull' as const), n: size }),
      fc.record({ kind: fc.constant('trim' as const), n: size }),
      fc.record({ kind: fc.constant('reset' as const), n: size }),
      fc.record({ kind: fc.constant('copyFrom' as const), bytes: fc.uint8Array({ maxLength: 70 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 64 }), fc.array(op, { maxLength: 40 }), (headroom, ops) => {
        const capacity = 64;
        const buf = new PacketBuffer(new Uint8Array(capacity), headroom);
        // The model: the valid bytes as a plain array, and where they start.
        let content: number[] = [];
        let start = headroom;
        for (const o of ops) {
          switch (o.kind) {
            case 'prepend':
              if (o.n > start) {
                expect(() => buf.prepend(o.n)).toThrow(RangeError);
              } else {
                const at = buf.prepend(o.n);
                buf.data.fill(o.fill, at, at + o.n);
                start -= o.n;
                content = [...new Array<number>(o.n).fill(o.fill), ...content];
              }
              break;
            case 'append':
              if (o.n > capacity - start - content.length) {
                expect(() => buf.append(o.n)).toThrow(RangeError);
              } else {
                const at = buf.append(o.n);
                buf.data.fill(o.fill, at, at + o.n);
                content = [...content, ...new Array<number>(o.n).fill(o.fill)];
              }
              break;
            case 'pull':
              if (o.n > content.length) {
                expect(buf.pull(o.n)).toBe(-1);
              } else {
                expect(buf.pull(o.n)).toBe(start);
                start += o.n;
                content = content.slice(o.n);
              }
              break;
            case 'trim':
              buf.trim(o.n);
              content = content.slice(0, o.n);
              break;
            case 'reset':
              if (o.n > capacity) {
                expect(() => buf.reset(o.n)).toThrow(RangeError);
              } else {
                buf.reset(o.n);
                start = o.n;
                content = [];
              }
              break;
            case 'copyFrom':
              if (o.bytes.length > capacity - start) {
                expect(() => buf.copyFrom(o.bytes)).toThrow(RangeError);
              } else {
                buf.copyFrom(o.bytes);
                content = [...o.bytes];
              }
              break;
          }
          expect([...buf.view()]).toEqual(content);
          expect(buf.start).toBe(start);
          expect(buf.length).toBe(content.length);
          expect(buf.headroom + buf.length + buf.tailroom).toBe(capacity);
        }
      }),
      { numRuns: 500 },
    );
  });
});
