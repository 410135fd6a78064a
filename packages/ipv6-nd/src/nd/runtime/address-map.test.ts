import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressMap } from './address-map.js';
import { word } from './address-words.js';

class Item {
  nextInBucket: Item | null = null;
  readonly w0: number;
  readonly w1: number;
  readonly w2: number;
  readonly w3: number;
  constructor(readonly bytes: Uint8Array) {
    this.w0 = word(bytes, 0);
    this.w1 = word(bytes, 4);
    this.w2 = word(bytes, 8);
    this.w3 = word(bytes, 12);
  }
}

describe('AddressMap', () => {
  it('behaves like a Map keyed by address text under random adds and deletes', () => {
    // Few distinct low bytes make collisions of whole addresses frequent; the hash spreads them.
    const address = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 16, maxLength: 16 }).map((a) => Uint8Array.from(a));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), address), { maxLength: 60 }), (ops) => {
        const map = new AddressMap<Item>();
        const model = new Map<string, Item>();
        for (const [add, bytes] of ops) {
          const key = bytes.join('.');
          const existing = map.get(bytes, 0);
          expect(existing).toBe(model.get(key));
          if (add && existing === undefined) {
            const item = new Item(bytes);
            map.add(item);
            model.set(key, item);
          } else if (!add && existing !== undefined) {
            expect(map.delete(existing)).toBe(true);
            expect(map.delete(existing)).toBe(false);
            model.delete(key);
          }
          expect(map.size).toBe(model.size);
        }
        expect(new Set(map.values())).toEqual(new Set(model.values()));
      }),
    );
  });
});
