import type { LinkDriverSink, LinkDriverStats, PacketBuffer } from '@stack/core';
import type { Carrier, CarrierListener } from './carrier.js';
import type { Channel, FrameTarget } from './channel.js';
import type { BatchReceiver } from './frame-scheduler.js';
import type { FrameDirection, FrameObserver } from './frame-observer.js';
import type { Impairment, ImpairmentStats } from './impairment.js';
import type { SimEndpoint } from './sim-endpoint.js';
import type { SimFabric } from './sim-fabric.js';

/** Room for the link header beyond the MTU: Ethernet II (14) plus one 802.1Q tag (4). */
const MAX_LINK_HEADER = 18;

/** How a simulated device is created. @internal */
export interface SimDeviceInit {
  readonly name: string;
  readonly mtu: number;
  readonly mac: Uint8Array;
  readonly carrier: Carrier;
}

/**
 * The implementation of {@link SimEndpoint}: a simulated device on a cable or switch port.
 * Frames sent are copied and released at once; frames received are copied into buffers from the
 * stack's sink and handed over in one `receive` call per delivery round.
 * @internal
 */
export class SimDevice implements SimEndpoint, FrameTarget, BatchReceiver, CarrierListener {
  readonly kind = 'sim';
  readonly name: string;
  readonly mtu: number;
  readonly hardwareAddress: Uint8Array;
  readonly stats: LinkDriverStats = { rxFrames: 0, rxBytes: 0, txFrames: 0, txBytes: 0, txDropped: 0, rxDropped: 0 };
  private readonly maxFrameLength: number;
  private readonly carrier: Carrier;
  private sink: LinkDriverSink | null = null;
  private closed = false;
  private observers: readonly FrameObserver[] = [];
  private readonly batch: PacketBuffer[] = [];
  private batchCount = 0;
  private txChannel!: Channel;
  private rxChannel!: Channel;

  constructor(
    private readonly fabric: SimFabric,
    init: SimDeviceInit,
  ) {
    if (!Number.isInteger(init.mtu) || init.mtu < 1) throw new RangeError(`SimDevice: mtu must be a positive integer, got ${init.mtu}`);
    if (init.mac.length !== 6) throw new RangeError(`SimDevice: a MAC has 6 bytes, got ${init.mac.length}`);
    this.name = init.name;
    this.mtu = init.mtu;
    this.hardwareAddress = Uint8Array.from(init.mac);
    this.maxFrameLength = init.mtu + MAX_LINK_HEADER;
    this.carrier = init.carrier;
    init.carrier.listen(this);
  }

  /** Attach the two directions: `tx` carries what this device sends, `rx` what it receives. */
  connect(tx: Channel, rx: Channel): void {
    this.txChannel = tx;
    this.rxChannel = rx;
  }

  get linkUp(): boolean {
    return this.carrier.up && !this.closed;
  }

  start(sink: LinkDriverSink): void {
    if (this.closed) throw new Error(`SimDevice ${this.name}: start after close`);
    if (this.sink !== null) throw new Error(`SimDevice ${this.name}: already started`);
    this.sink = sink;
  }

  send(frames: readonly PacketBuffer[], count: number): void {
    const stats = this.stats;
    const observers = this.observers;
    const now = observers.length > 0 ? this.fabric.clock.now() : 0;
    for (let i = 0; i < count; i++) {
      const frame = frames[i];
      const length = frame.length;
      if (!this.linkUp || length > this.maxFrameLength) {
        stats.txDropped++;
        frame.release();
        continue;
      }
      for (let o = 0; o < observers.length; o++) observers[o]('tx', frame.data, frame.start, length, now);
      if (this.txChannel.transmit(frame.data, frame.start, length)) {
        stats.txFrames++;
        stats.txBytes += length;
      } else {
        stats.txDropped++;
      }
      frame.release();
    }
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.sink = null;
      this.dropBatch();
      // The device is gone: whoever shares the wire loses carrier.
      this.carrier.set(false);
    }
    return Promise.resolve();
  }

  setLinkUp(up: boolean): void {
    this.carrier.set(up);
  }

  observe(observer: FrameObserver): () => void {
    this.observers = [...this.observers, observer];
    return () => {
      this.observers = this.observers.filter((candidate) => candidate !== observer);
    };
  }

  setImpairment(direction: FrameDirection, impairment: Impairment | null): void {
    this.channel(direction).configure(impairment);
  }

  impairmentStats(direction: FrameDirection): Readonly<ImpairmentStats> {
    return this.channel(direction).stats;
  }

  acceptFrame(bytes: Uint8Array, length: number): boolean {
    if (!this.linkUp) return false;
    const observers = this.observers;
    if (observers.length > 0) {
      const now = this.fabric.clock.now();
      for (let o = 0; o < observers.length; o++) observers[o]('rx', bytes, 0, length, now);
    }
    const sink = this.sink;
    if (sink === null || length > this.maxFrameLength) {
      this.stats.rxDropped++;
      return true;
    }
    const buffer = sink.allocate(length);
    buffer.copyFrom(bytes, 0, length);
    this.stats.rxFrames++;
    this.stats.rxBytes += length;
    this.batch[this.batchCount++] = buffer;
    if (this.batchCount === 1) this.fabric.scheduler.batchPending(this);
    return true;
  }

  flushBatch(): void {
    const count = this.batchCount;
    if (count === 0) return;
    this.batchCount = 0;
    const sink = this.sink;
    if (sink === null) {
      this.releaseBatch(count);
      return;
    }
    sink.receive(this.batch, count);
  }

  carrierChanged(up: boolean): void {
    if (!this.closed && this.sink !== null) this.sink.linkStateChanged(up);
  }

  private channel(direction: FrameDirection): Channel {
    return direction === 'tx' ? this.txChannel : this.rxChannel;
  }

  private dropBatch(): void {
    const count = this.batchCount;
    this.batchCount = 0;
    this.releaseBatch(count);
  }

  private releaseBatch(count: number): void {
    for (let i = 0; i < count; i++) this.batch[i].release();
  }
}
