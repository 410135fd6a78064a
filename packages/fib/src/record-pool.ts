/**
 * Variable-size records in one growable buffer, seen as 32-bit words (`i32`) and as 16-bit halves
 * (`u16`, for packed leaves). A record is addressed by its first word. Freed records go to a free
 * list per size and are reused first, so a long-running table keeps its size under churn.
 */
export class RecordPool {
  i32: Int32Array;
  u16: Uint16Array;
  private used: number;
  private live = 0;
  private readonly free: number[][] = [];

  /** `reserved` words at the start are never handed out (so small offsets can mean "none"). */
  constructor(initialWords: number, maxRecordWords: number, reserved = 0) {
    this.i32 = new Int32Array(Math.max(initialWords, reserved + 16));
    this.u16 = new Uint16Array(this.i32.buffer);
    this.used = reserved;
    for (let i = 0; i <= maxRecordWords; i++) this.free.push([]);
  }

  /** Allocate `words` words (contents undefined) and return the offset of the first one. */
  alloc(words: number): number {
    this.live += words;
    const list = this.free[words];
    if (list.length > 0) return list.pop()!;
    const at = this.used;
    if (at + words > this.i32.length) this.grow(at + words);
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
    this.i32 = this.i32.slice(0, keep);
    this.u16 = new Uint16Array(this.i32.buffer);
  }

  byteLength(): number {
    return this.i32.byteLength;
  }

  /** Words in live records. */
  liveWords(): number {
    return this.live;
  }

  private grow(need: number): void {
    const grown = new Int32Array(Math.max(need, Math.ceil(this.i32.length * 1.5)));
    grown.set(this.i32);
    this.i32 = grown;
    this.u16 = new Uint16Array(grown.buffer);
  }
}
