// A stand-in for the native addon: records what the driver asks of the device and lets a test
// play the kernel (deliver frames, accept or refuse writes, change link flags).
import type {
  NativeBinding,
  NativeTapHandle,
  NativeTapHandleOptions,
  NativeTapInfo,
} from '../src/native.js';

export const IFF_UP = 0x1;
export const IFF_RUNNING = 0x40;

export class FakeHandle implements NativeTapHandle {
  readonly log: string[] = [];
  /** Frames the "kernel" received, in order. */
  readonly written: Uint8Array[] = [];
  /** writeBatch calls: how many frames each was asked to write. */
  readonly writeCalls: number[] = [];
  /** How many more frames the device accepts before EAGAIN; Infinity = no limit. */
  accept = Infinity;
  /** Frames (by index in `written` order of attempts) that fail with this errno. */
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

  constructor(readonly options: NativeTapHandleOptions) {}

  start(): void {
    this.log.push('start');
    this.reading = true;
  }
  setWantWritable(on: boolean): void {
    this.log.push(`wantWritable:${on}`);
    this.wantWritable = on;
  }
  writeBatch(first: number, count: number, byteOffset: number): number {
    if (this.closed) throw new Error('closed');
    this.writeCalls.push(count);
    const bytes = new Uint8Array(this.options.txBuffer);
    const lens = this.options.txLengths;
    let off = byteOffset;
    let done = 0;
    let failed = 0;
    let okBytes = 0;
    while (done < count) {
      if (this.accept <= 0) break;
      const len = lens[first + done];
      if (this.failNext > 0) {
        this.failNext--;
        failed++;
        this.options.status[1] = this.failErrno;
      } else {
        this.written.push(bytes.slice(off, off + len));
        okBytes += len;
      }
      this.accept--;
      off += len;
      done++;
    }
    this.options.status[0] = failed;
    this.options.status[2] = okBytes;
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
  }

  /** Play the kernel: put `frames` into the receive slab and wake the driver once. */
  deliver(frames: Uint8Array[]): void {
    const slab = new Uint8Array(this.options.rxBuffer);
    let off = 0;
    frames.forEach((f, i) => {
      slab.set(f, off);
      this.options.rxLengths[i] = f.length;
      off += f.length;
    });
    this.options.onRead(frames.length);
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
