import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { incrementalUpdate16, incrementalUpdate32 } from './incremental-update.js';
import { internetChecksum } from './internet-checksum.js';
import { hex } from './reference.test-util.js';

/** Writes a 16-bit big-endian word. */
function put16(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value >>> 8;
  bytes[at + 1] = value & 0xff;
}

function get16(bytes: Uint8Array, at: number): number {
  return (bytes[at] << 8) | bytes[at + 1];
}

/** Recomputes the checksum of `bytes` with its field at `field` zeroed, and stores it. */
function seal(bytes: Uint8Array, field: number): number {
  put16(bytes, field, 0);
  const checksum = internetChecksum(bytes, 0, bytes.length);
  put16(bytes, field, checksum);
  return checksum;
}

describe('incrementalUpdate16 (RFC 1624 eqn. 3)', () => {
  it('updates an IPv4 header checksum after a TTL decrement', () => {
    const header = hex('4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7');
    const oldWord = get16(header, 8);
    header[8]--; // TTL 64 -> 63
    const updated = incrementalUpdate16(0xb861, oldWord, get16(header, 8));
    expect(updated).toBe(seal(header, 10));
    expect(updated).toBe(0xb961);
  });

  it('gives 0x0000, not 0xffff, when the recomputed checksum is 0x0000 (RFC 1624 §3)', () => {
    // Data words 0x0001, 0x00ff, checksum word. Changing 0x0001 to 0xff00 makes the data sum
    // 0xffff, so the recomputed checksum is 0x0000; RFC 1141's form would give 0xffff.
    const bytes = hex('0001 00ff 0000');
    expect(seal(bytes, 4)).toBe(0xfeff);
    put16(bytes, 0, 0xff00);
    expect(seal(bytes, 4)).toBe(0x0000);
    expect(incrementalUpdate16(0xfeff, 0x0001, 0xff00)).toBe(0x0000);
  });

  it('leaves the checksum unchanged when the word does not change, including 0x0000/0xffff words', () => {
    expect(incrementalUpdate16(0x1234, 0xffff, 0xffff)).toBe(0x1234);
    expect(incrementalUpdate16(0x1234, 0x0000, 0x0000)).toBe(0x1234);
    // +0 and -0 are the same number in one's complement: swapping them keeps the checksum.
    expect(incrementalUpdate16(0x1234, 0x0000, 0xffff)).toBe(0x1234);
  });

  it('agrees with full recomputation for random headers and changes (property)', () => {
    const word = fc.oneof(fc.constant(0), fc.constant(0xffff), fc.integer({ min: 0, max: 0xffff }));
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 2, maxLength: 30 }),
        fc.nat(),
        fc.nat(),
        word,
        (words, fieldPick, changePick, newWord) => {
          const bytes = new Uint8Array(words.length * 2);
          words.forEach((w, i) => put16(bytes, 2 * i, w));
          const field = (fieldPick % words.length) * 2;
          let at = (changePick % (words.length - 1)) * 2;
          if (at >= field) at += 2; // any word but the checksum field
          const oldChecksum = seal(bytes, field);
          const oldWord = get16(bytes, at);
          put16(bytes, at, newWord);
          const recomputed = seal(bytes, field);
          const incremental = incrementalUpdate16(oldChecksum, oldWord, newWord);
          // Eqn. 3 matches recomputation exactly, except when every data word is zero after the
          // change (the sum is +0, an impossible IPv4 header): then it yields 0xffff vs 0x0000,
          // and the same in reverse. Both verify, as +0 and -0 are equal in one's complement.
          if (bytes.some((b, i) => b !== 0 && i >> 1 !== field >> 1)) expect(incremental).toBe(recomputed);
          else expect([0x0000, 0xffff]).toContain(incremental);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('incrementalUpdate32', () => {
  it('agrees with full recomputation after a NAT address rewrite (property)', () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffff_ffff }), fc.nat({ max: 0xffff_ffff }), (oldAddress, newAddress) => {
        const header = hex('4500 0073 0000 4000 4011 0000 c0a8 0001 c0a8 00c7');
        new DataView(header.buffer).setUint32(12, oldAddress);
        const oldChecksum = seal(header, 10);
        new DataView(header.buffer).setUint32(12, newAddress);
        expect(incrementalUpdate32(oldChecksum, oldAddress, newAddress)).toBe(seal(header, 10));
      }),
      { numRuns: 2000 },
    );
  });

  it('equals two 16-bit updates', () => {
    const a = incrementalUpdate32(0xb861, 0xc0a80001, 0x0a000001);
    const b = incrementalUpdate16(incrementalUpdate16(0xb861, 0xc0a8, 0x0a00), 0x0001, 0x0001);
    expect(a).toBe(b);
  });
});
