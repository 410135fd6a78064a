/**
 * A byte array paired with a `Uint32Array` over the same memory, made once and passed to the
 * checksum functions (`onesComplementSum`, `internetChecksum`, `verifyChecksum`, ...) with every
 * region of that array they sum. With it, long regions are read a 32-bit word at a time without
 * creating a typed-array view per call, i.e. without allocating per packet. `PacketBuffer.words`
 * keeps one per buffer.
 *
 * The checksum functions use it only when `bytes` is the very array they are given, and ignore it
 * otherwise. Pairing the arrays makes that check one identity comparison: checking a bare
 * `Uint32Array` would compare both arrays' `.buffer`, getters that cost about 20 ns per call here
 * (a quarter of a 128- or 256-byte checksum, 5% of a 1500-byte one).
 * @public
 */
export class WordView {
  /** The byte array this view belongs to. */
  readonly bytes: Uint8Array;
  /**
   * 32-bit words of the same memory, in host byte order, starting at the aligned address at or
   * before `bytes[0]` and ending at the last whole word inside `bytes`.
   */
  readonly words: Uint32Array;
  /** Position of `bytes[0]` in `words`' first word: `bytes.byteOffset & 3`. */
  readonly lead: number;

  constructor(bytes: Uint8Array) {
    const lead = bytes.byteOffset & 3;
    this.bytes = bytes;
    this.lead = lead;
    this.words = new Uint32Array(bytes.buffer, bytes.byteOffset - lead, (lead + bytes.length) >>> 2);
  }
}
