import { formatMacKey } from './mac.js';

/**
 * One learned address, as {@link SimSwitch.macTable} lists it.
 * @public
 */
export interface MacTableEntry {
  /** `aa:bb:cc:dd:ee:ff` */
  readonly mac: string;
  /** Index of the port it was last seen on. */
  readonly port: number;
  /** Milliseconds since it was last seen. */
  readonly ageMs: number;
}

/**
 * Counters of a {@link SimSwitch}.
 * @public
 */
export interface SwitchStats {
  /** Frames that reached the switch from any port. */
  framesIn: number;
  /** Frames sent out of the one port their destination was learned on. */
  forwarded: number;
  /** Frames sent out of every other port (broadcast, multicast, unknown unicast). */
  flooded: number;
  /** Frames dropped because their destination was learned on the port they came in on. */
  filtered: number;
  /** Frames dropped because their destination's port is down. */
  portDown: number;
  /** Frames too short to carry two MACs. */
  runts: number;
  /** Addresses learned. */
  learned: number;
  /** Addresses that moved to another port. */
  moved: number;
  /** Addresses forgotten after the aging time. */
  aged: number;
  /** Addresses not learned because the table was full. */
  tableFull: number;
}

interface LearnedAddress {
  port: number;
  lastSeen: number;
}

/**
 * The switch's forwarding database: MAC → port, aged lazily against the clock (no timers), and
 * bounded: when full, new addresses are not learned and their frames keep being flooded, as
 * hardware switches do.
 * @internal
 */
export class MacTable {
  private readonly entries = new Map<number, LearnedAddress>();

  constructor(
    private readonly agingMs: number,
    private readonly capacity: number,
    private readonly stats: SwitchStats,
  ) {}

  learn(key: number, port: number, now: number): void {
    const known = this.entries.get(key);
    if (known !== undefined) {
      if (known.port !== port) this.stats.moved++;
      known.port = port;
      known.lastSeen = now;
      return;
    }
    if (this.entries.size >= this.capacity) this.forgetAged(now);
    if (this.entries.size >= this.capacity) {
      this.stats.tableFull++;
      return;
    }
    this.entries.set(key, { port, lastSeen: now });
    this.stats.learned++;
  }

  /** The port `key` was learned on, or -1 when unknown or aged out. */
  lookup(key: number, now: number): number {
    const known = this.entries.get(key);
    if (known === undefined) return -1;
    if (now - known.lastSeen > this.agingMs) {
      this.entries.delete(key);
      this.stats.aged++;
      return -1;
    }
    return known.port;
  }

  /** Forget everything learned on `port` (it went down). */
  forgetPort(port: number): void {
    for (const [key, entry] of this.entries) if (entry.port === port) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  list(now: number): MacTableEntry[] {
    this.forgetAged(now);
    const listing: MacTableEntry[] = [];
    for (const [key, entry] of this.entries) listing.push({ mac: formatMacKey(key), port: entry.port, ageMs: now - entry.lastSeen });
    return listing.sort((a, b) => (a.mac < b.mac ? -1 : a.mac > b.mac ? 1 : 0));
  }

  private forgetAged(now: number): void {
    for (const [key, entry] of this.entries) {
      if (now - entry.lastSeen > this.agingMs) {
        this.entries.delete(key);
        this.stats.aged++;
      }
    }
  }
}
