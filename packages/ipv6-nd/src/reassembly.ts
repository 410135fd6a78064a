import type { Counter, PacketAllocator, PacketBuffer, Timer } from '@stack/core';
import { copy16, equal16 } from './address-bytes.js';
import { IPV6_FRAGMENT_HEADER_LENGTH, IPV6_HEADER_LENGTH, Ipv6NextHeader } from './wire/index.js';

/** Largest Payload Length of a reassembled packet (RFC 8200 §4.5: 16 bits, no jumbograms). */
const MAX_PAYLOAD = 65535;

/** One packet being reassembled, identified by (source, destination, identification) (RFC 8200 §4.5). */
export class ReassemblyEntry {
  inUse = false;
  /** Discarded: keeps absorbing its late fragments until the timer fires (RFC 5722 §4). */
  dead = false;
  createdAt = 0;
  /** Source then destination, 16 bytes each. */
  readonly addresses = new Uint8Array(32);
  identification = 0;
  /** Fragmentable-part bytes, grown as fragments arrive; null when dead or empty. */
  data: Uint8Array | null = null;
  /** Received ranges as [start, end) pairs, sorted by start, never overlapping. */
  readonly ranges: number[] = [];
  received = 0;
  /** Length of the fragmentable part once the last fragment (M clear) arrived, else -1. */
  totalLength = -1;
  /** The unfragmentable part of the offset-zero fragment; `unfragLength` 0 until it arrives. */
  readonly unfragmentable: Uint8Array;
  unfragLength = 0;
  /** Offset in `unfragmentable` of the Next Header field that named the Fragment header. */
  nextHeaderField = 0;
  /** Next Header of the offset-zero fragment's Fragment header: the first header of the fragmentable part. */
  nextHeader = 0;
  /** Data bytes the offset-zero fragment carried (for quoting it in time exceeded). */
  firstLength = 0;
  ifindex = 0;
  fib = 0;
  linkFlags = 0;
  timer: Timer | null = null;

  constructor(unfragmentableCapacity: number) {
    this.unfragmentable = new Uint8Array(unfragmentableCapacity);
  }
}

/** Bounds and counters a {@link Reassembler} works with. */
export interface ReassemblerConfig {
  readonly maxDatagrams: number;
  readonly maxBytes: number;
  readonly maxFragments: number;
  readonly timeoutMs: number;
  /** Largest unfragmentable part kept (40 + the extension header byte bound). */
  readonly maxUnfragmentable: number;
  readonly headroom: number;
  readonly counters: {
    readonly ok: Counter;
    readonly timeout: Counter;
    readonly evicted: Counter;
    readonly overlap: Counter;
    readonly duplicate: Counter;
    readonly inconsistent: Counter;
    readonly 'too-many-fragments': Counter;
    readonly memory: Counter;
    readonly 'late-fragment': Counter;
  };
}

/**
 * IPv6 reassembly (RFC 8200 §4.5) with hard bounds: at most `maxDatagrams` packets at once (a new
 * one evicts the oldest), `maxBytes` bytes of payload storage and `maxFragments` fragments per
 * packet, each abandoned `timeoutMs` after its first fragment arrived.
 *
 * Overlapping fragments discard the whole packet, and its fragments that arrive later are dropped
 * until its timer expires (RFC 5722 §4); an exact duplicate is ignored (the MAY of RFC 5722 §4).
 * No received byte is ever overwritten. Only the offset-zero fragment's unfragmentable part and
 * Next Header are used (RFC 8200 §4.5).
 */
export class Reassembler {
  private readonly entries: ReassemblyEntry[] = [];
  private bytes = 0;
  /** After {@link Reassembler.add} returned a packet: where its fragmentable part starts. */
  resumeAt = 0;
  /** After {@link Reassembler.add} returned a packet: the Next Header field naming that part. */
  resumeField = 0;

  constructor(
    private readonly config: ReassemblerConfig,
    private readonly pool: PacketAllocator,
    private readonly now: () => number,
    private readonly createTimer: (callback: () => void) => Timer,
    /** Called when a packet times out with its offset-zero fragment received (to send time exceeded). */
    private readonly onTimeout: (entry: ReassemblyEntry) => void,
  ) {}

  /** Packets held (dead ones included). */
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
   * Add a fragment: `buf` holds a packet starting at its IPv6 header (`buf.networkOffset`), whose
   * Fragment header is at `fragmentAt`, named by the Next Header field at `nextHeaderField`; the
   * caller has checked the fragment's length rules. Takes ownership of `buf`. Returns the
   * reassembled packet (a new buffer starting at its IPv6 header; see `resumeAt`) when this
   * fragment completed it, else null.
   */
  add(buf: PacketBuffer, fragmentAt: number, nextHeaderField: number): PacketBuffer | null {
    const d = buf.data;
    const net = buf.networkOffset;
    const id = ((d[fragmentAt + 4] << 24) | (d[fragmentAt + 5] << 16) | (d[fragmentAt + 6] << 8) | d[fragmentAt + 7]) >>> 0;
    const entry = this.find(d, net + 8, id) ?? this.create(d, net + 8, id);
    const result = this.insert(entry, buf, fragmentAt, nextHeaderField);
    buf.release();
    return result;
  }

  /** Drop everything (module unload). */
  clear(): void {
    for (const e of this.entries) if (e.inUse) this.free(e);
  }

  private insert(e: ReassemblyEntry, buf: PacketBuffer, fragmentAt: number, nextHeaderField: number): PacketBuffer | null {
    const c = this.config.counters;
    if (e.dead) {
      c['late-fragment'].inc();
      return null;
    }
    const d = buf.data;
    const word = (d[fragmentAt + 2] << 8) | d[fragmentAt + 3];
    const start = word & 0xfff8;
    const more = (word & 1) !== 0;
    const dataAt = fragmentAt + IPV6_FRAGMENT_HEADER_LENGTH;
    const size = buf.end - dataAt;
    const end = start + size;
    if (more && size === 0) return this.kill(e, c.inconsistent);
    if (!more) {
      if (e.totalLength >= 0 && e.totalLength !== end) return this.kill(e, c.inconsistent);
      if (highestEnd(e) > end) return this.kill(e, c.inconsistent);
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
      // RFC 5722 §4: any overlap discards the whole packet.
      if (start < t && end > s) return this.kill(e, c.overlap);
      if (insertAt === ranges.length && start < s) insertAt = i;
    }
    if (ranges.length / 2 >= this.config.maxFragments) return this.kill(e, c['too-many-fragments']);
    if (!this.ensureCapacity(e, end)) return this.kill(e, c.memory);
    ranges.splice(insertAt, 0, start, end);
    e.received += size;
    e.data!.set(d.subarray(dataAt, buf.end), start);
    if (start === 0) {
      const net = buf.networkOffset;
      const unfrag = fragmentAt - net;
      if (unfrag > e.unfragmentable.length) return this.kill(e, c.inconsistent);
      e.unfragmentable.set(d.subarray(net, fragmentAt));
      e.unfragLength = unfrag;
      e.nextHeaderField = nextHeaderField - net;
      e.nextHeader = d[fragmentAt];
      e.firstLength = size;
      e.ifindex = buf.ifindex;
      e.fib = buf.fib;
      e.linkFlags = buf.linkFlags;
    }
    if (e.totalLength < 0 || e.unfragLength === 0 || e.received !== e.totalLength) return null;
    return this.complete(e);
  }

  private complete(e: ReassemblyEntry): PacketBuffer | null {
    const c = this.config.counters;
    const u = e.unfragLength;
    const payload = u - IPV6_HEADER_LENGTH + e.totalLength;
    if (payload > MAX_PAYLOAD) return this.kill(e, c.inconsistent);
    const total = u + e.totalLength;
    const out = this.pool.alloc(total, this.config.headroom);
    const o = out.start;
    out.end = o + total;
    out.data.set(e.unfragmentable.subarray(0, u), o);
    out.data.set(e.data!.subarray(0, e.totalLength), o + u);
    out.data[o + 4] = payload >>> 8;
    out.data[o + 5] = payload;
    out.data[o + e.nextHeaderField] = e.nextHeader;
    out.ifindex = e.ifindex;
    out.fib = e.fib;
    out.linkFlags = e.linkFlags;
    out.family = 'ipv6';
    out.networkOffset = o;
    copy16(e.addresses, 0, out.src, 0);
    copy16(e.addresses, 16, out.dst, 0);
    this.resumeAt = o + u;
    this.resumeField = o + e.nextHeaderField;
    c.ok.inc();
    this.free(e);
    return out;
  }

  /** Grow the payload store to hold `end` bytes within the byte bound. */
  private ensureCapacity(e: ReassemblyEntry, end: number): boolean {
    const current = e.data === null ? 0 : e.data.length;
    if (end <= current) return true;
    const limit = e.totalLength >= 0 ? e.totalLength : MAX_PAYLOAD;
    const size = Math.min(limit, Math.max(end, current * 2, 1280));
    const max = this.config.maxBytes;
    if (this.bytes - current + size <= max) return this.grow(e, size, current);
    if (end > max) return false;
    // Over the byte bound: discard other packets, oldest first, so that a flood of never-completed
    // packets cannot starve the ones still arriving. The victims stay as dead keys.
    while (this.bytes - current + end > max) {
      const victim = this.oldestHoldingData(e);
      if (victim === null) return false;
      this.kill(victim, this.config.counters.memory);
    }
    return this.grow(e, end, current);
  }

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

  /** Discard a packet's data but keep its key until the timer, to absorb its late fragments. */
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

  private find(d: Uint8Array, addresses: number, id: number): ReassemblyEntry | null {
    const entries = this.entries;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      if (e.inUse && e.identification === id && equal16(e.addresses, 0, d, addresses) && equal16(e.addresses, 16, d, addresses + 16)) return e;
    }
    return null;
  }

  private create(d: Uint8Array, addresses: number, id: number): ReassemblyEntry {
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
      const entry = new ReassemblyEntry(this.config.maxUnfragmentable);
      entry.timer = this.createTimer(() => this.expire(entry));
      this.entries.push(entry);
      slot = entry;
    }
    if (slot === null) {
      this.config.counters.evicted.inc();
      this.free(oldest!);
      slot = oldest!;
    }
    slot.inUse = true;
    slot.dead = false;
    copy16(d, addresses, slot.addresses, 0);
    copy16(d, addresses + 16, slot.addresses, 16);
    slot.identification = id;
    slot.createdAt = this.now();
    slot.totalLength = -1;
    slot.unfragLength = 0;
    slot.timer!.start(this.config.timeoutMs);
    return slot;
  }

  private expire(e: ReassemblyEntry): void {
    if (!e.inUse) return;
    if (!e.dead) {
      this.config.counters.timeout.inc();
      // RFC 8200 §4.5: time exceeded (code 1) only when the offset-zero fragment arrived.
      if (e.unfragLength > 0) this.onTimeout(e);
    }
    this.free(e);
  }

  private free(e: ReassemblyEntry): void {
    this.releaseData(e);
    e.inUse = false;
    e.dead = false;
    e.unfragLength = 0;
    e.totalLength = -1;
    e.timer?.stop();
  }
}

function highestEnd(e: ReassemblyEntry): number {
  const r = e.ranges;
  return r.length === 0 ? 0 : r[r.length - 1];
}

/**
 * Writes the offset-zero fragment of `e` back as it arrived (unfragmentable part, Fragment header,
 * its data) into `out`, at most `max` bytes, for quoting in a time exceeded message. Returns the
 * bytes written.
 */
export function firstFragmentQuote(e: ReassemblyEntry, out: Uint8Array, max: number): number {
  const u = e.unfragLength;
  let n = 0;
  const put = (b: number): void => {
    if (n < max) out[n] = b;
    n++;
  };
  for (let i = 0; i < u; i++) put(e.unfragmentable[i]);
  const payload = u - IPV6_HEADER_LENGTH + IPV6_FRAGMENT_HEADER_LENGTH + e.firstLength;
  if (max > 5) {
    out[4] = payload >>> 8;
    out[5] = payload;
  }
  if (e.nextHeaderField < max) out[e.nextHeaderField] = Ipv6NextHeader.FRAGMENT;
  const id = e.identification;
  for (const b of [e.nextHeader, 0, 0, 1, id >>> 24, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff]) put(b);
  const data = e.data;
  for (let i = 0; i < e.firstLength && n < max; i++) put(data === null ? 0 : data[i]);
  return Math.min(n, max);
}
