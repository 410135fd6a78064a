import { hashWords, word } from './address-words.js';

/** What an {@link AddressMap} stores: an object carrying its IPv6 address as four words and a chain link. @internal */
export interface AddressKeyed<T> {
  readonly w0: number;
  readonly w1: number;
  readonly w2: number;
  readonly w3: number;
  /** Next object in the same hash bucket; owned by the map. */
  nextInBucket: T | null;
}

/**
 * Objects keyed by a 128-bit IPv6 address, looked up straight from packet bytes without allocating:
 * a `Map` from a 32-bit hash of the address words (a small integer key) to an intrusive chain of
 * the objects in that bucket.
 * @internal
 */
export class AddressMap<T extends AddressKeyed<T>> {
  private readonly buckets = new Map<number, T>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The object for the address at `bytes[at..at+16)`, or undefined. Allocation-free. */
  get(bytes: Uint8Array, at: number): T | undefined {
    return this.getWords(word(bytes, at), word(bytes, at + 4), word(bytes, at + 8), word(bytes, at + 12));
  }

  getWords(w0: number, w1: number, w2: number, w3: number): T | undefined {
    for (let e = this.buckets.get(hashWords(w0, w1, w2, w3)); e !== undefined && e !== null; e = e.nextInBucket ?? undefined) {
      if (e.w3 === w3 && e.w2 === w2 && e.w1 === w1 && e.w0 === w0) return e;
    }
    return undefined;
  }

  /** Add `entry`; the caller made sure its address is not in the map yet. */
  add(entry: T): void {
    const key = hashWords(entry.w0, entry.w1, entry.w2, entry.w3);
    entry.nextInBucket = this.buckets.get(key) ?? null;
    this.buckets.set(key, entry);
    this.count++;
  }

  /** Remove `entry`; returns whether it was there. */
  delete(entry: T): boolean {
    const key = hashWords(entry.w0, entry.w1, entry.w2, entry.w3);
    let prev: T | null = null;
    for (let e: T | null = this.buckets.get(key) ?? null; e !== null; prev = e, e = e.nextInBucket) {
      if (e !== entry) continue;
      if (prev === null) {
        if (e.nextInBucket === null) this.buckets.delete(key);
        else this.buckets.set(key, e.nextInBucket);
      } else {
        prev.nextInBucket = e.nextInBucket;
      }
      e.nextInBucket = null;
      this.count--;
      return true;
    }
    return false;
  }

  /** A snapshot of every object (safe to modify the map while walking it). */
  values(): T[] {
    const out: T[] = [];
    for (const head of this.buckets.values()) for (let e: T | null = head; e !== null; e = e.nextInBucket) out.push(e);
    return out;
  }

  clear(): void {
    this.buckets.clear();
    this.count = 0;
  }
}
