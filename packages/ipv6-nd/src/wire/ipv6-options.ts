/**
 * Option types of the Hop-by-Hop and Destination Options headers (RFC 8200 §4.2; IANA
 * "Destination Options and Hop-by-Hop Options").
 * @public
 */
export const Ipv6OptionType = {
  /** One byte of padding, no length field. */
  PAD1: 0x00,
  /** N bytes of padding. */
  PADN: 0x01,
  /** Tunnel encapsulation limit (RFC 2473 §5.1), a Destination option. */
  TUNNEL_ENCAPSULATION_LIMIT: 0x04,
  /** Router alert (RFC 2711): routers examine the packet. Value 0 is MLD. */
  ROUTER_ALERT: 0x05,
  /** Jumbo payload (RFC 2675); not supported here. */
  JUMBO_PAYLOAD: 0xc2,
  /** Home address (RFC 6275 §6.3), a Destination option. */
  HOME_ADDRESS: 0xc9,
} as const;

/**
 * What a node does with an option it does not recognise: the two high-order bits of its type
 * (RFC 8200 §4.2).
 * @public
 */
export const Ipv6OptionAction = {
  /** 00: skip it and continue. */
  SKIP: 0,
  /** 01: discard the packet. */
  DISCARD: 1,
  /** 10: discard and send ICMPv6 parameter problem code 2, even to a multicast destination. */
  DISCARD_ICMP: 2,
  /** 11: discard and send parameter problem code 2 unless the destination is multicast. */
  DISCARD_ICMP_UNICAST: 3,
} as const;

/**
 * The {@link Ipv6OptionAction} encoded in an option type.
 * @public
 */
export function ipv6OptionAction(type: number): number {
  return (type >>> 6) & 3;
}

/**
 * Whether an option's data may change en route (the third-highest bit of its type, RFC 8200 §4.2).
 * @public
 */
export function ipv6OptionMayChange(type: number): boolean {
  return (type & 0x20) !== 0;
}

/**
 * An option as a plain object. Pad1 has no length byte and empty `data`.
 * @public
 */
export interface Ipv6Option {
  type: number;
  /** Option data (a copy); at most 255 bytes. */
  data: Uint8Array;
}

/**
 * Allocation-free walker over the TLV-encoded options area `[offset, offset + length)` of a
 * Hop-by-Hop or Destination Options header (RFC 8200 §4.2). After each `next()` that returned
 * true, the fields describe the current option. `next()` returns false at the end of the area
 * or at a malformed option (one whose length byte is missing or runs past the end); `malformed`
 * tells which. Never throws.
 * @public
 */
export class Ipv6OptionCursor {
  private bytes: Uint8Array = new Uint8Array(0);
  private position = 0;
  private end = 0;
  /** Type of the current option. */
  type = 0;
  /** Absolute offset of the current option's type byte. */
  optionOffset = 0;
  /** Bytes of the current option, type and length bytes included (1 for Pad1). */
  optionLength = 0;
  /** Absolute offset of the current option's data. */
  dataOffset = 0;
  dataLength = 0;
  /** True when iteration stopped at a malformed option. */
  malformed = false;

  reset(bytes: Uint8Array, offset: number, length: number): this {
    this.bytes = bytes;
    const valid = Number.isInteger(offset) && Number.isInteger(length) && offset >= 0 && length >= 0 && offset + length <= bytes.length;
    this.position = valid ? offset : 0;
    this.end = valid ? offset + length : 0;
    this.malformed = !valid;
    return this;
  }

  next(): boolean {
    if (this.malformed || this.position >= this.end) return false;
    const b = this.bytes;
    const at = this.position;
    const type = b[at];
    this.type = type;
    this.optionOffset = at;
    if (type === Ipv6OptionType.PAD1) {
      this.optionLength = 1;
      this.dataOffset = at + 1;
      this.dataLength = 0;
      this.position = at + 1;
      return true;
    }
    if (at + 2 > this.end || at + 2 + b[at + 1] > this.end) {
      this.malformed = true;
      return false;
    }
    const dataLength = b[at + 1];
    this.optionLength = 2 + dataLength;
    this.dataOffset = at + 2;
    this.dataLength = dataLength;
    this.position = at + 2 + dataLength;
    return true;
  }
}

/**
 * Whether the options area `[offset, offset + length)` is a well-formed sequence of TLVs that fills
 * it exactly. Never throws.
 * @public
 */
export function areIpv6OptionsWellFormed(bytes: Uint8Array, offset: number, length: number): boolean {
  const cursor = new Ipv6OptionCursor().reset(bytes, offset, length);
  while (cursor.next()) {
    // walk to the end
  }
  return !cursor.malformed;
}

/**
 * The options of the area `[offset, offset + length)` as plain objects (copies), padding
 * included; stops at a malformed option. Never throws.
 * @public
 */
export function* ipv6Options(bytes: Uint8Array, offset: number, length: number): Generator<Ipv6Option, void, undefined> {
  const cursor = new Ipv6OptionCursor().reset(bytes, offset, length);
  while (cursor.next()) {
    yield { type: cursor.type, data: bytes.slice(cursor.dataOffset, cursor.dataOffset + cursor.dataLength) };
  }
}

/**
 * Encoded length of one option: 1 for Pad1, else 2 plus its data.
 * @public
 */
export function ipv6OptionLength(option: Ipv6Option): number {
  return option.type === Ipv6OptionType.PAD1 ? 1 : 2 + option.data.length;
}

/**
 * `options` followed by the Pad1 or PadN option that brings an options header (2 bytes of next
 * header and length, then the options) to a multiple of 8 bytes (RFC 8200 §4.2); the same list
 * when it already is. PadN carries zeros.
 * @public
 */
export function padIpv6Options(options: readonly Ipv6Option[]): Ipv6Option[] {
  let length = 2;
  for (const o of options) length += ipv6OptionLength(o);
  const missing = (8 - (length & 7)) & 7;
  if (missing === 0) return [...options];
  if (missing === 1) return [...options, { type: Ipv6OptionType.PAD1, data: new Uint8Array(0) }];
  return [...options, { type: Ipv6OptionType.PADN, data: new Uint8Array(missing - 2) }];
}
