import { NdOptionType } from './nd-constants.js';

/**
 * Why the options of an ND message were refused (RFC 4861 §6.1, §7.1, §8.1: "all included options
 * have a length that is greater than zero"; an option may not run past the message):
 * - `'zero-option-length'`: an option's length field is 0;
 * - `'option-overrun'`: an option runs past the end of the message (or only part of a header fits);
 * - `'bad-option'`: a known option whose length does not fit its format (RFC 4861 §4.6).
 * @public
 */
export type NdOptionFailure = 'zero-option-length' | 'option-overrun' | 'bad-option';

/**
 * The options of one ND message, located in one pass without allocating: the offset of the body
 * (after type and length) of the first option of each kind that ND acts on, or -1. A reusable
 * object: {@link NdOptionScan.scan} clears it first.
 * @public
 */
export class NdOptionScan {
  /** Body offset and length of the source link-layer address option (RFC 4861 §4.6.1). */
  sllaOffset = -1;
  sllaLength = 0;
  /** Body offset and length of the target link-layer address option. */
  tllaOffset = -1;
  tllaLength = 0;
  /** Offset of the MTU option's body (RFC 4861 §4.6.4). */
  mtuOffset = -1;
  /** Offset and length of the nonce (RFC 3971 §5.3.2, used by RFC 7527 for DAD). */
  nonceOffset = -1;
  nonceLength = 0;
  /** Offset and length of the redirected header option's body (RFC 4861 §4.6.3). */
  redirectedOffset = -1;
  redirectedLength = 0;
  /** Number of prefix information options (RFC 4861 §4.6.2). */
  prefixCount = 0;

  /**
   * Check and locate the options at `bytes[from..end)`; `null` when every option is well formed.
   * Never throws; `from`/`end` must describe a range inside `bytes`.
   */
  scan(bytes: Uint8Array, from: number, end: number): NdOptionFailure | null {
    this.sllaOffset = this.tllaOffset = this.mtuOffset = this.nonceOffset = this.redirectedOffset = -1;
    this.sllaLength = this.tllaLength = this.nonceLength = this.redirectedLength = this.prefixCount = 0;
    let at = from;
    while (at < end) {
      if (at + 2 > end) return 'option-overrun';
      const type = bytes[at];
      const units = bytes[at + 1];
      if (units === 0) return 'zero-option-length';
      const length = units * 8;
      if (at + length > end) return 'option-overrun';
      const body = at + 2;
      const bodyLength = length - 2;
      switch (type) {
        case NdOptionType.SOURCE_LINK_ADDRESS:
          if (this.sllaOffset < 0) {
            this.sllaOffset = body;
            this.sllaLength = bodyLength;
          }
          break;
        case NdOptionType.TARGET_LINK_ADDRESS:
          if (this.tllaOffset < 0) {
            this.tllaOffset = body;
            this.tllaLength = bodyLength;
          }
          break;
        case NdOptionType.PREFIX_INFORMATION:
          if (units !== 4) return 'bad-option';
          this.prefixCount++;
          break;
        case NdOptionType.MTU:
          if (units !== 1) return 'bad-option';
          if (this.mtuOffset < 0) this.mtuOffset = body;
          break;
        case NdOptionType.NONCE:
          if (this.nonceOffset < 0) {
            this.nonceOffset = body;
            this.nonceLength = bodyLength;
          }
          break;
        case NdOptionType.REDIRECTED_HEADER:
          if (this.redirectedOffset < 0) {
            this.redirectedOffset = body + 6;
            this.redirectedLength = bodyLength - 6;
          }
          break;
        default:
          // RFC 4861 §4.6: unrecognised options are skipped.
          break;
      }
      at += length;
    }
    return null;
  }
}

/**
 * Offset of the next option of `type` at or after `at` in `bytes[at..end)` (options already checked
 * by {@link NdOptionScan.scan}), or -1. Walks prefix information options without allocating:
 * `for (let o = findNdOption(b, t, at, end); o >= 0; o = findNdOption(b, t, o + b[o + 1] * 8, end))`.
 * @public
 */
export function findNdOption(bytes: Uint8Array, type: number, at: number, end: number): number {
  while (at + 2 <= end) {
    const units = bytes[at + 1];
    if (units === 0) return -1;
    if (bytes[at] === type) return at;
    at += units * 8;
  }
  return -1;
}
