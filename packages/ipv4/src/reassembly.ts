import { ipv4ToBytes, type Counter, type PacketAllocator, type PacketBuffer, type Timer } from '@stack/core';
import { Ipv4PacketView, IPV4_MIN_HEADER_LENGTH } from './wire/index.js';

/** Largest IPv4 datagram (RFC 791 §3.1: total length is 16 bits). */
const MAX_DATAGRAM = 65535;

/** One datagram being reassembled, identified by (src, dst, id, protocol) (RFC 791 §3.2). */
export class ReassemblyEntry {
  inUse = false;
  src = 0;
  dst = 0;
  id = 0;
  protocol = 0;
  /** Discarded: keeps absorbing its late fragments until the timer fires (RFC 5722 §4 spirit). */
  dead = false;
  createdAt = 0;
  /** Payload bytes, grown as fragments arrive; null when dead or empty. */
  data: Uint8Array | null = null;
  /** Received ranges as [start, end) pairs, sorted by start, never overlapping. */
  readonly ranges: number[] = [];
  received = 0;
  /** Payload length once the last fragment (MF clear) arrived, else -1. */
  totalLength = -1;
  /** The first fragment's header (with options); headerLength 0 until fragment 0 arrives. */
  readonly header = new Uint8Array(60);
  headerLength = 0;
  ifindex = 0;
  fib = 0;
  linkFlags = 0;
  timer: Timer | null = null;
}

/** Bounds and counters a {@link Reassembler} works with. */
export interface ReassemblerConfig {
  readonly maxDatagrams: number;
  readonly maxBytes: number;
  readonly maxFragments: number;
  readonly timeoutMs: number;
  readonly headroom: number;
  readonly counters: {
    readonly ok: Counter;
    readonly timeout: Counter;
    readonly evicted: Counter;
    readonly overlap: Counter;
    readonly duplicate: Counter;
    readonly inconsistent: Counter;
    readonly 'too-long': Counter;
    readonly 'too-many-fragments': Counter;
    readonly memory: Counter;
    readonly 'late-fragment': Counter;
  };
}

/**
 * IPv4 reassembly (RFC 791 §3.2, RFC 815) with hard bounds: at most `maxDatagrams` datagrams
 * (a new one evicts the oldest), `maxBytes` bytes of payload storage and `maxFragments` fragments
 * per datagram, each discarded `timeoutMs` after its first fragment arrived.
 *
 * Policy for overlapping fragments (deterministic, as RFC 5722 does for IPv6): a fragment that
 * exactly repeats one already received is ignored (first copy wins); any other overlap discards
 * the whole datagram, and fragments of it that arrive later are dropped until its timer expires.
 * No byte of a received fragment is ever overwritten.
 */
export class Reassembler {
  private readonly entries: ReassemblyEntry[] = [];
  private bytes = 0;
  private readonly view = new Ipv4PacketView();

  constructor(
    private readonly config: ReassemblerConfig,
    private readonly pool: PacketAllocator,
    private readonly now: () => number,
    private readonly createTimer: (callback: () => void) => Timer,
    /** Called when a datagram times out with fragment 0 received (to send time exceeded). */
    private readonly onTimeout: (entry: ReassemblyEntry) => void,
  ) {}

  /** Datagrams held (dead ones included). */
  get datagrams(): number {
    let n = 0;
    for (const e of this.entries) if (e.inUse) n++;
    return n;
  }

  /** Bytes of payload storage held. */
  get bytesInUse(): number {
    return this.bytes;
  }

  /**
   * Add a fragment (`buf` starting at its validated header, metadata set). Takes ownership of
   * `buf`. Returns the reassembled datagram (a new buffer starting at its header) when this
   * fragment completed it, else null.
   */
  add(buf: PacketBuffer): PacketBuffer | null {
    const v = this.view.reset(buf.data, buf.start, buf.length);
    const entry = this.find(v.src, v.dst, v.identification, v.protocol) ?? this.create(v, buf);
    const result = this.insert(entry, v, buf);
    buf.release();
    return result;
  }

  /** Drop everything (module unload). */
  clear(): void {
    for (const e of this.entries) if (e.inUse) this.free(e);
  }

  private insert(e: ReassemblyEntry, v: Ipv4PacketView, buf: PacketBuffer): PacketBuffer | null {
    const c = this.config.counters;
    if (e.dead) {
      c['late-fragment'].inc();
      return null;
    }
    const headerLength = v.headerLength;
    const start = v.fragmentOffset;
    const size = v.payloadLength;
    const end = start + size;
    const more = v.moreFragments;
    // RFC 791 §3.2: every fragment but the last carries a multiple of 8 data bytes.
    if (more && (size === 0 || (size & 7) !== 0)) return this.kill(e, c.inconsistent);
    if (end > MAX_DATAGRAM - IPV4_MIN_HEADER_LENGTH) return this.kill(e, c['too-long']);
    if (!more) {
      if (e.totalLength >= 0 && e.totalLength !== end) return this.kill(e, c.inconsistent);
      if (this.highestEnd(e) > end) return this.kill(e, c.inconsistent);
      e.totalLength = end;
    } else if (e.totalLength >= 0 && end > e.totalLength) {
      return this.kill(e, c.inconsistent);
    }
    const ranges = e.ranges;
    let insertAt = ranges.length;
    for (let i = 0; i < ranges.length; i += 2) {
      const s = ranges[i];
      const t = ranges[i + 1];
      if (start === s && end === t) {
        c.duplicate.inc();
        return null;
      }
      if (start < t && end > s) return this.kill(e, c.overlap);
      if (insertAt === ranges.length && start < s) insertAt = i;
    }
    if (ranges.length / 2 >= this.config.maxFragments) return this.kill(e, c['too-many-fragments']);
    if (!this.ensureCapacity(e, end)) return this.kill(e, c.memory);
    ranges.splice(insertAt, 0, start, end);
    e.received += size;
    e.data!.set(buf.data.subarray(v.payloadOffset, v.payloadOffset + size), start);
    if (start === 0) {
      e.header.set(buf.data.subarray(buf.start, buf.start + headerLength));
      e.headerLength = headerLength;
      e.ifindex = buf.ifindex;
      e.fib = buf.fib;
      e.linkFlags = buf.linkFlags;
    }
    if (e.totalLength < 0 || e.headerLength === 0 || e.received !== e.totalLength) return null;
    return this.complete(e);
  }

  private complete(e: ReassemblyEntry): PacketBuffer | null {
    const c = this.config.counters;
    const total = e.headerLength + e.totalLength;
    if (total > MAX_DATAGRAM) return this.kill(e, c['too-long']);
    const out = this.pool.alloc(total, this.config.headroom);
    out.end = out.start + total;
    out.data.set(e.header.subarray(0, e.headerLength), out.start);
    out.data.set(e.data!.subarray(0, e.totalLength), out.start + e.headerLength);
    const v = this.view.reset(out.data, out.start, total);
    v.totalLength = total;
    v.fragmentOffset = 0;
    v.moreFragments = false;
    v.fillChecksum();
    out.ifindex = e.ifindex;
    out.fib = e.fib;
    out.linkFlags = e.linkFlags;
    out.family = 'ipv4';
    out.networkOffset = out.start;
    ipv4ToBytes(e.src, out.src, 0);
    ipv4ToBytes(e.dst, out.dst, 0);
    c.ok.inc();
    this.free(e);
    return out;
  }

  private highestEnd(e: ReassemblyEntry): number {
    const r = e.ranges;
    return r.length === 0 ? 0 : r[r.length - 1];
  }

  /** Grow the payload store to hold `end` bytes within the byte bound. */
  private ensureCapacity(e: ReassemblyEntry, end: number): boolean {
    const current = e.data === null ? 0 : e.data.length;
    if (end <= current) return true;
    const limit = e.totalLength >= 0 ? e.totalLength : MAX_DATAGRAM - IPV4_MIN_HEADER_LENGTH;
    const size = Math.min(limit, Math.max(end, current * 2, 1024));
    const max = this.config.maxBytes;
    if (this.bytes - current + size <= max) return this.grow(e, size, current);
    if (end > max) return false;
    // Over the byte bound: discard other datagrams, oldest first (as Linux's evictor does), so that
    // stale fragments (a flood of never-completed datagrams) cannot starve the datagrams still
    // arriving until their timers expire. The victims stay as dead keys, counted in `memory`.
    while (this.bytes - current + end > max) {
      const victim = this.oldestHoldingData(e);
      if (victim === null) return false;
      this.kill(victim, this.config.counters.memory);
    }
    return this.grow(e, end, current);
  }

  /** The oldest datagram other than `except` that holds payload storage, or null. */
  private oldestHoldingData(except: ReassemblyEntry): ReassemblyEntry | null {
    let oldest: ReassemblyEntry | null = null;
    for (const e of this.entries) {
      if (e === except || !e.inUse || e.data === null) continue;
      if (oldest === null || e.createdAt < oldest.createdAt) oldest = e;
    }
    return oldest;
  }

  private grow(e: ReassemblyEntry, size: number, current: number): boolean {
    const data = new Uint8Array(size);
    if (e.data !== null) data.set(e.data);
    e.data = data;
    this.bytes += size - current;
    return true;
  }

  /** Discard a datagram's data but keep its key until the timer, to absorb its late fragments. */
  private kill(e: ReassemblyEntry, reason: Counter): null {
    reason.inc();
    this.releaseData(e);
    e.dead = true;
    return null;
  }

  private releaseData(e: ReassemblyEntry): void {
    if (e.data !== null) this.bytes -= e.data.length;
    e.data = null;
    e.ranges.length = 0;
    e.received = 0;
  }

  private find(src: number, dst: number, id: number, protocol: number): ReassemblyEntry | null {
    const entries = this.entries;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      if (e.inUse && e.id === id && e.src === src && e.dst === dst && e.protocol === protocol) return e;
    }
    return null;
  }

  private create(v: Ipv4PacketView, buf: PacketBuffer): ReassemblyEntry {
    let slot: ReassemblyEntry | null = null;
    let oldest: ReassemblyEntry | null = null;
    for (const e of this.entries) {
      if (!e.inUse) {
        slot = e;
        break;
      }
      if (oldest === null || e.createdAt < oldest.createdAt) oldest = e;
    }
    if (slot === null && this.entries.length < this.config.maxDatagrams) {
      slot = new ReassemblyEntry();
      const entry = slot;
      slot.timer = this.createTimer(() => this.expire(entry));
      this.entries.push(slot);
    }
    if (slot === null) {
      this.config.counters.evicted.inc();
      this.free(oldest!);
      slot = oldest!;
    }
    slot.inUse = true;
    slot.dead = false;
    slot.src = v.src;
    slot.dst = v.dst;
    slot.id = v.identification;
    slot.protocol = v.protocol;
    slot.createdAt = this.now();
    slot.totalLength = -1;
    slot.headerLength = 0;
    slot.ifindex = buf.ifindex;
    slot.fib = buf.fib;
    slot.linkFlags = buf.linkFlags;
    slot.timer!.start(this.config.timeoutMs);
    return slot;
  }

  private expire(e: ReassemblyEntry): void {
    if (!e.inUse) return;
    if (!e.dead) {
      this.config.counters.timeout.inc();
      // RFC 1122 §3.3.2 / RFC 792: time exceeded (code 1) only when fragment zero is available.
      if (e.headerLength > 0) this.onTimeout(e);
    }
    this.free(e);
  }

  private free(e: ReassemblyEntry): void {
    this.releaseData(e);
    e.inUse = false;
    e.dead = false;
    e.headerLength = 0;
    e.totalLength = -1;
    e.timer?.stop();
  }
}

