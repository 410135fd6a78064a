// A stand-in for the native addon: records what the driver asks of the device and lets a test
// play the kernel (deliver frames into the posted buffers, accept or refuse writes, change link
// flags). It follows the addon's contract in native/tap.cc.
import {
  Status,
  type NativeBinding,
  type NativeTapHandle,
  type NativeTapHandleOptions,
  type NativeTapInfo,
} from '../src/native.js';

export const IFF_UP = 0x1;
export const IFF_RUNNING = 0x40;

export class FakeHandle implements NativeTapHandle {
  readonly log: string[] = [];
  /** Frames the "kernel" received, in order (copies). */
  readonly written: Uint8Array[] = [];
  /** The buffers writeFrames() was given, in order (the driver's own arrays, not copies). */
  readonly writtenFrom: Uint8Array[] = [];
  /** writeFrames calls: how many frames each was asked to write. */
  readonly writeCalls: number[] = [];
  /** post calls: how many buffers each posted. */
  readonly postCalls: number[] = [];
  /** Buffers posted per receive slot. */
  readonly posted: (Uint8Array | null)[];
  /** How many more frames the device accepts before EAGAIN; Infinity = no limit. */
  accept = Infinity;
  /** The next this-many frames fail with `failErrno`. */
  failNext = 0;
  failErrno = 5; // EIO
  reading = false;
  wantWritable = false;
  refed = true;
  closed = false;
  info_: NativeTapInfo = {
    name: 'tapfake0',
    ifindex: 7,
    flags: IFF_UP | IFF_RUNNING,
    mtu: 1500,
    mac: Uint8Array.of(2, 0, 0, 0, 0, 1),
  };

  constructor(readonly options: NativeTapHandleOptions) {
    this.posted = new Array<Uint8Array | null>(options.rxLengths.length).fill(null);
  }

  get batch(): number {
    return this.options.rxLengths.length;
  }

  start(): void {
    this.log.push('start');
    this.reading = true;
  }
  stop(): void {
    this.log.push('stop');
    this.reading = false;
    this.wantWritable = false;
  }
  setWantWritable(on: boolean): void {
    this.log.push(`wantWritable:${on}`);
    this.wantWritable = on;
  }
  post(first: number, count: number, ...buffers: Uint8Array[]): void {
    if (this.closed) return;
    if (first >= this.batch || count > this.batch || buffers.length < count) throw new RangeError('post: out of range');
    this.postCalls.push(count);
    for (let i = 0; i < count; i++) {
      const slot = (first + i) % this.batch;
      const b = buffers[i];
      const start = this.options.rxStarts[slot];
      const room = this.options.rxRooms[slot];
      if (!(b instanceof Uint8Array) || room === 0 || start + room > b.length) throw new RangeError('post: bad buffer');
      this.posted[slot] = b;
    }
  }
  writeFrames(count: number, ...buffers: Uint8Array[]): number {
    if (this.closed) throw new Error('closed');
    if (count > this.batch || buffers.length < count) throw new RangeError('writeFrames: out of range');
    this.log.push('write');
    this.writeCalls.push(count);
    const { txStarts, txLengths, status } = this.options;
    let done = 0;
    let failed = 0;
    let okBytes = 0;
    while (done < count) {
      if (this.accept <= 0) break;
      const start = txStarts[done];
      const len = txLengths[done];
      if (this.failNext > 0) {
        this.failNext--;
        failed++;
        txLengths[done] = 0;
        status[Status.LAST_ERRNO] = this.failErrno;
      } else {
        this.written.push(buffers[done].slice(start, start + len));
        this.writtenFrom.push(buffers[done]);
        okBytes += len;
      }
      this.accept--;
      done++;
    }
    status[Status.TX_FAILED] = failed;
    status[Status.TX_BYTES] = okBytes;
    return done;
  }
  info(): NativeTapInfo {
    if (this.closed) throw Object.assign(new Error('closed'), { errno: 9 });
    return { ...this.info_, mac: this.info_.mac.slice() };
  }
  setMtu(mtu: number): void {
    this.info_.mtu = mtu;
  }
  setHardwareAddress(mac: Uint8Array): void {
    this.info_.mac = mac.slice();
  }
  setUp(up: boolean): void {
    this.info_.flags = up ? this.info_.flags | IFF_UP : this.info_.flags & ~IFF_UP;
  }
  setRef(on: boolean): void {
    this.refed = on;
  }
  close(): void {
    this.log.push('close');
    this.closed = true;
    this.reading = false;
    this.posted.fill(null);
  }

  /**
   * Play the kernel on a readable wake: read `frames` into the posted buffers from RX_HEAD on, the
   * tail of a frame longer than its buffer into the scratch area (and stop after it), then make one
   * callback. With nothing posted, the frames are dropped and counted. Returns how many frames
   * were taken; the rest stay "in the kernel".
   */
  deliver(frames: Uint8Array[]): number {
    if (!this.reading) throw new Error('not reading');
    const { status, rxLengths, rxStarts, rxRooms } = this.options;
    const posted = status[Status.RX_POSTED];
    if (posted === 0) {
      status[Status.RX_DROPPED] += frames.length;
      this.options.onRead(0);
      return frames.length;
    }
    let slot = status[Status.RX_HEAD];
    let n = 0;
    for (const f of frames) {
      if (n === posted) break;
      const room = rxRooms[slot];
      (this.posted[slot] as Uint8Array).set(f.subarray(0, Math.min(room, f.length)), rxStarts[slot]);
      rxLengths[n++] = f.length;
      if (f.length > room) {
        new Uint8Array(this.options.scratch).set(f.subarray(room), 0);
        break;
      }
      slot = (slot + 1) % this.batch;
    }
    this.options.onRead(n);
    return n;
  }

  /** Play the kernel: the descriptor became writable. */
  writable(): void {
    if (this.wantWritable) this.options.onWritable();
  }
}

export function fakeBinding(): { binding: NativeBinding; handles: FakeHandle[] } {
  const handles: FakeHandle[] = [];
  class TapHandle extends FakeHandle {
    constructor(options: NativeTapHandleOptions) {
      super(options);
      handles.push(this);
    }
  }
  return { binding: { TapHandle, IFF_UP, IFF_RUNNING }, handles };
}
