import type { Clock } from '@stack/core';

/**
 * A token bucket on the stack clock: `burst` tokens, refilled at `perSecond`. Limits the rate of
 * ICMPv6 error messages (RFC 4443 §2.4 (f)).
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
