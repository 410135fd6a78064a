import { formatIpv4 } from '../addr/ipv4-text.js';
import { Ipv6Address } from '../addr/ipv6-address.js';

/** Slots probed from a destination's home slot; a lookup never looks further. */
const WINDOW = 8;

/**
 * One entry of a path MTU cache, for listings (`ipv4`/`ipv6` control services).
 * @public
 */
export interface PathMtuInfo {
  /** Destination as text (dotted quad, or RFC 5952 for IPv6). */
  readonly destination: string;
  /** Path MTU learnt from a "fragmentation needed" / "packet too big" message. */
  readonly mtu: number;
  /** Milliseconds until the entry ages out and the larger MTU is tried again. */
  readonly expiresIn: number;
}

/**
 * Parameters of a {@link PathMtuCache}: everything that differs between the families.
 * @public
 */
export interface PathMtuCacheOptions {
  /** Bytes of a destination address: 4 (IPv4) or 16 (IPv6). */
  readonly addressLength: 4 | 16;
  /** Destinations remembered; a new one beyond this replaces the entry closest to expiry. */
  readonly maxEntries: number;
  /** How long a learnt path MTU holds before the larger MTU is tried again. */
  readonly timeoutMs: number;
  /** The lowest estimate a report may set: a lower reported MTU is raised to this. */
  readonly minMtu: number;
  /** The stack clock, in ms. */
  readonly now: () => number;
}

/**
 * Path MTUs learnt from ICMP "fragmentation needed" (RFC 1191) or ICMPv6 "packet too big"
 * (RFC 8201) messages, per destination, in a bounded open-addressing table of typed arrays keyed
 * by the destination's address bytes (4 or 16). A lookup reads at most 8 slots and allocates
 * nothing; an empty cache answers after one comparison. An estimate only ever decreases through
 * a message, never below `minMtu`; it ages out after `timeoutMs`, after which the route's MTU is
 * tried again (RFC 1191 §6.3, RFC 8201 §4: increases happen only by timeout). When a
 * destination's window is full, the entry closest to expiry makes room, so a flood of reports for
 * distinct destinations never grows the table. One per network protocol per stack.
 * @public
 */
export class PathMtuCache {
  /** Bytes per key: 4 or 16. */
  readonly addressLength: 4 | 16;
  private readonly words: number;
  private readonly mask: number;
  private readonly keys: Uint32Array;
  private readonly mtus: Uint32Array;
  /** Clock time of expiry; 0 marks a free slot. */
  private readonly expires: Float64Array;
  private readonly timeoutMs: number;
  private readonly minMtu: number;
  private readonly now: () => number;
  private count = 0;

  constructor(options: PathMtuCacheOptions) {
    const { addressLength, maxEntries, timeoutMs, minMtu } = options;
    if (addressLength !== 4 && addressLength !== 16) throw new RangeError(`PathMtuCache: addressLength must be 4 or 16, got ${String(addressLength)}`);
    if (!Number.isInteger(maxEntries) || maxEntries < 1 || maxEntries > 1 << 24) throw new RangeError(`PathMtuCache: maxEntries must be an integer in 1..${1 << 24}, got ${String(maxEntries)}`);
    if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) throw new RangeError(`PathMtuCache: timeoutMs must be a finite number > 0, got ${String(timeoutMs)}`);
    if (!Number.isInteger(minMtu) || minMtu < 0 || minMtu > 0xffff) throw new RangeError(`PathMtuCache: minMtu must be an integer in 0..65535, got ${String(minMtu)}`);
    this.addressLength = addressLength;
    this.words = addressLength >>> 2;
    this.timeoutMs = timeoutMs;
    this.minMtu = minMtu;
    this.now = options.now;
    let capacity = WINDOW;
    while (capacity < maxEntries) capacity *= 2;
    this.mask = capacity - 1;
    this.keys = new Uint32Array(capacity * this.words);
    this.mtus = new Uint32Array(capacity);
    this.expires = new Float64Array(capacity);
  }

  /** Entries held (some may have expired but not yet been reclaimed). Zero means every `get` answers 0. */
  get size(): number {
    return this.count;
  }

  /** The path MTU learnt for the destination at `b[o..o+addressLength)`, or 0 when none holds now. */
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
   * A message reported `mtu` for the destination at `b[o..)` whose packets now leave with
   * `currentMtu` (the route's MTU, or the cached estimate when lower). Records it, raised to
   * `minMtu`, when that lowers the estimate, and returns whether it did; a report at or above the
   * current estimate is ignored (RFC 1191 §3, RFC 8201 §4). The entry's age restarts.
   */
  update(b: Uint8Array, o: number, mtu: number, currentMtu: number): boolean {
    const value = Math.max(this.minMtu, mtu);
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

  /** Every live entry, in address order. Allocates (a listing, not a hot path). */
  list(): PathMtuInfo[] {
    const now = this.now();
    const slots: number[] = [];
    for (let slot = 0; slot <= this.mask; slot++) {
      if (this.expires[slot] !== 0 && this.expires[slot] > now) slots.push(slot);
    }
    const keys = this.keys;
    const n = this.words;
    slots.sort((x, y) => {
      for (let i = 0; i < n; i++) {
        const d = keys[x * n + i] - keys[y * n + i];
        if (d !== 0) return d;
      }
      return 0;
    });
    return slots.map((slot) => ({ destination: this.keyText(slot), mtu: this.mtus[slot], expiresIn: this.expires[slot] - now }));
  }

  /** Forget every entry. */
  clear(): void {
    this.expires.fill(0);
    this.count = 0;
  }

  private keyText(slot: number): string {
    const k = slot * this.words;
    if (this.words === 1) return formatIpv4(this.keys[k]);
    const bytes = new Uint8Array(16);
    for (let i = 0; i < 4; i++) {
      const w = this.keys[k + i];
      bytes[4 * i] = w >>> 24;
      bytes[4 * i + 1] = w >>> 16;
      bytes[4 * i + 2] = w >>> 8;
      bytes[4 * i + 3] = w;
    }
    return new Ipv6Address(bytes).toString();
  }

  /** A well-mixed 32-bit hash of the key (for the home slot; not keyed). */
  private hash(b: Uint8Array, o: number): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < this.words; i++) {
      h = Math.imul(h ^ wordAt(b, o + 4 * i), 0x01000193);
      h ^= h >>> 15;
    }
    return h >>> 0;
  }

  private find(b: Uint8Array, o: number): number {
    const home = this.hash(b, o) & this.mask;
    const keys = this.keys;
    const expires = this.expires;
    const w0 = wordAt(b, o);
    if (this.words === 1) {
      for (let i = 0; i < WINDOW; i++) {
        const slot = (home + i) & this.mask;
        if (expires[slot] !== 0 && keys[slot] === w0) return slot;
      }
      return -1;
    }
    const w1 = wordAt(b, o + 4);
    const w2 = wordAt(b, o + 8);
    const w3 = wordAt(b, o + 12);
    for (let i = 0; i < WINDOW; i++) {
      const slot = (home + i) & this.mask;
      if (expires[slot] === 0) continue;
      const k = slot * 4;
      if (keys[k] === w0 && keys[k + 1] === w1 && keys[k + 2] === w2 && keys[k + 3] === w3) return slot;
    }
    return -1;
  }

  /** A slot for a new key: a free or expired one in the window, else the one closest to expiry. */
  private claim(b: Uint8Array, o: number, now: number): number {
    const home = this.hash(b, o) & this.mask;
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
    const k = victim * this.words;
    for (let i = 0; i < this.words; i++) this.keys[k + i] = wordAt(b, o + 4 * i);
    return victim;
  }

  private free(slot: number): void {
    this.expires[slot] = 0;
    this.count--;
  }
}

/** Big-endian unsigned 32-bit word at `b[at..at+4)`. */
function wordAt(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}
