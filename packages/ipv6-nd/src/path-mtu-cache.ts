import { Ipv6Address } from '@stack/core';
import { hash16, wordAt } from './address-bytes.js';
import type { PathMtuInfo } from './control-types.js';
import { IPV6_MIN_MTU } from './wire/index.js';

/** Slots probed from a destination's home slot; a lookup never looks further. */
const WINDOW = 8;

/**
 * Path MTUs learnt from packet too big messages (RFC 8201), per destination, in a bounded open-
 * addressing table of typed arrays: a lookup reads at most {@link WINDOW} slots and allocates
 * nothing. An estimate only ever decreases through a message, never below 1280 (RFC 8201 §4); it
 * ages out after `timeoutMs`, after which the link MTU is tried again (RFC 8201 §4: increases
 * happen only by timeout). When a destination's window is full, the entry closest to expiry
 * makes room.
 */
export class PathMtuCache {
  private readonly mask: number;
  private readonly keys: Uint32Array;
  private readonly mtus: Uint32Array;
  /** Clock time of expiry; 0 marks a free slot. */
  private readonly expires: Float64Array;
  private count = 0;

  constructor(
    maxEntries: number,
    private readonly timeoutMs: number,
    private readonly now: () => number,
  ) {
    let capacity = WINDOW;
    while (capacity < maxEntries) capacity *= 2;
    this.mask = capacity - 1;
    this.keys = new Uint32Array(capacity * 4);
    this.mtus = new Uint32Array(capacity);
    this.expires = new Float64Array(capacity);
  }

  /** Entries held (some may have expired but not yet been reclaimed). */
  get size(): number {
    return this.count;
  }

  /** The path MTU learnt for `b[o..o+16)`, or 0 when none holds now. */
  get(b: Uint8Array, o: number): number {
    if (this.count === 0) return 0;
    const slot = this.find(b, o);
    if (slot < 0) return 0;
    if (this.expires[slot] <= this.now()) {
      this.free(slot);
      return 0;
    }
    return this.mtus[slot];
  }

  /**
   * A packet too big message reported `mtu` for the destination `b[o..)` whose packets now leave
   * with `currentMtu`. Records it when it lowers the estimate (clamped to 1280); returns whether it
   * did. A report at or above the current estimate is ignored (RFC 8201 §4).
   */
  update(b: Uint8Array, o: number, mtu: number, currentMtu: number): boolean {
    const value = Math.max(IPV6_MIN_MTU, mtu);
    const now = this.now();
    let slot = this.find(b, o);
    const known = slot >= 0 && this.expires[slot] > now ? this.mtus[slot] : 0;
    const estimate = known > 0 ? Math.min(known, currentMtu) : currentMtu;
    if (value >= estimate) return false;
    if (slot < 0) slot = this.claim(b, o, now);
    this.mtus[slot] = value;
    this.expires[slot] = now + this.timeoutMs;
    return true;
  }

  /** Every live entry. */
  list(): PathMtuInfo[] {
    const out: PathMtuInfo[] = [];
    const now = this.now();
    for (let slot = 0; slot <= this.mask; slot++) {
      if (this.expires[slot] === 0 || this.expires[slot] <= now) continue;
      const bytes = new Uint8Array(16);
      for (let i = 0; i < 4; i++) {
        const w = this.keys[slot * 4 + i];
        bytes[4 * i] = w >>> 24;
        bytes[4 * i + 1] = w >>> 16;
        bytes[4 * i + 2] = w >>> 8;
        bytes[4 * i + 3] = w;
      }
      out.push({ destination: new Ipv6Address(bytes).toString(), mtu: this.mtus[slot], expiresIn: this.expires[slot] - now });
    }
    return out.sort((x, y) => (x.destination < y.destination ? -1 : x.destination > y.destination ? 1 : 0));
  }

  clear(): void {
    this.expires.fill(0);
    this.count = 0;
  }

  private find(b: Uint8Array, o: number): number {
    const home = hash16(b, o) & this.mask;
    const w0 = wordAt(b, o, 0);
    const w1 = wordAt(b, o, 1);
    const w2 = wordAt(b, o, 2);
    const w3 = wordAt(b, o, 3);
    const keys = this.keys;
    for (let i = 0; i < WINDOW; i++) {
      const slot = (home + i) & this.mask;
      if (this.expires[slot] === 0) continue;
      const k = slot * 4;
      if (keys[k] === w0 && keys[k + 1] === w1 && keys[k + 2] === w2 && keys[k + 3] === w3) return slot;
    }
    return -1;
  }

  /** A slot for a new key: a free or expired one in the window, else the one closest to expiry. */
  private claim(b: Uint8Array, o: number, now: number): number {
    const home = hash16(b, o) & this.mask;
    let victim = home;
    for (let i = 0; i < WINDOW; i++) {
      const slot = (home + i) & this.mask;
      const e = this.expires[slot];
      if (e === 0 || e <= now) {
        victim = slot;
        break;
      }
      if (e < this.expires[victim]) victim = slot;
    }
    if (this.expires[victim] === 0) this.count++;
    const k = victim * 4;
    for (let i = 0; i < 4; i++) this.keys[k + i] = wordAt(b, o, i);
    return victim;
  }

  private free(slot: number): void {
    this.expires[slot] = 0;
    this.count--;
  }
}
