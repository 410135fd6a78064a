import { FragmentResult, ReassemblyStore, type PacketAllocator, type PacketBuffer, type ReassemblyCounters, type ReassemblyLimits, type ReassemblySlot, type Timer } from '@stack/core';
import { copy16, equal16 } from './address-bytes.js';
import { IPV6_FRAGMENT_HEADER_LENGTH, IPV6_HEADER_LENGTH, Ipv6NextHeader } from './wire/index.js';

/** Largest Payload Length of a reassembled packet (RFC 8200 §4.5: 16 bits, no jumbograms). */
const MAX_PAYLOAD = 65535;

/**
 * The IPv6 half of one packet being reassembled, beside its store slot: the key (source,
 * destination, identification; RFC 8200 §4.5) and what the offset-zero fragment brought.
 */
export class ReassemblyEntry {
  /** Source then destination, 16 bytes each. */
  readonly addresses = new Uint8Array(32);
  identification = 0;
  /** The unfragmentable part of the offset-zero fragment; `unfragLength` 0 until it arrives. */
  readonly unfragmentable: Uint8Array;
  unfragLength = 0;
  /** Offset in `unfragmentable` of the Next Header field that named the Fragment header. */
  nextHeaderField = 0;
  /** Next Header of the offset-zero fragment's Fragment header: the first header of the fragmentable part. */
  nextHeader = 0;
  /** Data bytes the offset-zero fragment carried (for quoting it in time exceeded). */
  firstLength = 0;

  constructor(
    readonly slot: ReassemblySlot,
    unfragmentableCapacity: number,
  ) {
    this.unfragmentable = new Uint8Array(unfragmentableCapacity);
  }
}

/** Bounds and counters a {@link Reassembler} works with. */
export interface ReassemblerConfig extends ReassemblyLimits {
  /** Largest unfragmentable part kept (40 + the extension header byte bound). */
  readonly maxUnfragmentable: number;
  readonly headroom: number;
  readonly counters: ReassemblyCounters;
}

/**
 * IPv6 reassembly (RFC 8200 §4.5) over the core {@link ReassemblyStore}, which holds the fragments
 * within the bounds (packets, bytes, fragments per packet, timeout) and applies RFC 5722 §4:
 * overlapping fragments discard the whole packet, whose later fragments are dropped until its
 * timer expires; an exact duplicate is ignored (the MAY of RFC 5722 §4). Here: the key, the
 * offset-zero fragment's unfragmentable part and Next Header (the only ones used, RFC 8200 §4.5),
 * and the rebuilt packet.
 */
export class Reassembler {
  /** The packets held, with the bounds (usage, `clear()` on unload). */
  readonly store: ReassemblyStore<ReassemblyEntry>;
  /** After {@link Reassembler.add} returned a packet: where its fragmentable part starts. */
  resumeAt = 0;
  /** After {@link Reassembler.add} returned a packet: the Next Header field naming that part. */
  resumeField = 0;

  constructor(
    private readonly config: ReassemblerConfig,
    private readonly pool: PacketAllocator,
    now: () => number,
    createTimer: (callback: () => void) => Timer,
    /** Called when a packet times out with its offset-zero fragment received (to send time exceeded). */
    onTimeout: (entry: ReassemblyEntry) => void,
  ) {
    const timedOut = (entry: ReassemblyEntry): void => {
      // RFC 8200 §4.5: time exceeded (code 1) only when the offset-zero fragment arrived.
      if (entry.unfragLength > 0) onTimeout(entry);
    };
    const newEntry = (slot: ReassemblySlot): ReassemblyEntry => new ReassemblyEntry(slot, config.maxUnfragmentable);
    this.store = new ReassemblyStore(config, config.counters, now, createTimer, newEntry, timedOut);
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

  /**
   * Writes the offset-zero fragment of `e` back as it arrived (unfragmentable part, Fragment
   * header, its data) into `out`, at most `max` bytes, for quoting in a time exceeded message.
   * Returns the bytes written.
   */
  firstFragmentQuote(e: ReassemblyEntry, out: Uint8Array, max: number): number {
    const n = writeFirstHeaders(e, out, max);
    if (n >= max) return max;
    return n + this.store.copyFirst(e.slot, out, n, Math.min(max - n, e.firstLength));
  }

  private insert(e: ReassemblyEntry, buf: PacketBuffer, fragmentAt: number, nextHeaderField: number): PacketBuffer | null {
    const d = buf.data;
    const slot = e.slot;
    const word = (d[fragmentAt + 2] << 8) | d[fragmentAt + 3];
    const start = word & 0xfff8;
    const more = (word & 1) !== 0;
    const dataAt = fragmentAt + IPV6_FRAGMENT_HEADER_LENGTH;
    const size = buf.end - dataAt;
    const result = this.store.insert(slot, buf, dataAt, start, size, more);
    if (result === FragmentResult.DROPPED) return null;
    if (start === 0) {
      const net = buf.networkOffset;
      const unfrag = fragmentAt - net;
      if (unfrag > e.unfragmentable.length) return this.store.discard(slot, this.config.counters.inconsistent);
      e.unfragmentable.set(d.subarray(net, fragmentAt));
      e.unfragLength = unfrag;
      e.nextHeaderField = nextHeaderField - net;
      e.nextHeader = d[fragmentAt];
      e.firstLength = size;
    }
    return result === FragmentResult.COMPLETE ? this.complete(e) : null;
  }

  private complete(e: ReassemblyEntry): PacketBuffer | null {
    const slot = e.slot;
    const u = e.unfragLength;
    const payload = u - IPV6_HEADER_LENGTH + slot.totalLength;
    if (payload > MAX_PAYLOAD) return this.store.discard(slot, this.config.counters.inconsistent);
    const total = u + slot.totalLength;
    const out = this.pool.alloc(total, this.config.headroom);
    const o = out.start;
    out.end = o + total;
    out.data.set(e.unfragmentable.subarray(0, u), o);
    this.store.copyPayload(slot, out.data, o + u);
    out.data[o + 4] = payload >>> 8;
    out.data[o + 5] = payload;
    out.data[o + e.nextHeaderField] = e.nextHeader;
    out.ifindex = slot.ifindex;
    out.fib = slot.fib;
    out.linkFlags = slot.linkFlags;
    out.family = 'ipv6';
    out.networkOffset = o;
    copy16(e.addresses, 0, out.src, 0);
    copy16(e.addresses, 16, out.dst, 0);
    this.resumeAt = o + u;
    this.resumeField = o + e.nextHeaderField;
    this.store.complete(slot);
    return out;
  }

  private find(d: Uint8Array, addresses: number, id: number): ReassemblyEntry | null {
    const entries = this.store.entries;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      if (e.slot.inUse && e.identification === id && equal16(e.addresses, 0, d, addresses) && equal16(e.addresses, 16, d, addresses + 16)) return e;
    }
    return null;
  }

  private create(d: Uint8Array, addresses: number, id: number): ReassemblyEntry {
    const e = this.store.open();
    copy16(d, addresses, e.addresses, 0);
    copy16(d, addresses + 16, e.addresses, 16);
    e.identification = id;
    e.unfragLength = 0;
    return e;
  }
}

/**
 * Writes the headers of the offset-zero fragment of `e` as it arrived (its unfragmentable part with
 * the Payload Length it had, then its Fragment header) into `out`, at most `max` bytes. Returns
 * their length, which may exceed `max`.
 */
function writeFirstHeaders(e: ReassemblyEntry, out: Uint8Array, max: number): number {
  const u = e.unfragLength;
  const n = u + IPV6_FRAGMENT_HEADER_LENGTH;
  for (let i = 0; i < u && i < max; i++) out[i] = e.unfragmentable[i];
  const payload = u - IPV6_HEADER_LENGTH + IPV6_FRAGMENT_HEADER_LENGTH + e.firstLength;
  if (max > 5) {
    out[4] = payload >>> 8;
    out[5] = payload;
  }
  if (e.nextHeaderField < max) out[e.nextHeaderField] = Ipv6NextHeader.FRAGMENT;
  const id = e.identification;
  // Next Header, reserved, offset 0 with M set, identification.
  const fragment = [e.nextHeader, 0, 0, 1, id >>> 24, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff];
  for (let i = 0; i < IPV6_FRAGMENT_HEADER_LENGTH && u + i < max; i++) out[u + i] = fragment[i];
  return n;
}
