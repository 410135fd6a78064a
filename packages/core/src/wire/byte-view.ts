/**
 * Whether `[offset, offset + length)` is a well-formed range inside `bytes` (integers, not negative,
 * not past the end). Views and parsers check this first so that no caller-supplied range can make
 * them misbehave.
 * @public
 */
export function isValidRegion(bytes: Uint8Array, offset: number, length: number): boolean {
  return Number.isInteger(offset) && Number.isInteger(length) && offset >= 0 && length >= 0 && offset + length <= bytes.length;
}

/**
 * Base of the checked wire-format views (DESIGN.md §4): a re-pointable window over bytes with
 * big-endian field accessors. One instance serves every packet; subclasses add `check()` and named
 * fields. Accessors do no bounds checks: they are valid only after the subclass's `check()` passed.
 * @public
 */
export abstract class ByteView {
  protected _bytes: Uint8Array;
  protected _offset: number;
  protected _length: number;

  constructor(bytes: Uint8Array = new Uint8Array(0), offset = 0, length = bytes.length - offset) {
    this._bytes = bytes;
    this._offset = offset;
    this._length = length;
  }

  /** Points the view at other bytes; returns the view for chaining. */
  reset(bytes: Uint8Array, offset: number, length: number): this {
    this._bytes = bytes;
    this._offset = offset;
    this._length = length;
    return this;
  }

  /** The underlying buffer. */
  get bytes(): Uint8Array {
    return this._bytes;
  }

  /** Where the viewed bytes start in {@link ByteView.bytes}. */
  get offset(): number {
    return this._offset;
  }

  /** Number of bytes the view covers (may include link padding after the packet). */
  get length(): number {
    return this._length;
  }

  /** Whether the window is a valid region of at least `minLength` bytes. */
  protected hasAtLeast(minLength: number): boolean {
    return isValidRegion(this._bytes, this._offset, this._length) && this._length >= minLength;
  }

  /** Big-endian 16-bit field at `field` bytes from the start. */
  protected read16(field: number): number {
    return this.read16At(this._offset + field);
  }

  protected write16(field: number, value: number): void {
    this.write16At(this._offset + field, value);
  }

  /** Big-endian unsigned 32-bit field at `field` bytes from the start. */
  protected read32(field: number): number {
    return this.read32At(this._offset + field);
  }

  protected write32(field: number, value: number): void {
    this.write32At(this._offset + field, value);
  }

  /** Big-endian 16-bit value at an absolute index of {@link ByteView.bytes}. */
  protected read16At(at: number): number {
    return (this._bytes[at] << 8) | this._bytes[at + 1];
  }

  protected write16At(at: number, value: number): void {
    this._bytes[at] = value >>> 8;
    this._bytes[at + 1] = value;
  }

  protected read32At(at: number): number {
    const b = this._bytes;
    return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
  }

  protected write32At(at: number, value: number): void {
    const b = this._bytes;
    b[at] = value >>> 24;
    b[at + 1] = value >>> 16;
    b[at + 2] = value >>> 8;
    b[at + 3] = value;
  }
}
