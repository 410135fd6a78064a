import type { WordStorage } from './lookup-memory.js';

/** Plain typed arrays (the control plane's storage). */
class ArrayStorage implements WordStorage {
  i32: Int32Array;
  u16: Uint16Array;

  constructor(words: number) {
    this.i32 = new Int32Array(words);
    this.u16 = new Uint16Array(this.i32.buffer);
  }

  resize(words: number, keep: number): void {
    const next = new Int32Array(words);
    next.set(this.i32.subarray(0, Math.min(keep, words)));
    this.i32 = next;
    this.u16 = new Uint16Array(next.buffer);
  }
}

/**
 * Variable-size records in one growable buffer, seen as 32-bit words (`i32`) and as 16-bit halves
 * (`u16`, for packed leaves). A record is addressed by its first word. Freed records go to a free
 * list per size and are reused first, so a long-running table keeps its size under churn.
 */
export class RecordPool {
  i32: Int32Array;
  u16: Uint16Array;
  private readonly storage: WordStorage;
  private used: number;
  private live = 0;
  private readonly free: number[][] = [];

  /**
   * `reserved` words at the start are never handed out (so small offsets can mean "none").
   * `storage`, when given, holds at least `max(initialWords, reserved + 16)` words already.
   */
  constructor(initialWords: number, maxRecordWords: number, reserved = 0, storage?: WordStorage) {
    this.storage = storage ?? new ArrayStorage(Math.max(initialWords, reserved + 16));
    this.i32 = this.storage.i32;
    this.u16 = this.storage.u16;
    this.used = reserved;
    for (let i = 0; i <= maxRecordWords; i++) this.free.push([]);
  }

  /** Allocate `words` words (contents undefined) and return the offset of the first one. */
  alloc(words: number): number {
    this.live += words;
    const list = this.free[words];
    if (list.length > 0) return list.pop()!;
    const at = this.used;
    if (at + words > this.i32.length) this.resize(Math.max(at + words, Math.ceil(this.i32.length * 1.5)));
    this.used = at + words;
    return at;
  }

  /** Give back a record allocated with the same size. */
  release(at: number, words: number): void {
    this.live -= words;
    this.free[words].push(at);
  }

  /** Shrink the buffer to the words handed out so far, plus a little room (after a bulk load). */
  trim(): void {
    const keep = this.used + Math.min(4096, this.used >>> 6);
    if (this.i32.length <= keep + 1024) return;
    this.resize(keep);
  }

  byteLength(): number {
    return this.i32.byteLength;
  }

  /** Words in live records. */
  liveWords(): number {
    return this.live;
  }

  private resize(words: number): void {
    this.storage.resize(words, this.used);
    this.i32 = this.storage.i32;
    this.u16 = this.storage.u16;
  }
}
