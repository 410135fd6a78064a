/** Longest piece of offending text quoted in a message; hostile input can be arbitrarily long. */
const MAX_QUOTED_TEXT = 64;

/**
 * Thrown when text is not a valid address, prefix or netmask. Carries the offending text and the
 * reason separately so callers (CLIs, config loaders) can report them their own way.
 *
 * @example `invalid IPv4 address "1.2.3": expected 4 parts`
 * @public
 */
export class AddressError extends Error {
  override readonly name = 'AddressError';
  /** What was being parsed, e.g. `'IPv4 address'`, `'prefix'`. */
  readonly kind: string;
  /** The offending text, exactly as given. */
  readonly text: string;
  /** Why it was rejected, e.g. `'expected 4 parts'`. */
  readonly reason: string;

  constructor(kind: string, text: string, reason: string) {
    const quoted = text.length > MAX_QUOTED_TEXT ? `${text.slice(0, MAX_QUOTED_TEXT)}...` : text;
    super(`invalid ${kind} "${quoted}": ${reason}`);
    this.kind = kind;
    this.text = text;
    this.reason = reason;
  }
}
