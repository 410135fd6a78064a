import { describe, expect, it } from 'vitest';
import { PayloadSlab } from './payload-slab.js';

describe('PayloadSlab', () => {
  it('copies small payloads into a shared slab, independent of the source and of each other', () => {
    const slab = new PayloadSlab();
    const src = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    const a = slab.copy(src, 10, 5);
    const b = slab.copy(src, 100, 200);
    src.fill(0);
    expect([...a]).toEqual([10, 11, 12, 13, 14]);
    expect(b[0]).toBe(100);
    expect(b[199]).toBe(299 & 0xff);
    expect(a.buffer).toBe(b.buffer);
    expect(b.byteOffset % 8).toBe(0);
    b.fill(7);
    expect([...a]).toEqual([10, 11, 12, 13, 14]);
  });

  it('gives large payloads their own buffer and starts a new slab when one is full', () => {
    const slab = new PayloadSlab();
    const big = slab.copy(new Uint8Array(5000).fill(3), 0, 5000);
    expect(big.byteLength).toBe(5000);
    expect(big.buffer.byteLength).toBe(5000);
    const first = slab.copy(new Uint8Array(2048), 0, 2048);
    let last = first;
    for (let i = 0; i < 32; i++) last = slab.copy(new Uint8Array(2048).fill(i), 0, 2048);
    expect(last.buffer).not.toBe(first.buffer);
    expect(last[0]).toBe(31);
  });
});
