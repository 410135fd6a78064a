import { FragmentResult, ipv4ToBytes, ReassemblyStore, type Counter, type PacketAllocator, type PacketBuffer, type ReassemblyCounters, type ReassemblyLimits, type ReassemblySlot, type Timer } from '@stack/core';
import { Ipv4PacketView, IPV4_MIN_HEADER_LENGTH } from './wire/index.js';

/** Largest IPv4 datagram (RFC 791 §3.1: total length is 16 bits). */
const MAX_DATAGRAM = 65535;

/**
 * The IPv4 half of one datagram being reassembled, beside its store slot: the key (src, dst, id,
 * protocol; RFC 791 §3.2) and fragment zero's header.
 */
export class ReassemblyEntry {
  src = 0;
  dst = 0;
  id = 0;
  protocol = 0;
  /** The first fragment's header (with options); headerLength 0 until fragment 0 arrives. */
  readonly header = new Uint8Array(60);
  headerLength = 0;

  constructor(readonly slot: ReassemblySlot) {}
}

/** Bounds and counters a {@link Reassembler} works with. */
export interface ReassemblerConfig extends ReassemblyLimits {
  readonly headroom: number;
  readonly counters: ReassemblyCounters & { readonly 'too-long': Counter };
}

/**
 * IPv4 reassembly (RFC 791 §3.2, RFC 815) over the core {@link ReassemblyStore}, which holds the
 * fragments within the bounds (datagrams, bytes, fragments per datagram, timeout) and applies the
 * overlap policy: an exact repeat is ignored (first copy wins), any other overlap discards the
 * whole datagram, whose later fragments are dropped until its timer expires (as RFC 5722 does for
 * IPv6). Here: the key, RFC 791's rules (8-byte multiples, 65535 bytes), fragment zero's header,
 * and the rebuilt datagram.
 */
export class Reassembler {
  /** The datagrams held, with the bounds (usage, `clear()` on unload). */
  readonly store: ReassemblyStore<ReassemblyEntry>;
  private readonly view = new Ipv4PacketView();

  constructor(
    private readonly config: ReassemblerConfig,
    private readonly pool: PacketAllocator,
    now: () => number,
    createTimer: (callback: () => void) => Timer,
    /** Called when a datagram times out with fragment 0 received (to send time exceeded). */
    onTimeout: (entry: ReassemblyEntry) => void,
  ) {
    const timedOut = (entry: ReassemblyEntry): void => {
      // RFC 1122 §3.3.2 / RFC 792: time exceeded (code 1) only when fragment zero is available.
      if (entry.headerLength > 0) onTimeout(entry);
    };
    this.store = new ReassemblyStore(config, config.counters, now, createTimer, (slot) => new ReassemblyEntry(slot), timedOut);
  }

  /**
   * Add a fragment (`buf` starting at its validated header, metadata set). Takes ownership of
   * `buf`. Returns the reassembled datagram (a new buffer starting at its header) when this
   * fragment completed it, else null.
   */
  add(buf: PacketBuffer): PacketBuffer | null {
    const v = this.view.reset(buf.data, buf.start, buf.length);
    const entry = this.find(v.src, v.dst, v.identification, v.protocol) ?? this.create(v);
    const result = this.insert(entry, v, buf);
    buf.release();
    return result;
  }

  /**
   * Writes fragment zero's leading payload bytes, at most `max`, to `out[at..)`; returns how many.
   * For quoting it in time exceeded.
   */
  firstBytes(entry: ReassemblyEntry, out: Uint8Array, at: number, max: number): number {
    return this.store.copyFirst(entry.slot, out, at, max);
  }

  private insert(e: ReassemblyEntry, v: Ipv4PacketView, buf: PacketBuffer): PacketBuffer | null {
    const c = this.config.counters;
    const slot = e.slot;
    const start = v.fragmentOffset;
    const size = v.payloadLength;
    const more = v.moreFragments;
    if (!slot.dead) {
      // RFC 791 §3.2: every fragment but the last carries a multiple of 8 data bytes.
      if (more && (size === 0 || (size & 7) !== 0)) return this.store.discard(slot, c.inconsistent);
      if (start + size > MAX_DATAGRAM - IPV4_MIN_HEADER_LENGTH) return this.store.discard(slot, c['too-long']);
    }
    const result = this.store.insert(slot, buf, v.payloadOffset, start, size, more);
    if (result === FragmentResult.DROPPED) return null;
    if (start === 0) {
      e.headerLength = v.headerLength;
      e.header.set(buf.data.subarray(buf.start, buf.start + e.headerLength));
    }
    return result === FragmentResult.COMPLETE ? this.complete(e) : null;
  }

  private complete(e: ReassemblyEntry): PacketBuffer | null {
    const slot = e.slot;
    const total = e.headerLength + slot.totalLength;
    if (total > MAX_DATAGRAM) return this.store.discard(slot, this.config.counters['too-long']);
    const out = this.pool.alloc(total, this.config.headroom);
    out.end = out.start + total;
    out.data.set(e.header.subarray(0, e.headerLength), out.start);
    this.store.copyPayload(slot, out.data, out.start + e.headerLength);
    const v = this.view.reset(out.data, out.start, total);
    v.totalLength = total;
    v.fragmentOffset = 0;
    v.moreFragments = false;
    v.fillChecksum();
    out.ifindex = slot.ifindex;
    out.fib = slot.fib;
    out.linkFlags = slot.linkFlags;
    out.family = 'ipv4';
    out.networkOffset = out.start;
    ipv4ToBytes(e.src, out.src, 0);
    ipv4ToBytes(e.dst, out.dst, 0);
    this.store.complete(slot);
    return out;
  }

  private find(src: number, dst: number, id: number, protocol: number): ReassemblyEntry | null {
    const entries = this.store.entries;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      if (e.slot.inUse && e.id === id && e.src === src && e.dst === dst && e.protocol === protocol) return e;
    }
    return null;
  }

  private create(v: Ipv4PacketView): ReassemblyEntry {
    const e = this.store.open();
    e.src = v.src;
    e.dst = v.dst;
    e.id = v.identification;
    e.protocol = v.protocol;
    e.headerLength = 0;
    return e;
  }
}
