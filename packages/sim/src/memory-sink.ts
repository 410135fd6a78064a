/**
 * Collects the chunks of a {@link PcapWriter} (or anything else written chunk by chunk) in memory.
 * Pass `sink.write` as the writer's sink.
 * @public
 */
export class MemorySink {
  private readonly chunks: Uint8Array[] = [];
  private total = 0;

  /** Append a chunk (kept by reference). Bound, so it can be passed around on its own. */
  readonly write = (chunk: Uint8Array): void => {
    this.chunks.push(chunk);
    this.total += chunk.length;
  };

  /** Bytes collected so far. */
  get byteLength(): number {
    return this.total;
  }

  /** Everything collected, as one new array. */
  bytes(): Uint8Array {
    const all = new Uint8Array(this.total);
    let offset = 0;
    for (const chunk of this.chunks) {
      all.set(chunk, offset);
      offset += chunk.length;
    }
    return all;
  }
}
