import { describe, expect, it } from 'vitest';
import { DIRECT_CODES, LeafCodes } from './leaf-codes.js';
import { GROUP_BASE } from './next-hops.js';

describe('LeafCodes', () => {
  it('codes small next-hop ids directly and the others through the table, and reuses freed slots', () => {
    const c = new LeafCodes();
    expect(c.acquire(5)).toBe(6);
    expect(c.idOf(6)).toBe(5);
    expect(c.idOf(0)).toBe(-1);
    const big = c.acquire(0x9000);
    const group = c.acquire(GROUP_BASE + 3);
    expect(big).toBeGreaterThanOrEqual(DIRECT_CODES);
    expect(group).toBe(big + 1);
    expect([c.idOf(big), c.idOf(group), c.groups, c.count()]).toEqual([0x9000, GROUP_BASE + 3, 1, 3]);
    expect(c.acquire(0x9000)).toBe(big);
    expect(c.release(big)).toBe(false);
    expect(c.release(big)).toBe(true);
    expect(c.codeOf(0x9000)).toBe(0);
    expect(c.acquire(0x9001)).toBe(big);
    expect(c.release(group)).toBe(true);
    expect(c.groups).toBe(0);
    expect(c.release(6)).toBe(true);
    expect(c.count()).toBe(1);
  });
});
