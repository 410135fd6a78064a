// Unit tests of the JavaScript half of the driver against a fake native binding: no root, no addon.
import { PacketBuffer, PacketPool, type LinkDriverSink } from '@stack/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TapDriver, resolveTapOptions, type TapOptions } from '../src/driver.js';
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
  receiveCalls: number[];
  link: boolean[];
}

function recordingSink(pool: PacketPool): RecordingSink {
  const sink: RecordingSink = {
    frames: [],
    receiveCalls: [],
    link: [],
    allocate: (length) => pool.alloc(length, 0),
    receive(frames, count) {
      sink.receiveCalls.push(count);
      for (let i = 0; i < count; i++) {
        sink.frames.push(frames[i].data.slice(frames[i].start, frames[i].end));
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

afterEach(() => {
  vi.useRealTimers();
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
    // The receive slot follows the MTU so a jumbo frame is never cut.
    expect(handle.options.status[3]).toBeGreaterThanOrEqual(9000 + 14);
  });

  it('does not read before start, and delivers a whole wake-up as one receive() call', () => {
    const pool = new PacketPool();
    const { driver, handle } = open();
    expect(handle.reading).toBe(false);
    const sink = recordingSink(pool);
    driver.start(sink);
    expect(handle.reading).toBe(true);
    expect(() => driver.start(sink)).toThrow(/already started/);
    const frames = [frame(60, 1), frame(1514, 2), frame(64, 3), frame(200, 4)];
    handle.deliver(frames);
    expect(sink.receiveCalls).toEqual([4]);
    expect(sink.frames).toEqual(frames);
    handle.deliver([frame(100, 5)]);
    expect(sink.receiveCalls).toEqual([4, 1]);
    expect(driver.stats).toMatchObject({ rxFrames: 5, rxBytes: 60 + 1514 + 64 + 200 + 100, rxDropped: 0 });
    expect(pool.stats.inUse).toBe(0);
  });

  it('counts frames it cannot hand on as rxDropped', () => {
    const pool = new PacketPool({ bufferSize: 256, headroom: 0 });
    const { driver, handle } = open();
    const sink = recordingSink(pool);
    let n = 0;
    sink.allocate = (length) => {
      if (n++ === 1) throw new Error('pool exhausted');
      return pool.alloc(length, 0);
    };
    driver.start(sink);
    handle.deliver([frame(60, 1), frame(60, 2), frame(70, 3)]);
    expect(sink.frames).toEqual([frame(60, 1), frame(70, 3)]);
    expect(driver.stats.rxDropped).toBe(1);
    expect(driver.stats.rxFrames).toBe(2);
  });

  it('coalesces many small send() calls in one task into one native write', async () => {
    const pool = new PacketPool();
    const { driver, handle } = open();
    driver.start(recordingSink(pool));
    const frames = Array.from({ length: 10 }, (_, i) => frame(60 + i * 50, i));
    for (const b of buffers(pool, frames)) driver.send([b], 1);
    expect(handle.writeCalls).toEqual([]);
    expect(driver.queuedFrames).toBe(10);
    await Promise.resolve();
    expect(handle.writeCalls).toEqual([10]);
    expect(handle.written).toEqual(frames);
    expect(driver.queuedFrames).toBe(0);
    expect(pool.stats.inUse).toBe(0);
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
  });

  it('packs frames of any size up to 64 KiB, and drops empty or oversized ones', () => {
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
    return Promise.resolve().then(() => {
      expect(handle.written).toEqual(frames);
      // The slab does not hold all of them at once: more than one native call.
      expect(handle.writeCalls.length).toBeGreaterThan(1);
      expect(pool.stats.inUse).toBe(0);
    });
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
    expect(pool.stats.inUse).toBe(0);
    // The writable watch is switched on and off once per stall, not per batch.
    expect(handle.log.filter((l) => l.startsWith('wantWritable'))).toEqual(['wantWritable:true', 'wantWritable:false']);
  });

  it('drops and counts beyond the queue limit', () => {
    const pool = new PacketPool();
    const { driver, handle } = open({ batch: 2, queueLimit: 5 });
    handle.accept = 0;
    driver.send(buffers(pool, Array.from({ length: 8 }, (_, i) => frame(60, i))), 8);
    expect(driver.queuedFrames).toBe(5);
    expect(driver.stats.txDropped).toBe(3);
    expect(pool.stats.inUse).toBe(5);
  });

  it('counts frames the device refuses as dropped and re-checks the link', () => {
    const pool = new PacketPool();
    const { driver, handle } = open();
    const sink = recordingSink(pool);
    driver.start(sink);
    handle.failNext = 2;
    handle.info_.flags = 0; // the device went down
    driver.send(buffers(pool, [frame(60, 1), frame(60, 2), frame(60, 3)]), 3);
    return Promise.resolve().then(() => {
      expect(driver.stats).toMatchObject({ txFrames: 1, txDropped: 2, txBytes: 60 });
      expect(driver.lastError).toBe(5);
      expect(driver.linkUp).toBe(false);
      expect(sink.link).toEqual([false]);
      expect(pool.stats.inUse).toBe(0);
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

  it('close() stops the device first, drops and releases what is queued, and is idempotent', async () => {
    const pool = new PacketPool();
    const { driver, handle } = open({ batch: 4 });
    const sink = recordingSink(pool);
    driver.start(sink);
    handle.accept = 2;
    driver.send(buffers(pool, Array.from({ length: 6 }, (_, i) => frame(60, i))), 6);
    expect(driver.queuedFrames).toBe(4);
    const drained = driver.drained();
    handle.accept = 1; // close() writes what the device takes without waiting
    await driver.close();
    await drained;
    expect(handle.log.at(-1)).toBe('close');
    expect(handle.closed).toBe(true);
    expect(driver.stats).toMatchObject({ txFrames: 3, txDropped: 3 });
    expect(handle.written.length).toBe(3);
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
