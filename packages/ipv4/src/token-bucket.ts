import type { Clock } from '@stack/core';

/**
 * A token bucket: `burst` tokens, refilled at `perSecond`. Used to rate-limit ICMP errors
 * (RFC 1812 §4.3.2.8; RFC 1122 §3.2.2 recommends limiting them).
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

  /** Take one token; false when the bucket is empty. */
  take(): boolean {
    const now = this.clock.now();
    const refill = (now - this.last) * this.perMs;
    this.last = now;
    this.tokens = Math.min(this.burst, this.tokens + refill);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
