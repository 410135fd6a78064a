// Unit tests of the JavaScript half of the driver against a fake native binding: no root, no addon.
import { PacketBuffer, PacketPool, type FrameDirection, type LinkDriverSink } from '@stack/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TapDriver } from '../src/driver.js';
import { Status } from '../src/native.js';
import { resolveTapOptions, type TapOptions } from '../src/options.js';
import { fakeBinding, IFF_RUNNING, IFF_UP, type FakeHandle } from './fake-binding.js';

function open(options: TapOptions = {}): { driver: TapDriver; handle: FakeHandle } {
  const { binding, handles } = fakeBinding();
  const full = { name: 'tapfake0', linkPollInterval: 0, ...options };
  const driver = new TapDriver(binding, resolveTapOptions(full), full);
  return { driver, handle: handles[0] };
}

function frame(len: number, seed: number): Uint8Array {
  const f = new Uint8Array(len);
  for (let i = 0; i < len; i++) f[i] = (seed * 31 + i) & 0xff;
  return f;
}

interface RecordingSink extends LinkDriverSink {
  frames: Uint8Array[];
  /** The buffers handed over, before the sink released them. */
  buffers: PacketBuffer[];
  /** Every buffer allocate() gave out, in order. */
  allocated: PacketBuffer[];
  allocateLengths: number[];
  receiveCalls: number[];
  link: boolean[];
}

function recordingSink(pool: PacketPool): RecordingSink {
  const sink: RecordingSink = {
    frames: [],
    buffers: [],
    allocated: [],
    allocateLengths: [],
    receiveCalls: [],
    link: [],
    allocate: (length) => {
      const b = pool.alloc(length, 0);
      sink.allocated.push(b);
      sink.allocateLengths.push(length);
      return b;
    },
    receive(frames, count) {
      sink.receiveCalls.push(count);
      for (let i = 0; i < count; i++) {
        sink.frames.push(frames[i].data.slice(frames[i].start, frames[i].end));
        sink.buffers.push(frames[i]);
        frames[i].release();
      }
    },
    linkStateChanged(up) {
      sink.link.push(up);
    },
  };
  return sink;
}

function buffers(pool: PacketPool, frames: Uint8Array[]): PacketBuffer[] {
  return frames.map((f) => {
    const b = pool.alloc(f.length);
    b.data.set(f, b.append(f.length));
    return b;
  });
}

/** Whether the two lists hold the very same objects (not equal copies), in order. */
function sameObjects(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

interface Seen {
  direction: FrameDirection;
  bytes: Uint8Array;
  time: number;
}

function recorder(): {
  seen: Seen[];
  observer: (d: FrameDirection, b: Uint8Array, o: number, l: number, t: number) => void;
} {
  const seen: Seen[] = [];
  return {
    seen,
    observer: (direction, bytes, offset, length, time) =>
      seen.push({ direction, bytes: bytes.slice(offset, offset + length), time }),
  };
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('resolveTapOptions', () => {
  it('needs a name unless creating, and fills defaults', () => {
    expect(() => resolveTapOptions({})).not.toThrow();
    expect(resolveTapOptions({}).create).toBe(true);
    expect(resolveTapOptions({ name: 'tap0' }).create).toBe(false);
    expect(() => resolveTapOptions({ create: false })).toThrow(/name is required/);
    expect(() => resolveTapOptions({ name: 'a-name-much-too-long' })).toThrow(/too long/);
    const r = resolveTapOptions({ name: 'tap0', netns: 'stk-x' });
    expect(r).toMatchObject({ netns: '/run/netns/stk-x', batch: 128, queueLimit: 4096, linkPollInterval: 1000 });
    expect(resolveTapOptions({ name: 't', netns: '/proc/1/ns/net' }).netns).toBe('/proc/1/ns/net');
    expect(() => resolveTapOptions({ name: 't', netns: '../x' })).toThrow(/namespace/);
    expect(() => resolveTapOptions({ name: 't', batch: 0 })).toThrow(RangeError);
    expect(() => resolveTapOptions({ name: 't', queueLimit: 1.5 })).toThrow(RangeError);
  });
});

describe('TapDriver', () => {
  it('reports the device as the handle describes it and applies open-time settings', () => {
    const { driver, handle } = open({ mtu: 9000, up: true, hardwareAddress: Uint8Array.of(2, 1, 2, 3, 4, 5) });
    expect(driver.kind).toBe('tap');
    expect(driver.name).toBe('tapfake0');
    expect(driver.mtu).toBe(9000);
    expect([...driver.hardwareAddress!]).toEqual([2, 1, 2, 3, 4, 5]);
    expect(driver.linkUp).toBe(true);
    expect(handle.options).toMatchObject({ name: 'tapfake0', create: false, netns: '' });
  });

  describe('receive', () => {
    it('posts batch buffers at start, not before, each with room for an MTU-sized frame', () => {
      const pool = new PacketPool();
      const { driver, handle } = open({ batch: 8 });
      expect(handle.reading).toBe(false);
      expect(driver.postedBuffers).toBe(0);
      const sink = recordingSink(pool);
      driver.start(sink);
      expect(handle.reading).toBe(true);
      expect(() => driver.start(sink)).toThrow(/already started/);
      expect(driver.postedBuffers).toBe(8);
      expect(handle.postCalls).toEqual([8]);
      expect(sink.allocateLengths).toEqual(new Array(8).fill(1500 + 26));
      expect(handle.posted.every((b) => b !== null)).toBe(true);
      expect(pool.stats.inUse).toBe(8);
    });

    it('reads straight into the posted buffers and delivers a whole wake-up as one receive() call', () => {
      const pool = new PacketPool();
      const { driver, handle } = open({ batch: 8 });
      const sink = recordingSink(pool);
      driver.start(sink);
      const posted = sink.allocated.slice();
      const frames = [frame(60, 1), frame(1514, 2), frame(64, 3), frame(200, 4)];
      expect(handle.deliver(frames)).toBe(4);
      expect(sink.receiveCalls).toEqual([4]);
      expect(sink.frames).toEqual(frames);
      // No copy: the sink got the very buffers that were posted, in order.
      expect(sameObjects(sink.buffers, posted.slice(0, 4))).toBe(true);
      // Four fresh buffers were posted behind the four still waiting, in one call.
      expect(handle.postCalls).toEqual([8, 4]);
      expect(driver.postedBuffers).toBe(8);
      // The ring wraps around.
      const more = Array.from({ length: 7 }, (_, i) => frame(100 + i, 10 + i));
      expect(handle.deliver(more)).toBe(7);
      expect(sink.frames.slice(4)).toEqual(more);
      expect(sameObjects(sink.buffers.slice(4), [...posted.slice(4), ...sink.allocated.slice(8, 11)])).toBe(true);
      expect(driver.stats).toMatchObject({ rxFrames: 11, rxDropped: 0 });
      expect(driver.stats.rxBytes).toBe([...frames, ...more].reduce((s, f) => s + f.length, 0));
      expect(pool.stats.inUse).toBe(8);
    });

    it('takes at most the posted buffers per wake-up; the rest waits for the next one', () => {
      const pool = new PacketPool();
      const { driver, handle } = open({ batch: 4 });
      const sink = recordingSink(pool);
      driver.start(sink);
      const frames = Array.from({ length: 6 }, (_, i) => frame(60, i));
      expect(handle.deliver(frames)).toBe(4);
      expect(handle.deliver(frames.slice(4))).toBe(2);
      expect(sink.receiveCalls).toEqual([4, 2]);
      expect(sink.frames).toEqual(frames);
    });

    it('delivers a frame longer than its buffer whole (jumbo MTU), through a buffer of its own size', () => {
      const pool = new PacketPool({ bufferSize: 2048, headroom: 0 });
      const { driver, handle } = open({ batch: 4, mtu: 9000 });
      const sink = recordingSink(pool);
      driver.start(sink);
      // Posted buffers are sized for a 1500-byte MTU whatever the device's, to stay in the pool.
      expect(sink.allocateLengths).toEqual([1526, 1526, 1526, 1526]);
      const jumbo = frame(9014, 7);
      // The addon stops after a frame it had to split, so the second frame waits.
      expect(handle.deliver([frame(60, 1), jumbo, frame(60, 2)])).toBe(2);
      expect(sink.frames).toEqual([frame(60, 1), jumbo]);
      expect(sink.allocateLengths.slice(4, 5)).toEqual([9014]);
      expect(driver.stats).toMatchObject({ rxFrames: 2, rxDropped: 0, rxBytes: 60 + 9014 });
      expect(driver.postedBuffers).toBe(4);
      expect(pool.stats.inUse).toBe(4);
    });

    it('counts frames it cannot hand on as rxDropped, and posts again once the sink has buffers', () => {
      const pool = new PacketPool({ bufferSize: 2048, headroom: 0 });
      const { driver, handle } = open({ batch: 4 });
      const sink = recordingSink(pool);
      let failing = true;
      const allocate = sink.allocate;
      sink.allocate = (length) => {
        if (failing) throw new Error('pool exhausted');
        return allocate(length);
      };
      driver.start(sink);
      expect(driver.postedBuffers).toBe(0);
      // Nothing posted: the addon drains the device and counts the drops.
      handle.deliver([frame(60, 1), frame(60, 2)]);
      expect(driver.stats.rxDropped).toBe(2);
      expect(handle.options.status[Status.RX_DROPPED]).toBe(0);
      failing = false;
      handle.deliver([frame(60, 3)]); // dropped too, but the callback posts buffers again
      expect(driver.stats.rxDropped).toBe(3);
      expect(driver.postedBuffers).toBe(4);
      handle.deliver([frame(70, 4)]);
      expect(sink.frames).toEqual([frame(70, 4)]);
      // A joined frame that finds no buffer is dropped too.
      failing = true;
      handle.deliver([frame(3000, 5)]);
      expect(driver.stats.rxDropped).toBe(4);
      expect(driver.stats.rxFrames).toBe(1);
    });

    it('keeps posting buffers after the sink throws', () => {
      const pool = new PacketPool();
      const { driver, handle } = open({ batch: 4 });
      const sink = recordingSink(pool);
      sink.receive = (frames, count) => {
        for (let i = 0; i < count; i++) frames[i].release();
        throw new Error('stack bug');
      };
      driver.start(sink);
      expect(() => handle.deliver([frame(60, 1), frame(60, 2)])).toThrow(/stack bug/);
      expect(driver.postedBuffers).toBe(4);
    });
  });

  describe('transmit', () => {
    it('coalesces many small send() calls in one task into one native write, straight from the buffers', async () => {
      const pool = new PacketPool();
      const { driver, handle } = open();
      driver.start(recordingSink(pool));
      const frames = Array.from({ length: 10 }, (_, i) => frame(60 + i * 50, i));
      const bufs = buffers(pool, frames);
      for (const b of bufs) driver.send([b], 1);
      expect(handle.writeCalls).toEqual([]);
      expect(driver.queuedFrames).toBe(10);
      await Promise.resolve();
      expect(handle.writeCalls).toEqual([10]);
      expect(handle.written).toEqual(frames);
      // No copy: the addon was given the buffers' own bytes.
      expect(
        sameObjects(
          handle.writtenFrom,
          bufs.map((b) => b.data),
        ),
      ).toBe(true);
      expect(driver.queuedFrames).toBe(0);
      expect(pool.stats.inUse).toBe(128); // only the posted receive buffers
      expect(driver.stats).toMatchObject({
        txFrames: 10,
        txBytes: frames.reduce((s, f) => s + f.length, 0),
        txDropped: 0,
      });
    });

    it('writes a full batch at once, one native call per batch', () => {
      const pool = new PacketPool();
      const { driver, handle } = open({ batch: 4 });
      const frames = Array.from({ length: 9 }, (_, i) => frame(64, i));
      driver.send(buffers(pool, frames), 9);
      expect(handle.writeCalls).toEqual([4, 4, 1]);
      expect(handle.written).toEqual(frames);
      expect(pool.stats.inUse).toBe(0);
    });

    it('writes frames of any size up to 64 KiB, and drops empty or oversized ones', async () => {
      const pool = new PacketPool({ bufferSize: 70000 });
      const { driver, handle } = open({ batch: 8 });
      const frames = [frame(9000, 1), frame(65535, 2), frame(60, 3), frame(9000, 4)];
      const bufs = buffers(pool, frames);
      const empty = pool.alloc(0);
      const huge = new PacketBuffer(new Uint8Array(65536));
      huge.end = 65536;
      driver.send([...bufs, empty, huge], 6);
      expect(driver.stats.txDropped).toBe(2);
      expect(handle.written).toEqual([]);
      await Promise.resolve();
      expect(handle.written).toEqual(frames);
      expect(handle.writeCalls).toEqual([4]);
      expect(pool.stats.inUse).toBe(0);
    });

    it('waits for writability instead of dropping, then resumes in order', async () => {
      const pool = new PacketPool();
      const { driver, handle } = open({ batch: 4 });
      driver.start(recordingSink(pool));
      handle.accept = 3;
      const frames = Array.from({ length: 10 }, (_, i) => frame(60, i));
      driver.send(buffers(pool, frames.slice(0, 6)), 6);
      expect(handle.written).toEqual(frames.slice(0, 3));
      expect(handle.wantWritable).toBe(true);
      expect(driver.queuedFrames).toBe(3);
      // Sends while waiting are queued, never written out of order.
      driver.send(buffers(pool, frames.slice(6)), 4);
      await Promise.resolve();
      expect(handle.written.length).toBe(3);
      let drained = false;
      const whenDrained = driver.drained().then(() => (drained = true));
      handle.accept = 2;
      handle.writable();
      expect(handle.written).toEqual(frames.slice(0, 5));
      expect(handle.wantWritable).toBe(true);
      handle.accept = Infinity;
      handle.writable();
      expect(handle.written).toEqual(frames);
      expect(handle.wantWritable).toBe(false);
      await whenDrained;
      expect(drained).toBe(true);
      expect(driver.stats).toMatchObject({ txFrames: 10, txDropped: 0 });
      // The writable watch is switched on and off once per stall, not per batch.
      expect(handle.log.filter((l) => l.startsWith('wantWritable'))).toEqual([
        'wantWritable:true',
        'wantWritable:false',
      ]);
    });

    it('drops and counts beyond the queue limit', () => {
      const pool = new PacketPool();
      const { driver, handle } = open({ batch: 2, queueLimit: 5 });
      handle.accept = 0;
      driver.send(
        buffers(
          pool,
          Array.from({ length: 8 }, (_, i) => frame(60, i)),
        ),
        8,
      );
      expect(driver.queuedFrames).toBe(5);
      expect(driver.stats.txDropped).toBe(3);
      expect(pool.stats.inUse).toBe(5);
    });

    it('counts frames the device refuses as dropped and re-checks the link', async () => {
      const pool = new PacketPool();
      const { driver, handle } = open();
      const sink = recordingSink(pool);
      driver.start(sink);
      handle.failNext = 2;
      handle.info_.flags = 0; // the device went down
      driver.send(buffers(pool, [frame(60, 1), frame(60, 2), frame(60, 3)]), 3);
      await Promise.resolve();
      expect(driver.stats).toMatchObject({ txFrames: 1, txDropped: 2, txBytes: 60 });
      expect(driver.lastError).toBe(5);
      expect(driver.linkUp).toBe(false);
      expect(sink.link).toEqual([false]);
      expect(driver.queuedFrames).toBe(0);
    });
  });

  describe('observe', () => {
    it('shows received frames before the sink gets them, and written frames, until stopped', async () => {
      const pool = new PacketPool();
      const { driver, handle } = open({ batch: 4 });
      const sink = recordingSink(pool);
      const order: string[] = [];
      const receive = sink.receive.bind(sink);
      sink.receive = (frames, count) => {
        order.push('receive');
        receive(frames, count);
      };
      driver.start(sink);
      const a = recorder();
      const b = recorder();
      const stopA = driver.observe(a.observer);
      const stopB = driver.observe((...args) => {
        order.push('observer');
        b.observer(...args);
      });
      const before = Date.now();
      handle.deliver([frame(60, 1), frame(80, 2)]);
      expect(order).toEqual(['observer', 'observer', 'receive']);
      driver.send(buffers(pool, [frame(90, 3)]), 1);
      await Promise.resolve();
      expect(a.seen.map((s) => [s.direction, s.bytes])).toEqual([
        ['rx', frame(60, 1)],
        ['rx', frame(80, 2)],
        ['tx', frame(90, 3)],
      ]);
      expect(b.seen).toEqual(a.seen);
      // Wall-clock time stamps (for pcap), one per batch.
      expect(a.seen[0].time).toBeGreaterThanOrEqual(before - 1);
      expect(a.seen[0].time).toBeLessThanOrEqual(Date.now() + 1);
      expect(a.seen[1].time).toBe(a.seen[0].time);
      stopA();
      stopA(); // harmless
      handle.deliver([frame(61, 4)]);
      expect(a.seen.length).toBe(3);
      expect(b.seen.length).toBe(4);
      stopB();
      handle.deliver([frame(62, 5)]);
      expect(b.seen.length).toBe(4);
      expect(sink.frames.length).toBe(4);
    });

    it('does not show frames that were dropped or refused by the device', async () => {
      const pool = new PacketPool();
      const { driver, handle } = open({ batch: 4, queueLimit: 3 });
      const r = recorder();
      driver.observe(r.observer);
      handle.failNext = 1;
      driver.send(buffers(pool, [frame(60, 1), frame(61, 2), frame(62, 3), frame(63, 4)]), 4);
      await Promise.resolve();
      expect(driver.stats).toMatchObject({ txFrames: 2, txDropped: 2 });
      expect(r.seen.map((s) => s.bytes)).toEqual([frame(61, 2), frame(62, 3)]);
    });

    it('costs no clock reading and no observer call while nobody observes', async () => {
      const pool = new PacketPool();
      const { driver, handle } = open({ batch: 4 });
      driver.start(recordingSink(pool));
      const stop = driver.observe(() => {});
      stop();
      const now = vi.spyOn(performance, 'now');
      handle.deliver([frame(60, 1), frame(60, 2)]);
      driver.send(buffers(pool, [frame(60, 3), frame(60, 4)]), 2);
      await Promise.resolve();
      expect(now).not.toHaveBeenCalled();
      // ...and one reading per batch while someone does.
      driver.observe(() => {});
      handle.deliver([frame(60, 1), frame(60, 2)]);
      expect(now).toHaveBeenCalledTimes(1);
    });

    it('reports an observer that throws without disturbing the driver', async () => {
      const pool = new PacketPool();
      const { driver, handle } = open({ batch: 4 });
      const sink = recordingSink(pool);
      driver.start(sink);
      driver.observe(() => {
        throw new Error('observer bug');
      });
      const reported = new Promise<unknown>((resolve) => {
        const original = globalThis.queueMicrotask;
        vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((task) => {
          try {
            task();
          } catch (e) {
            resolve(e);
            return;
          }
          original(task);
        });
      });
      handle.deliver([frame(60, 1)]);
      expect(sink.frames).toEqual([frame(60, 1)]);
      await expect(reported).resolves.toMatchObject({ message: 'observer bug' });
    });

    it('refuses an observer that is not a function', () => {
      const { driver } = open();
      expect(() => driver.observe(null as never)).toThrow(TypeError);
    });
  });

  it('reports link-state changes from the periodic check, once per change', () => {
    vi.useFakeTimers();
    const pool = new PacketPool();
    const { binding, handles } = fakeBinding();
    const driver = new TapDriver(binding, resolveTapOptions({ name: 'tapfake0', linkPollInterval: 1000 }));
    const handle = handles[0];
    const sink = recordingSink(pool);
    driver.start(sink);
    vi.advanceTimersByTime(3000);
    expect(sink.link).toEqual([]);
    handle.info_.flags = IFF_UP; // admin up, no carrier
    vi.advanceTimersByTime(1000);
    expect(driver.linkUp).toBe(false);
    handle.info_.flags = IFF_UP | IFF_RUNNING;
    handle.info_.mtu = 4000;
    handle.info_.name = 'renamed0';
    vi.advanceTimersByTime(2000);
    expect(sink.link).toEqual([false, true]);
    expect(driver.mtu).toBe(4000);
    expect(driver.name).toBe('renamed0');
    driver.setAdminUp(false);
    expect(sink.link).toEqual([false, true, false]);
    void driver.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('takes the link down when the device reports an error', () => {
    const pool = new PacketPool();
    const { driver, handle } = open();
    const sink = recordingSink(pool);
    driver.start(sink);
    handle.options.onError(77); // EBADFD: the device was deleted
    expect(driver.linkUp).toBe(false);
    expect(driver.lastError).toBe(77);
    expect(sink.link).toEqual([false]);
  });

  it('close() stops polling first, writes what it can, releases everything, and is idempotent', async () => {
    const pool = new PacketPool();
    const { driver, handle } = open({ batch: 4 });
    const sink = recordingSink(pool);
    driver.start(sink);
    handle.accept = 2;
    driver.send(
      buffers(
        pool,
        Array.from({ length: 6 }, (_, i) => frame(60, i)),
      ),
      6,
    );
    expect(driver.queuedFrames).toBe(4);
    expect(handle.wantWritable).toBe(true);
    const drained = driver.drained();
    handle.accept = 1; // close() writes what the device takes without waiting
    await driver.close();
    await drained;
    expect(handle.log.slice(-3)).toEqual(['stop', 'write', 'close']);
    expect(handle.closed).toBe(true);
    expect(handle.wantWritable).toBe(false);
    expect(driver.stats).toMatchObject({ txFrames: 3, txDropped: 3 });
    expect(handle.written.length).toBe(3);
    // Queued frames and posted receive buffers are all back in the pool.
    expect(driver.postedBuffers).toBe(0);
    expect(pool.stats.inUse).toBe(0);
    expect(pool.stats.doubleRelease).toBe(0);
    expect(driver.linkUp).toBe(false);
    await driver.close();
    expect(handle.log.filter((l) => l === 'close')).toEqual(['close']);
    // After close: sends are dropped and released, wake-ups are ignored.
    driver.send(buffers(pool, [frame(60, 9)]), 1);
    expect(driver.stats.txDropped).toBe(4);
    expect(pool.stats.inUse).toBe(0);
    handle.options.onRead(0);
    expect(sink.receiveCalls).toEqual([]);
    expect(sink.link).toEqual([]);
    expect(() => driver.start(sink)).toThrow(/closed/);
  });

  it('passes ref/unref to the handle', () => {
    const { driver, handle } = open();
    driver.unref();
    expect(handle.refed).toBe(false);
    driver.ref();
    expect(handle.refed).toBe(true);
  });

  it('closes the handle when open-time settings fail', () => {
    const { binding, handles } = fakeBinding();
    const bad = { name: 'tapfake0', hardwareAddress: new Uint8Array(6) };
    const orig = binding.TapHandle;
    binding.TapHandle = class extends orig {
      override setHardwareAddress(): void {
        throw new Error('EADDRNOTAVAIL');
      }
    } as typeof orig;
    expect(() => new TapDriver(binding, resolveTapOptions(bad), bad)).toThrow(/EADDRNOTAVAIL/);
    expect((handles[0] as FakeHandle).closed).toBe(true);
  });
});
