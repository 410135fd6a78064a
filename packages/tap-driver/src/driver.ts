// The JavaScript half of the TAP driver: the receive ring and hand-over to the sink, the bounded
// transmit queue written in batches, frame observers, link-state polling. It talks to the device
// only through a `NativeTapHandle`, so all of this runs in tests against a fake handle.
import type { FrameObserver, FrameTap, LinkDriver, LinkDriverSink, LinkDriverStats, PacketBuffer } from '@stack/core';
import { SCRATCH_BYTES, Status, type NativeBinding, type NativeTapHandle, type NativeTapInfo } from './native.js';
import { ObserverList } from './observers.js';
import type { ResolvedTapOptions, TapOptions } from './options.js';
import { RxRing } from './rx-ring.js';
import { TxQueue } from './tx-queue.js';

/** Frames larger than this are never written (the kernel refuses them anyway). */
const MAX_FRAME = 65535;
/** Room asked per receive buffer beyond the MTU: Ethernet header, two VLAN tags, slack. */
const RX_OVERHEAD = 26;
/** Receive buffers are sized for at most this MTU; longer frames take the slower joining path. */
const RX_POST_MTU = 1500;

/**
 * A {@link @stack/core#LinkDriver} on a Linux TAP device, which can also be observed (it is a
 * {@link @stack/core#FrameTap}). Create one with {@link openTap}.
 *
 * Receive: while started, the driver keeps `batch` buffers from `sink.allocate()` posted to the
 * device; each wake-up reads frames straight into them (no copy) and hands them to the sink in one
 * `receive()` call, then posts fresh buffers. Transmit: `send()` queues (bounded by `queueLimit`),
 * and one native call per batch writes the frames straight from their buffers (no copy); when the
 * device pushes back, the driver waits for writability instead of dropping. Link state is the
 * device's administrative and operational state (`IFF_UP` and `IFF_RUNNING`), checked every
 * `linkPollInterval` ms.
 * @public
 */
export class TapDriver implements LinkDriver, FrameTap {
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
  private readonly linkPollInterval: number;
  private readonly status: Int32Array;
  private readonly scratch: Uint8Array;
  private readonly rxLengths: Uint32Array;
  private readonly rx: RxRing;
  /** The frames of one wake-up, handed to the sink (reused). */
  private readonly rxOut: PacketBuffer[] = [];
  private readonly txStarts: Uint32Array;
  private readonly txLengths: Uint32Array;
  /** The buffers of one writeFrames() call, passed to the addon as arguments (reused). */
  private readonly txViews: Uint8Array[];
  /** The frames of one writeFrames() call, for the observers (reused). */
  private readonly txFrames: PacketBuffer[] = [];
  private readonly queue: TxQueue;
  private readonly observers = new ObserverList();
  private waitingWritable = false;
  private pollingWritable = false;
  private flushScheduled = false;
  private closing = false;
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
    const batch = options.batch;
    this.flagUp = binding.IFF_UP;
    this.flagRunning = binding.IFF_RUNNING;
    this.batch = batch;
    this.linkPollInterval = options.linkPollInterval;
    this.queue = new TxQueue(options.queueLimit);
    const scratch = new ArrayBuffer(SCRATCH_BYTES);
    this.scratch = new Uint8Array(scratch);
    this.status = new Int32Array(Status.LENGTH);
    this.rxLengths = new Uint32Array(batch);
    const rxStarts = new Uint32Array(batch);
    const rxRooms = new Uint32Array(batch);
    this.rx = new RxRing(batch, rxStarts, rxRooms, this.status);
    this.txStarts = new Uint32Array(batch);
    this.txLengths = new Uint32Array(batch);
    this.txViews = new Array<Uint8Array>(batch).fill(this.scratch);
    this.handle = new binding.TapHandle({
      name: options.name,
      create: options.create,
      netns: options.netns,
      scratch,
      rxLengths: this.rxLengths,
      rxStarts,
      rxRooms,
      txStarts: this.txStarts,
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
    return this.queue.size;
  }

  /** Receive buffers posted to the device now (up to `batch` while started, 0 once closed). */
  get postedBuffers(): number {
    return this.rx.posted;
  }

  /** The errno of the last failed device operation (0 if none). */
  get lastError(): number {
    return this.lastErrno;
  }

  /**
   * Begin delivering received frames and link-state changes to `sink`. Call once. From now until
   * `close()`, the driver keeps up to `batch` buffers from `sink.allocate()` posted for reception.
   */
  start(sink: LinkDriverSink): void {
    if (this.closed) throw new Error('TapDriver: closed');
    if (this.sink !== null) throw new Error('TapDriver: already started');
    this.sink = sink;
    this.rx.refill(sink, this.postLength(), this.handle);
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
    const queue = this.queue;
    for (let i = 0; i < n; i++) {
      const b = frames[i];
      const len = b.end - b.start;
      if (len <= 0 || len > MAX_FRAME || !queue.push(b)) {
        this.stats.txDropped++;
        b.release();
      }
    }
    if (this.waitingWritable || queue.size === 0) return;
    if (queue.size >= this.batch) {
      this.flush();
    } else if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(this.flushTask);
    }
  }

  /**
   * Show every frame crossing the device to `observer` until the returned function is called:
   * `'rx'` frames as read, before the sink gets them; `'tx'` frames once the device accepted them
   * (frames dropped or refused are not shown). Time stamps are wall-clock milliseconds since the
   * Unix epoch. With no observer attached this costs one check per batch.
   */
  observe(observer: FrameObserver): () => void {
    return this.observers.add(observer);
  }

  /** Resolves when the transmit queue is empty (or the driver is closed). */
  drained(): Promise<void> {
    if (this.queue.size === 0 || this.closed) return Promise.resolve();
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
   * Stop polling, write what the device takes without waiting, drop (and release) the rest and
   * the posted receive buffers, then close the device. Safe to call more than once.
   */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.handle.stop(); // no more wake-ups, in either direction
    this.closing = true;
    this.waitingWritable = false;
    this.flush(); // best effort: the descriptor is non-blocking, so this never waits
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.handle.close(); // closes the poll handle, then the descriptor
    this.rx.releaseAll();
    let b: PacketBuffer | undefined;
    while ((b = this.queue.shift()) !== undefined) {
      this.stats.txDropped++;
      b.release();
    }
    this.resolveDrained();
    return Promise.resolve();
  }

  /** Room asked of the sink for each posted receive buffer. */
  private postLength(): number {
    return Math.min(this.currentMtu, RX_POST_MTU) + RX_OVERHEAD;
  }

  private applyInfo(info: NativeTapInfo): void {
    this.currentName = info.name;
    this.currentMtu = info.mtu;
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

  /** The addon read `count` frames into the posted buffers from RX_HEAD on (and maybe dropped some). */
  private onRead(count: number): void {
    const sink = this.sink;
    if (sink === null || this.closed) return;
    const status = this.status;
    const stats = this.stats;
    const dropped = status[Status.RX_DROPPED];
    if (dropped !== 0) {
      stats.rxDropped += dropped;
      status[Status.RX_DROPPED] = 0;
    }
    const rx = this.rx;
    const lens = this.rxLengths;
    const out = this.rxOut;
    let n = 0;
    let bytes = 0;
    for (let k = 0; k < count; k++) {
      const slot = rx.slotOf(k);
      const b = rx.bufferAt(slot);
      const len = lens[k];
      const room = rx.roomAt(slot);
      if (len <= room) {
        b.end = b.start + len;
        out[n++] = b;
        bytes += len;
        continue;
      }
      // Longer than its buffer (jumbo MTU): the tail is in the scratch area.
      const joined = this.join(sink, b, room, len);
      b.release();
      if (joined === null) {
        stats.rxDropped++;
      } else {
        out[n++] = joined;
        bytes += len;
      }
    }
    rx.consume(count);
    stats.rxFrames += n;
    stats.rxBytes += bytes;
    const observers = this.observers.list;
    if (observers.length !== 0) this.observers.notify(observers, 'rx', out, n, null);
    try {
      if (n > 0) sink.receive(out, n);
    } finally {
      if (!this.closed) rx.refill(sink, this.postLength(), this.handle);
    }
  }

  /** A buffer from the sink holding the `room` bytes read into `b` and the rest from the scratch area. */
  private join(sink: LinkDriverSink, b: PacketBuffer, room: number, len: number): PacketBuffer | null {
    let whole: PacketBuffer;
    try {
      whole = sink.allocate(len);
    } catch {
      return null;
    }
    if (whole.data.length - whole.start < len) {
      whole.release();
      return null;
    }
    whole.data.set(b.data.subarray(b.start, b.start + room), whole.start);
    whole.data.set(this.scratch.subarray(0, len - room), whole.start + room);
    whole.end = whole.start + len;
    return whole;
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
    const queue = this.queue;
    const status = this.status;
    const stats = this.stats;
    const starts = this.txStarts;
    const lens = this.txLengths;
    const views = this.txViews;
    const frames = this.txFrames;
    while (!this.waitingWritable && !this.closed && queue.size > 0) {
      const want = Math.min(this.batch, queue.size);
      for (let j = 0; j < want; j++) {
        const b = queue.at(j);
        frames[j] = b;
        views[j] = b.data;
        starts[j] = b.start;
        lens[j] = b.end - b.start;
      }
      const done = want === 1 ? this.handle.writeFrames(1, views[0]) : this.handle.writeFrames(want, ...views);
      const failed = done > 0 ? status[Status.TX_FAILED] : 0;
      const observers = this.observers.list;
      if (observers.length !== 0 && done > failed) this.observers.notify(observers, 'tx', frames, done, lens);
      for (let j = 0; j < done; j++) (queue.shift() as PacketBuffer).release();
      stats.txFrames += done - failed;
      if (done > 0) stats.txBytes += status[Status.TX_BYTES];
      if (failed > 0) {
        stats.txDropped += failed;
        this.lastErrno = status[Status.LAST_ERRNO];
        // EIO/ENETDOWN-style failures usually mean the link went down: look now.
        this.refresh();
      }
      if (done < want) {
        this.waitingWritable = true;
        if (!this.pollingWritable && !this.closing) {
          this.pollingWritable = true;
          this.handle.setWantWritable(true);
        }
      }
    }
    if (queue.size === 0) this.resolveDrained();
  }

  private resolveDrained(): void {
    if (this.drainWaiters.length === 0) return;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }
}
