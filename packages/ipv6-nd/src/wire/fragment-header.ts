import { ByteView, isValidRegion } from '@stack/core';
import type { Ipv6ExtensionFailure, Ipv6ExtensionParseError } from './options-header.js';

/**
 * Length of the Fragment header (RFC 8200 §4.5).
 * @public
 */
export const IPV6_FRAGMENT_HEADER_LENGTH = 8;

const NEXT_HEADER = 0;
const OFFSET_FLAGS = 2;
const IDENTIFICATION = 4;

/**
 * A re-pointable view over a Fragment header (RFC 8200 §4.5). Call `check` after every `reset`.
 * @public
 */
export class Ipv6FragmentHeaderView extends ByteView {
  /** `null` when the 8 bytes are there. Never throws. */
  check(): Ipv6ExtensionFailure | null {
    return this.hasAtLeast(IPV6_FRAGMENT_HEADER_LENGTH) ? null : 'truncated';
  }

  /** Next Header of the fragmentable part (the original packet's first header after the unfragmentable part). */
  get nextHeader(): number {
    return this._bytes[this._offset + NEXT_HEADER];
  }

  set nextHeader(value: number) {
    this._bytes[this._offset + NEXT_HEADER] = value;
  }

  /** Offset of this fragment's data in the fragmentable part, in bytes (a multiple of 8). */
  get fragmentOffset(): number {
    return this.read16(OFFSET_FLAGS) & 0xfff8;
  }

  set fragmentOffset(value: number) {
    this.write16(OFFSET_FLAGS, (value & 0xfff8) | (this.read16(OFFSET_FLAGS) & 0x0007));
  }

  /** M flag: more fragments follow. */
  get moreFragments(): boolean {
    return (this._bytes[this._offset + OFFSET_FLAGS + 1] & 1) !== 0;
  }

  set moreFragments(value: boolean) {
    const at = this._offset + OFFSET_FLAGS + 1;
    this._bytes[at] = value ? this._bytes[at] | 1 : this._bytes[at] & ~1;
  }

  /** An atomic fragment: offset 0 and M clear, a whole packet in one fragment (RFC 6946). */
  get isAtomic(): boolean {
    return (this.read16(OFFSET_FLAGS) & 0xfff9) === 0;
  }

  get identification(): number {
    return this.read32(IDENTIFICATION);
  }

  set identification(value: number) {
    this.write32(IDENTIFICATION, value);
  }
}

/**
 * A Fragment header as a plain object. The reserved fields are written as zero and ignored on
 * receipt (RFC 8200 §4.5).
 * @public
 */
export interface Ipv6FragmentHeader {
  nextHeader: number;
  /** Offset in bytes, a multiple of 8 up to 65528. */
  fragmentOffset: number;
  moreFragments: boolean;
  /** 32-bit identification. */
  identification: number;
}

/**
 * Parses the Fragment header at `[offset, offset + length)`. Never throws.
 * @public
 */
export function parseIpv6FragmentHeader(bytes: Uint8Array, offset: number, length: number): Ipv6FragmentHeader | Ipv6ExtensionParseError {
  if (!isValidRegion(bytes, offset, length)) return { error: 'truncated' };
  const view = new Ipv6FragmentHeaderView(bytes, offset, length);
  const failure = view.check();
  if (failure !== null) return { error: failure };
  return {
    nextHeader: view.nextHeader,
    fragmentOffset: view.fragmentOffset,
    moreFragments: view.moreFragments,
    identification: view.identification,
  };
}

/**
 * Writes `header` at `offset` (reserved fields zero) and returns 8.
 * @public
 */
export function emitIpv6FragmentHeader(header: Ipv6FragmentHeader, bytes: Uint8Array, offset: number): number {
  const word = (header.fragmentOffset & 0xfff8) | (header.moreFragments ? 1 : 0);
  const id = header.identification >>> 0;
  bytes[offset] = header.nextHeader;
  bytes[offset + 1] = 0;
  bytes[offset + 2] = word >>> 8;
  bytes[offset + 3] = word;
  bytes[offset + 4] = id >>> 24;
  bytes[offset + 5] = id >>> 16;
  bytes[offset + 6] = id >>> 8;
  bytes[offset + 7] = id;
  return IPV6_FRAGMENT_HEADER_LENGTH;
}
