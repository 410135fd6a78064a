import { describe, expect, it } from 'vitest';
import { PacketPool } from './packet-pool.js';

describe('PacketPool', () => {
  it('allocates empty buffers at the default headroom with the default size', () => {
    const pool = new PacketPool();
    const buf = pool.alloc();
    expect([buf.capacity, buf.start, buf.end, buf.pooled]).toEqual([2048, 128, 128, true]);
    const deep = pool.alloc(undefined, 300);
    expect([deep.headroom, deep.tailroom, deep.pooled]).toEqual([300, 2048 - 300, true]);
    const small = pool.alloc(60, 14);
    expect([small.capacity, small.headroom, small.length]).toEqual([2048, 14, 0]);
    expect(pool.stats).toMatchObject({ allocated: 3, reused: 0, released: 0, oversize: 0, inUse: 3 });
  });

  it('validates its options and arguments', () => {
    expect(() => new PacketPool({ bufferSize: 0 })).toThrow(RangeError);
    expect(() => new PacketPool({ bufferSize: 64, headroom: 65 })).toThrow(RangeError);
    expect(() => new PacketPool({ maxFree: -1 })).toThrow(RangeError);
    const pool = new PacketPool();
    expect(() => pool.alloc(-1)).toThrow(RangeError);
    expect(() => pool.alloc(10, 1.5)).toThrow(RangeError);
  });

  it('reuses a released buffer: same object, metadata reset', () => {
    const pool = new PacketPool({ bufferSize: 256, headroom: 32 });
    const first = pool.alloc(100);
    first.copyFrom(Uint8Array.from([1, 2, 3]));
    first.ifindex = 5;
    first.family = 'ipv4';
    first.linkProtocol = 0x0800;
    first.networkOffset = 32;
    first.src[0] = 10;
    first.release();
    expect(pool.freeCount).toBe(1);
    const again = pool.alloc(50, 16);
    expect(again).toBe(first);
    expect([
      again.start,
      again.end,
      again.ifindex,
      again.family,
      again.linkProtocol,
      again.networkOffset,
      again.src[0],
    ]).toEqual([16, 16, 0, null, -1, -1, 0]);
    expect(pool.stats).toMatchObject({ allocated: 2, reused: 1, released: 1, inUse: 1 });
  });

  it('serves requests larger than bufferSize with unpooled buffers, counted as oversize', () => {
    const pool = new PacketPool({ bufferSize: 256, headroom: 32 });
    const big = pool.alloc(300);
    expect([big.capacity, big.headroom, big.pooled]).toEqual([332, 32, false]);
    expect(pool.alloc(224).pooled).toBe(true); // exactly fits
    big.release();
    expect(pool.stats).toMatchObject({ allocated: 2, oversize: 1, inUse: 1, released: 0 });
    expect(pool.freeCount).toBe(0);
  });

  it('detects double release without corrupting the free list', () => {
    const pool = new PacketPool({ bufferSize: 128, headroom: 0 });
    const a = pool.alloc();
    a.release();
    a.release();
    expect(pool.stats.doubleRelease).toBe(1);
    expect(pool.stats.released).toBe(1);
    expect(pool.stats.inUse).toBe(0);
    expect(pool.freeCount).toBe(1);
    const x = pool.alloc();
    const y = pool.alloc();
    expect(x).toBe(a);
    expect(y).not.toBe(a); // the free list held `a` only once
    // Released again after reuse: a normal release.
    x.release();
    expect(pool.stats.doubleRelease).toBe(1);
    expect(pool.stats.released).toBe(2);
  });

  it('keeps at most maxFree buffers, and still detects double release of a dropped one', () => {
    const pool = new PacketPool({ bufferSize: 64, headroom: 0, maxFree: 2 });
    const bufs = [pool.alloc(), pool.alloc(), pool.alloc()];
    for (const b of bufs) b.release();
    expect(pool.freeCount).toBe(2);
    expect(pool.stats.inUse).toBe(0);
    bufs[2].release();
    expect(pool.stats.doubleRelease).toBe(1);
    expect(pool.freeCount).toBe(2);
  });

  it('pools are independent', () => {
    const a = new PacketPool();
    const b = new PacketPool();
    a.alloc().release();
    expect(b.freeCount).toBe(0);
    expect(b.stats.allocated).toBe(0);
  });
});
