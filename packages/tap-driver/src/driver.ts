// The JavaScript half of the TAP driver: receive fan-out into the sink's buffers, the bounded
// transmit queue packed into batches, link-state polling. It talks to the device only through a
// `NativeTapHandle`, so all of this runs in tests against a fake handle.
import type { LinkDriver, LinkDriverSink, LinkDriverStats, PacketBuffer } from '@stack/core';
import type { NativeBinding, NativeTapHandle, NativeTapInfo } from './native.js';

/**
 * Options of {@link openTap}.
 * @public
 */
export interface TapOptions {
  /**
   * Name of the TAP device. Required unless `create` is true, in which case the kernel picks a
   * free `tapN` name when it is omitted.
   */
  name?: string;
  /**
   * Create the device if it does not exist (needs CAP_NET_ADMIN). A device the driver creates is
   * removed by the kernel when the driver closes. Default: false when `name` is given (the device
   * must exist), true otherwise.
   */
  create?: boolean;
  /**
   * Network namespace to find or create the device in: a name under `/run/netns` (as made by
   * `ip netns add`) or an absolute path to a namespace file. Default: the caller's namespace.
   * Only the opening thread enters the namespace, only while opening.
   */
  netns?: string;
  /** Set the device MTU at open (needs CAP_NET_ADMIN). Default: leave it as it is. */
  mtu?: number;
  /** Set the device's hardware address at open (needs CAP_NET_ADMIN). Default: leave it. */
  hardwareAddress?: Uint8Array;
  /** Set (true) or clear (false) the administrative up flag at open. Default: leave it. */
  up?: boolean;
  /** Most frames read per wake-up and written per native call. Default 128. */
  batch?: number;
  /** Most frames waiting for transmission; beyond it frames are dropped and counted. Default 4096. */
  queueLimit?: number;
  /** Milliseconds between link-state (and MTU/address) checks; 0 disables them. Default 1000. */
  linkPollInterval?: number;
}

/** Resolved options, as the driver uses them. @internal */
export interface ResolvedTapOptions {
  name: string;
  create: boolean;
  netns: string;
  batch: number;
  queueLimit: number;
  linkPollInterval: number;
}

/** Frames larger than this are never written (the kernel refuses them anyway). */
const MAX_FRAME = 65535;
/** Room kept per received frame beyond the MTU: Ethernet header, two VLAN tags, slack. */
const RX_OVERHEAD = 26;
/** Copies bytes; TypedArray.set (a memcpy) beats a byte loop even for a 60-byte frame. */
function copy(dst: Uint8Array, dstOff: number, src: Uint8Array, srcOff: number, len: number): void {
  dst.set(src.subarray(srcOff, srcOff + len), dstOff);
}

/** Validates and fills in {@link TapOptions}. @internal */
export function resolveTapOptions(options: TapOptions = {}): ResolvedTapOptions {
  const name = options.name ?? '';
  const create = options.create ?? name === '';
  if (!create && name === '') throw new TypeError('openTap: a name is required unless create is true');
  if (new TextEncoder().encode(name).length > 15) throw new TypeError(`openTap: interface name too long: ${name}`);
  const batch = options.batch ?? 128;
  if (!Number.isInteger(batch) || batch < 1 || batch > 4096) {
    throw new RangeError('openTap: batch must be an integer in [1, 4096]');
  }
  const queueLimit = options.queueLimit ?? 4096;
  if (!Number.isInteger(queueLimit) || queueLimit < 1) {
    throw new RangeError('openTap: queueLimit must be a positive integer');
  }
  const linkPollInterval = options.linkPollInterval ?? 1000;
  if (!(linkPollInterval >= 0)) throw new RangeError('openTap: linkPollInterval must be >= 0');
  let netns = options.netns ?? '';
  if (netns !== '' && !netns.startsWith('/')) {
    if (netns.includes('/') || netns === '.' || netns === '..') {
      throw new TypeError(`openTap: bad network namespace name: ${netns}`);
    }
    netns = `/run/netns/${netns}`;
  }
  return { name, create, netns, batch, queueLimit, linkPollInterval };
}

/**
 * A {@link @stack/core#LinkDriver} on a Linux TAP device. Create one with {@link openTap}.
 *
 * Receive: the device's descriptor is polled on the event loop; each wake-up reads up to `batch`
 * frames into a slab and hands them to the sink in one `receive()` call, each frame copied into a
 * buffer from `sink.allocate()`. Transmit: `send()` queues (bounded by `queueLimit`), frames are
 * packed into a slab and written by one native call per batch; when the device pushes back, the
 * driver waits for writability instead of dropping. Link state is the device's administrative and
 * operational state (`IFF_UP` and `IFF_RUNNING`), checked every `linkPollInterval` ms.
 * @public
 */
export class TapDriver implements LinkDriver {
  /** Always `'tap'`. */
  readonly kind = 'tap';
  /** Counters kept by the driver. */
  readonly stats: LinkDriverStats = {
    rxFrames: 0,
    rxBytes: 0,
    txFrames: 0,
    txBytes: 0,
    txDropped: 0,
    rxDropped: 0,
  };

  private readonly handle: NativeTapHandle;
  private readonly flagUp: number;
  private readonly flagRunning: number;
  private readonly batch: number;
  private readonly queueLimit: number;
  private readonly linkPollInterval: number;
  private readonly rxBytes: Uint8Array;
  private readonly rxLengths: Uint32Array;
  private readonly rxOut: PacketBuffer[] = [];
  private readonly txBytes: Uint8Array;
  private readonly txLengths: Uint32Array;
  private readonly status: Int32Array;
  /** Transmit queue: a ring of `queueLimit` slots. */
  private readonly ring: (PacketBuffer | undefined)[];
  private qHead = 0;
  private qSize = 0;
  /** Frames ring[head .. head+packCount) are packed in the slab; [0, packDone) of them written. */
  private packCount = 0;
  private packDone = 0;
  private packOffset = 0;
  private waitingWritable = false;
  private pollingWritable = false;
  private flushScheduled = false;
  private drainWaiters: (() => void)[] = [];
  private sink: LinkDriverSink | null = null;
  private closed = false;
  private timer: ReturnType<typeof setInterval> | undefined;
  private currentName = '';
  private currentMtu = 0;
  private currentMac: Uint8Array | null = null;
  private up = false;
  private lastErrno = 0;
  private readonly flushTask = (): void => {
    this.flushScheduled = false;
    this.flush();
  };

  /** @internal Use {@link openTap}. */
  constructor(binding: NativeBinding, options: ResolvedTapOptions, extra: TapOptions = {}) {
    this.flagUp = binding.IFF_UP;
    this.flagRunning = binding.IFF_RUNNING;
    this.batch = options.batch;
    this.queueLimit = options.queueLimit;
    this.linkPollInterval = options.linkPollInterval;
    this.ring = new Array<PacketBuffer | undefined>(options.queueLimit).fill(undefined);
    // Receive slab: `batch` full-size frames, and at least two frames of the largest size.
    const rxSlot = 1514 + RX_OVERHEAD;
    const rxBuffer = new ArrayBuffer(Math.max(options.batch * rxSlot, 2 * (MAX_FRAME + 1)));
    this.rxBytes = new Uint8Array(rxBuffer);
    this.rxLengths = new Uint32Array(options.batch);
    const txBuffer = new ArrayBuffer(Math.max(options.batch * rxSlot, MAX_FRAME + 1));
    this.txBytes = new Uint8Array(txBuffer);
    this.txLengths = new Uint32Array(options.batch);
    this.status = new Int32Array(4);
    this.handle = new binding.TapHandle({
      name: options.name,
      create: options.create,
      netns: options.netns,
      rxBuffer,
      rxLengths: this.rxLengths,
      rxSlot: this.rxSlotFor(1500),
      txBuffer,
      txLengths: this.txLengths,
      status: this.status,
      onRead: (count) => this.onRead(count),
      onWritable: () => this.onWritable(),
      onError: (errno) => this.onError(errno),
    });
    try {
      if (extra.hardwareAddress !== undefined) this.handle.setHardwareAddress(extra.hardwareAddress);
      if (extra.mtu !== undefined) this.handle.setMtu(extra.mtu);
      if (extra.up !== undefined) this.handle.setUp(extra.up);
      this.applyInfo(this.handle.info());
    } catch (e) {
      this.handle.close();
      throw e;
    }
  }

  /** Name of the TAP device (follows renames at each link check). */
  get name(): string {
    return this.currentName;
  }

  /** The device MTU (refreshed at each link check). */
  get mtu(): number {
    return this.currentMtu;
  }

  /** The device's MAC address (refreshed at each link check). */
  get hardwareAddress(): Uint8Array | null {
    return this.currentMac;
  }

  /** Whether the device is administratively up and running (has carrier). False once closed. */
  get linkUp(): boolean {
    return this.up && !this.closed;
  }

  /** Frames waiting for transmission. */
  get queuedFrames(): number {
    return this.qSize;
  }

  /** The errno of the last failed device operation (0 if none). */
  get lastError(): number {
    return this.lastErrno;
  }

  /** Begin delivering received frames and link-state changes to `sink`. Call once. */
  start(sink: LinkDriverSink): void {
    if (this.closed) throw new Error('TapDriver: closed');
    if (this.sink !== null) throw new Error('TapDriver: already started');
    this.sink = sink;
    this.handle.start();
    if (this.linkPollInterval > 0) {
      const t = setInterval(() => this.refresh(), this.linkPollInterval);
      (t as { unref?: () => void }).unref?.();
      this.timer = t;
    }
  }

  /**
   * Queue `count` frames for transmission; the driver owns and eventually releases each buffer.
   * Frames are written at once when a batch is full, otherwise at the end of the current task
   * (a microtask), so many small `send()` calls in one task still make one native call.
   */
  send(frames: readonly PacketBuffer[], count: number): void {
    const n = Math.min(count, frames.length);
    if (this.closed) {
      for (let i = 0; i < n; i++) frames[i].release();
      this.stats.txDropped += n;
      return;
    }
    const cap = this.queueLimit;
    for (let i = 0; i < n; i++) {
      const b = frames[i];
      const len = b.end - b.start;
      if (this.qSize >= cap || len <= 0 || len > MAX_FRAME) {
        this.stats.txDropped++;
        b.release();
        continue;
      }
      let tail = this.qHead + this.qSize;
      if (tail >= cap) tail -= cap;
      this.ring[tail] = b;
      this.qSize++;
    }
    if (this.waitingWritable || this.qSize === 0) return;
    if (this.qSize >= this.batch) {
      this.flush();
    } else if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(this.flushTask);
    }
  }

  /** Resolves when the transmit queue is empty (or the driver is closed). */
  drained(): Promise<void> {
    if (this.qSize === 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /**
   * Re-read the device's state now (flags, MTU, address, name) and report a link-state change
   * to the sink. Returns the link state. Runs by itself every `linkPollInterval` ms.
   */
  refresh(): boolean {
    if (this.closed) return false;
    let info: NativeTapInfo | null = null;
    try {
      info = this.handle.info();
    } catch (e) {
      this.lastErrno = (e as { errno?: number }).errno ?? this.lastErrno;
    }
    if (info === null) this.setLink(false);
    else this.applyInfo(info);
    return this.linkUp;
  }

  /** Set the device MTU (needs CAP_NET_ADMIN). */
  setMtu(mtu: number): void {
    this.handle.setMtu(mtu);
    this.refresh();
  }

  /** Set the device's MAC address (needs CAP_NET_ADMIN; some kernels want the link down). */
  setHardwareAddress(mac: Uint8Array): void {
    this.handle.setHardwareAddress(mac);
    this.refresh();
  }

  /** Set or clear the device's administrative up flag (needs CAP_NET_ADMIN). */
  setAdminUp(up: boolean): void {
    this.handle.setUp(up);
    this.refresh();
  }

  /** Let an open driver keep the process alive (the default), like `socket.ref()`. */
  ref(): this {
    if (!this.closed) this.handle.setRef(true);
    return this;
  }

  /** Let the process exit even though the driver is open, like `socket.unref()`. */
  unref(): this {
    if (!this.closed) this.handle.setRef(false);
    return this;
  }

  /**
   * Stop receiving, write what can be written without waiting, drop (and release) the rest,
   * then close the device. Safe to call more than once.
   */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    // Best effort: the descriptor is non-blocking, so this never waits.
    this.waitingWritable = false;
    this.flush();
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.handle.close(); // stops polling, closes the poll handle, then the descriptor
    const cap = this.queueLimit;
    while (this.qSize > 0) {
      const b = this.ring[this.qHead] as PacketBuffer;
      this.ring[this.qHead] = undefined;
      this.qHead = this.qHead + 1 === cap ? 0 : this.qHead + 1;
      this.qSize--;
      this.stats.txDropped++;
      b.release();
    }
    this.packCount = this.packDone = this.packOffset = 0;
    this.resolveDrained();
    return Promise.resolve();
  }

  private rxSlotFor(mtu: number): number {
    return Math.min(Math.max(mtu, 1500) + RX_OVERHEAD, MAX_FRAME + 1);
  }

  private applyInfo(info: NativeTapInfo): void {
    this.currentName = info.name;
    this.currentMtu = info.mtu;
    this.status[3] = this.rxSlotFor(info.mtu);
    const mac = this.currentMac;
    if (mac === null || mac.length !== info.mac.length || mac.some((v, i) => v !== info.mac[i])) {
      this.currentMac = info.mac;
    }
    this.setLink((info.flags & this.flagUp) !== 0 && (info.flags & this.flagRunning) !== 0);
  }

  private setLink(up: boolean): void {
    if (up === this.up) return;
    this.up = up;
    if (this.sink !== null && !this.closed) this.sink.linkStateChanged(up);
  }

  private onRead(count: number): void {
    const sink = this.sink;
    if (sink === null || this.closed) return;
    const lens = this.rxLengths;
    const src = this.rxBytes;
    const out = this.rxOut;
    const stats = this.stats;
    let off = 0;
    let n = 0;
    let bytes = 0;
    for (let i = 0; i < count; i++) {
      const len = lens[i];
      let b: PacketBuffer;
      try {
        b = sink.allocate(len);
      } catch {
        stats.rxDropped++;
        off += len;
        continue;
      }
      if (b.data.length - b.start < len) {
        b.release();
        stats.rxDropped++;
        off += len;
        continue;
      }
      copy(b.data, b.start, src, off, len);
      b.end = b.start + len;
      out[n++] = b;
      off += len;
      bytes += len;
    }
    stats.rxFrames += n;
    stats.rxBytes += bytes;
    if (n > 0) sink.receive(out, n);
  }

  private onWritable(): void {
    if (this.closed) return;
    this.waitingWritable = false;
    this.flush();
    if (!this.waitingWritable && this.pollingWritable) {
      this.pollingWritable = false;
      this.handle.setWantWritable(false);
    }
  }

  private onError(errno: number): void {
    this.lastErrno = errno;
    this.setLink(false);
  }

  /** Write queued frames until the queue is empty or the device pushes back. */
  private flush(): void {
    const cap = this.queueLimit;
    const ring = this.ring;
    const lens = this.txLengths;
    const status = this.status;
    const stats = this.stats;
    while (!this.waitingWritable && !this.closed) {
      if (this.packDone === this.packCount) {
        // Pack the next batch from the head of the queue.
        this.packCount = this.packDone = this.packOffset = 0;
        if (this.qSize === 0) break;
        const slab = this.txBytes;
        const room = slab.length;
        const limit = Math.min(this.batch, this.qSize);
        let off = 0;
        let n = 0;
        let idx = this.qHead;
        while (n < limit) {
          const b = ring[idx] as PacketBuffer;
          const len = b.end - b.start;
          if (off + len > room) break;
          copy(slab, off, b.data, b.start, len);
          lens[n++] = len;
          off += len;
          idx = idx + 1 === cap ? 0 : idx + 1;
        }
        this.packCount = n;
      }
      const want = this.packCount - this.packDone;
      const done = this.handle.writeBatch(this.packDone, want, this.packOffset);
      const failed = done > 0 ? status[0] : 0;
      let off = this.packOffset;
      for (let j = 0; j < done; j++) {
        const b = ring[this.qHead] as PacketBuffer;
        ring[this.qHead] = undefined;
        this.qHead = this.qHead + 1 === cap ? 0 : this.qHead + 1;
        off += lens[this.packDone + j];
        b.release();
      }
      this.qSize -= done;
      this.packOffset = off;
      this.packDone += done;
      stats.txFrames += done - failed;
      if (done > 0) stats.txBytes += status[2];
      if (failed > 0) {
        stats.txDropped += failed;
        this.lastErrno = status[1];
        // EIO/ENETDOWN-style failures usually mean the link went down: look now.
        this.refresh();
      }
      if (done < want) {
        this.waitingWritable = true;
        if (!this.pollingWritable && !this.closed) {
          this.pollingWritable = true;
          this.handle.setWantWritable(true);
        }
      }
    }
    if (this.qSize === 0) this.resolveDrained();
  }

  private resolveDrained(): void {
    if (this.drainWaiters.length === 0) return;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }
}
