import type { Clock } from './clock.js';

/**
 * A token bucket on a stack's clock: `burst` tokens, refilled at `perSecond`. Rate-limits what a
 * protocol emits unprompted, such as ICMP errors (RFC 1812 §4.3.2.8, RFC 4443 §2.4 (f)).
 * Allocation-free.
 * @public
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly perMs: number;

  constructor(
    private readonly clock: Clock,
    perSecond: number,
    private readonly burst: number,
  ) {
    this.perMs = perSecond / 1000;
    this.tokens = burst;
    this.last = clock.now();
  }

  /** Take one token; false when none is left. */
  take(): boolean {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + (now - this.last) * this.perMs);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
