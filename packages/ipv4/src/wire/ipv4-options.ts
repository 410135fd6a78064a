/**
 * IPv4 option types (RFC 791 §3.1; IANA "ip-parameters").
 * @public
 */
export const Ipv4OptionType = {
  /** End of option list: one byte, everything after it is padding. */
  END: 0,
  /** No operation: one byte. */
  NOP: 1,
  RECORD_ROUTE: 7,
  TIMESTAMP: 68,
  LOOSE_SOURCE_ROUTE: 131,
  STRICT_SOURCE_ROUTE: 137,
  /** Router alert (RFC 2113). */
  ROUTER_ALERT: 148,
} as const;

/**
 * Most option bytes an IPv4 header can carry (IHL 15 → 60 bytes, minus the 20 fixed ones).
 * @public
 */
export const IPV4_MAX_OPTIONS_LENGTH = 40;

/**
 * Whether an option of type `type` is copied into every fragment (RFC 791 §3.1, the copied flag).
 * @public
 */
export function isIpv4OptionCopied(type: number): boolean {
  return (type & 0x80) !== 0;
}

/**
 * Length in bytes of the option starting at `at` in an options area ending at `end`: 1 for END
 * and NOP, the length byte for others, or -1 when the option is malformed (no room for its
 * length byte, a length below 2, or a length running past `end`) (RFC 791 §3.1).
 * @public
 */
export function ipv4OptionLengthAt(bytes: Uint8Array, at: number, end: number): number {
  const type = bytes[at];
  if (type === Ipv4OptionType.END || type === Ipv4OptionType.NOP) return 1;
  if (at + 1 >= end) return -1;
  const length = bytes[at + 1];
  if (length < 2 || at + length > end) return -1;
  return length;
}

/**
 * The offset of the first malformed byte in the options area `[offset, offset + length)`, or -1
 * when it is well formed: every option up to END (or the end of the area) has a length that fits,
 * and the options whose layout RFC 791 §3.1 fixes have it (record route and source routes: length
 * at least 3, pointer at least 4; timestamp: length at least 4, pointer at least 5; router alert,
 * RFC 2113: length 4). The offset is what an ICMP parameter problem points at (RFC 1122 §3.2.2.5).
 * Bytes after END are padding and are not examined.
 * @public
 */
export function ipv4OptionsProblemAt(bytes: Uint8Array, offset: number, length: number): number {
  const end = offset + length;
  let at = offset;
  while (at < end) {
    const type = bytes[at];
    if (type === Ipv4OptionType.END) return -1;
    const size = ipv4OptionLengthAt(bytes, at, end);
    if (size < 0) return at + 1 < end ? at + 1 : at;
    const problem = layoutProblemAt(bytes, at, size, type);
    if (problem >= 0) return problem;
    at += size;
  }
  return -1;
}

/** Type-specific layout checks of one option of `size` bytes at `at`; -1 when it is fine. */
function layoutProblemAt(bytes: Uint8Array, at: number, size: number, type: number): number {
  switch (type) {
    case Ipv4OptionType.RECORD_ROUTE:
    case Ipv4OptionType.LOOSE_SOURCE_ROUTE:
    case Ipv4OptionType.STRICT_SOURCE_ROUTE:
      if (size < 3) return at + 1;
      return bytes[at + 2] < 4 ? at + 2 : -1;
    case Ipv4OptionType.TIMESTAMP:
      if (size < 4) return at + 1;
      return bytes[at + 2] < 5 ? at + 2 : -1;
    case Ipv4OptionType.ROUTER_ALERT:
      return size !== 4 ? at + 1 : -1;
    default:
      return -1;
  }
}

/**
 * Whether the options area `[offset, offset + length)` is well formed (see
 * {@link ipv4OptionsProblemAt}).
 * @public
 */
export function areIpv4OptionsWellFormed(bytes: Uint8Array, offset: number, length: number): boolean {
  return ipv4OptionsProblemAt(bytes, offset, length) < 0;
}

/**
 * A reusable, allocation-free iterator over an IPv4 options area. It stops at END, at the end of
 * the area, or at the first malformed option (then {@link Ipv4OptionCursor.malformed} is true);
 * it never throws and never reads outside the area it was given.
 *
 * @example
 * ```ts
 * const cursor = new Ipv4OptionCursor();
 * cursor.reset(view.bytes, view.optionsOffset, view.optionsLength);
 * while (cursor.next()) if (cursor.type === Ipv4OptionType.ROUTER_ALERT) ...
 * ```
 * @public
 */
export class Ipv4OptionCursor {
  private _bytes: Uint8Array = new Uint8Array(0);
  private _at = 0;
  private _end = 0;
  private _malformed = false;
  /** Type byte of the current option. */
  type = -1;
  /** Absolute offset of the current option (its type byte). */
  optionOffset = 0;
  /** Total length of the current option (1 for NOP). */
  optionLength = 0;

  /** Points the cursor before the first option of `[offset, offset + length)`. */
  reset(bytes: Uint8Array, offset: number, length: number): this {
    const valid =
      Number.isInteger(offset) &&
      Number.isInteger(length) &&
      offset >= 0 &&
      length >= 0 &&
      offset + length <= bytes.length;
    this._bytes = bytes;
    this._at = valid ? offset : 0;
    this._end = valid ? offset + length : 0;
    this._malformed = !valid;
    this.type = -1;
    this.optionOffset = this._at;
    this.optionLength = 0;
    return this;
  }

  /** Moves to the next option; false when there is none (END reached, area exhausted, malformed). */
  next(): boolean {
    if (this._at >= this._end || this._bytes[this._at] === Ipv4OptionType.END) {
      this._at = this._end;
      return false;
    }
    const size = ipv4OptionLengthAt(this._bytes, this._at, this._end);
    if (size < 0) {
      this._malformed = true;
      this._at = this._end;
      return false;
    }
    this.type = this._bytes[this._at];
    this.optionOffset = this._at;
    this.optionLength = size;
    this._at += size;
    return true;
  }

  /** Whether iteration stopped at a malformed option (or the area given was not inside the buffer). */
  get malformed(): boolean {
    return this._malformed;
  }

  /** Absolute offset of the current option's data (after its type and length bytes). */
  get dataOffset(): number {
    return this.optionLength === 1 ? this.optionOffset + 1 : this.optionOffset + 2;
  }

  /** Length of the current option's data. */
  get dataLength(): number {
    return this.optionLength === 1 ? 0 : this.optionLength - 2;
  }
}

/**
 * One IPv4 option as a plain object.
 * @public
 */
export interface Ipv4Option {
  /** Option type byte (copied flag, class and number). */
  type: number;
  /** Option data after the type and length bytes (a copy; empty for NOP). */
  data: Uint8Array;
}

/**
 * Iterates the options of `[offset, offset + length)` as plain objects (a convenience over
 * {@link Ipv4OptionCursor}, which allocates nothing). Stops silently at a malformed option; never
 * throws.
 * @public
 */
export function* ipv4Options(
  bytes: Uint8Array,
  offset: number,
  length: number,
): Generator<Ipv4Option, void, undefined> {
  const cursor = new Ipv4OptionCursor().reset(bytes, offset, length);
  while (cursor.next()) {
    yield { type: cursor.type, data: bytes.slice(cursor.dataOffset, cursor.dataOffset + cursor.dataLength) };
  }
}
