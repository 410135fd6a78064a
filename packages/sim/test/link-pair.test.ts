import { ManualClock, PacketPool, RealClock } from '@stack/core';
import { describe, expect, it } from 'vitest';
import { SimNetwork } from '../src/index.js';
import { BROADCAST, ethernetFrame, record, send, sequenceOf } from './helpers.js';

function setup(options: Parameters<SimNetwork['linkPair']>[0] = {}) {
  const clock = new ManualClock();
  const net = new SimNetwork({ clock });
  const [a, b] = net.linkPair(options);
  const now = () => clock.now();
  return { clock, net, a, b, sinkA: record(a, now), sinkB: record(b, now) };
}

describe('SimNetwork.linkPair', () => {
  it('gives deterministic locally administered MACs, names and the default MTU', () => {
    const { a, b } = setup();
    expect(Array.from(a.hardwareAddress ?? [])).toEqual([2, 0, 0, 0, 0, 1]);
    expect(Array.from(b.hardwareAddress ?? [])).toEqual([2, 0, 0, 0, 0, 2]);
    expect([a.name, b.name, a.kind, a.mtu, a.linkUp]).toEqual(['sim0', 'sim1', 'sim', 1500, true]);
  });

  it('delivers frames both ways, unchanged, after the sender returns', () => {
    const { clock, a, b, sinkA, sinkB } = setup();
    const ab = ethernetFrame(b.hardwareAddress!, a.hardwareAddress!, 1);
    const ba = ethernetFrame(a.hardwareAddress!, b.hardwareAddress!, 2, 1514);
    send(a, ab);
    send(b, ba);
    expect(sinkB.frames).toHaveLength(0); // never inside the sender's call
    clock.runDue();
    expect(sinkB.frames.map((f) => f.bytes)).toEqual([ab]);
    expect(sinkA.frames.map((f) => f.bytes)).toEqual([ba]);
    expect(a.stats).toMatchObject({ txFrames: 1, txBytes: 64, rxFrames: 1, rxBytes: 1514, txDropped: 0 });
    expect(a.impairmentStats('tx')).toMatchObject({ offered: 1, delivered: 1 });
  });

  it('hands frames that fall due together to the stack in one receive call', () => {
    const { clock, a, b, sinkB } = setup();
    send(a, ethernetFrame(b.hardwareAddress!, a.hardwareAddress!, 1), ethernetFrame(b.hardwareAddress!, a.hardwareAddress!, 2));
    send(a, ethernetFrame(b.hardwareAddress!, a.hardwareAddress!, 3));
    clock.advance(0);
    expect(sinkB.batches).toEqual([3]);
    expect(sinkB.frames.map((f) => sequenceOf(f.bytes))).toEqual([1, 2, 3]);
  });

  it('answers from inside receive without recursing into the sender', () => {
    const { net, a, b, sinkA, sinkB } = setup();
    let depth = 0;
    let maxDepth = 0;
    const bounce = (from: typeof a) => (bytes: Uint8Array) => {
      depth++;
      maxDepth = Math.max(maxDepth, depth);
      const sequence = sequenceOf(bytes);
      if (sequence < 1000) send(from, ethernetFrame(BROADCAST, from.hardwareAddress!, sequence + 1));
      depth--;
    };
    sinkA.onFrame = bounce(a);
    sinkB.onFrame = bounce(b);
    send(a, ethernetFrame(BROADCAST, a.hardwareAddress!, 0));
    net.settle();
    expect(maxDepth).toBe(1);
    expect(sinkA.frames.length + sinkB.frames.length).toBe(1001);
  });

  it('releases every buffer it is sent', () => {
    const { clock, a, b } = setup();
    const pool = new PacketPool({ bufferSize: 2048 });
    const frames = [1, 2, 3].map((n) => {
      const buffer = pool.alloc(64, 0);
      buffer.copyFrom(ethernetFrame(b.hardwareAddress!, a.hardwareAddress!, n));
      return buffer;
    });
    a.send(frames, 3);
    expect(pool.stats.inUse).toBe(0);
    clock.runDue();
  });

  it('drops frames larger than the MTU plus a tagged Ethernet header', () => {
    const { clock, a, b, sinkB } = setup({ mtu: 100 });
    send(a, ethernetFrame(b.hardwareAddress!, a.hardwareAddress!, 1, 118), ethernetFrame(b.hardwareAddress!, a.hardwareAddress!, 2, 119));
    clock.runDue();
    expect(sinkB.frames).toHaveLength(1);
    expect(a.stats.txDropped).toBe(1);
  });

  it('delays by the configured time and settle() reports the time it took', () => {
    const { net, a, b, sinkB } = setup({ aToB: { delay: 25 } });
    send(a, ethernetFrame(b.hardwareAddress!, a.hardwareAddress!));
    expect(net.inFlight).toBe(1);
    expect(net.settle()).toBe(25);
    expect(sinkB.frames[0].timeMs).toBe(25);
    expect(net.inFlight).toBe(0);
  });

  it('link down notifies both ends, stops delivery and loses frames in flight; up resumes', () => {
    const { clock, net, a, b, sinkA, sinkB } = setup({ impairment: { delay: 10 } });
    send(a, ethernetFrame(b.hardwareAddress!, a.hardwareAddress!, 1));
    clock.advance(5);
    b.setLinkUp(false);
    expect(sinkA.linkEvents).toEqual([false]);
    expect(sinkB.linkEvents).toEqual([false]);
    expect(a.linkUp).toBe(false);
    send(a, ethernetFrame(b.hardwareAddress!, a.hardwareAddress!, 2));
    net.settle();
    expect(sinkB.frames).toHaveLength(0);
    expect(a.stats.txDropped).toBe(1);
    expect(a.impairmentStats('tx').downDropped).toBe(1);
    a.setLinkUp(true);
    expect(sinkB.linkEvents).toEqual([false, true]);
    send(a, ethernetFrame(b.hardwareAddress!, a.hardwareAddress!, 3));
    net.settle();
    expect(sinkB.frames.map((f) => sequenceOf(f.bytes))).toEqual([3]);
  });

  it('closing one end takes the link down for the other', async () => {
    const { a, b, sinkB } = setup();
    await a.close();
    expect(sinkB.linkEvents).toEqual([false]);
    expect(b.linkUp).toBe(false);
    expect(() => record(a, () => 0)).toThrow(/after close/);
  });

  it('can start with the cable unplugged', () => {
    const { a } = setup({ up: false });
    expect(a.linkUp).toBe(false);
  });

  it('delivers zero-delay frames from a microtask with a real clock', async () => {
    const clock = new RealClock();
    const net = new SimNetwork({ clock });
    const [a, b] = net.linkPair();
    const sinkB = record(b, () => clock.now());
    send(a, ethernetFrame(b.hardwareAddress!, a.hardwareAddress!, 1), ethernetFrame(b.hardwareAddress!, a.hardwareAddress!, 2));
    expect(sinkB.frames).toHaveLength(0);
    await Promise.resolve();
    await Promise.resolve();
    expect(sinkB.batches).toEqual([2]);
    net.dispose();
    clock.close();
  });

  it('refuses run/settle without a ManualClock', () => {
    const clock = new RealClock();
    const net = new SimNetwork({ clock });
    expect(() => net.settle()).toThrow(/ManualClock/);
    net.dispose();
    clock.close();
  });
});
