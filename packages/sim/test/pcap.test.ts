import { ManualClock } from '@stack/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LINKTYPE_ETHERNET, MemorySink, PcapReader, PcapWriter, readPcap, SimNetwork } from '../src/index.js';
import { BROADCAST, ethernetFrame, record, send } from './helpers.js';

describe('PcapWriter', () => {
  it('writes a classic little-endian microsecond header', () => {
    const sink = new MemorySink();
    new PcapWriter(sink.write);
    expect(Array.from(sink.bytes())).toEqual([
      0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0,
    ]);
  });

  it('round-trips frames and timestamps through PcapReader', () => {
    const sink = new MemorySink();
    const writer = new PcapWriter(sink.write);
    const first = ethernetFrame(BROADCAST, BROADCAST, 1, 60);
    const second = ethernetFrame(BROADCAST, BROADCAST, 2, 1514);
    writer.writeFrame(1234.5678, first);
    writer.writeFrame(2_999_999.9999996, second); // rounds up into the next second
    const result = readPcap(sink.bytes());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.header).toMatchObject({ littleEndian: true, nanoseconds: false, versionMajor: 2, versionMinor: 4, snaplen: 65535, linkType: LINKTYPE_ETHERNET });
    expect(result.records.map((r) => [r.seconds, r.fraction, r.originalLength])).toEqual([
      [1, 234568, 60],
      [3000, 0, 1514],
    ]);
    expect(result.records[0].timeMs).toBeCloseTo(1234.568, 6);
    expect(result.records[0].data).toEqual(first);
    expect(result.records[1].data).toEqual(second);
    expect(writer.framesWritten).toBe(2);
  });

  it('truncates to the snaplen and keeps the original length', () => {
    const sink = new MemorySink();
    const writer = new PcapWriter(sink.write, { snaplen: 32 });
    writer.writeFrame(0, ethernetFrame(BROADCAST, BROADCAST, 1, 100), 0, 100);
    const result = readPcap(sink.bytes());
    expect(result.ok && [result.records[0].data.length, result.records[0].originalLength]).toEqual([32, 100]);
  });

  it('round-trips any frames (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(4_000_000_000), fc.uint8Array({ maxLength: 2000 })), { maxLength: 20 }), (frames) => {
        const sink = new MemorySink();
        const writer = new PcapWriter(sink.write);
        for (const [time, bytes] of frames) writer.writeFrame(time, bytes);
        const result = readPcap(sink.bytes());
        expect(result.ok).toBe(true);
        expect(result.records.map((r) => [r.timeMs, Array.from(r.data)])).toEqual(frames.map(([time, bytes]) => [time, Array.from(bytes)]));
      }),
    );
  });

  it('taps a device in both directions, or one, until detached', () => {
    const clock = new ManualClock();
    const net = new SimNetwork({ clock });
    const [a, b] = net.linkPair({ impairment: { delay: 5 } });
    record(a, () => clock.now());
    record(b, () => clock.now());
    const both = new MemorySink();
    const rxOnly = new MemorySink();
    const stopBoth = new PcapWriter(both.write).tap(a);
    new PcapWriter(rxOnly.write).tap(a, { direction: 'rx' });
    clock.advance(1);
    send(a, ethernetFrame(BROADCAST, a.hardwareAddress!, 1));
    send(b, ethernetFrame(BROADCAST, b.hardwareAddress!, 2));
    net.settle();
    stopBoth();
    send(a, ethernetFrame(BROADCAST, a.hardwareAddress!, 3));
    net.settle();
    const captured = readPcap(both.bytes());
    expect(captured.records.map((r) => [r.timeMs, r.data[6 + 5]])).toEqual([
      [1, 1],
      [6, 2],
    ]);
    expect(readPcap(rxOnly.bytes()).records).toHaveLength(1);
  });
});

describe('PcapReader', () => {
  function bigEndianNanosecondFile(): Uint8Array {
    const bytes = new Uint8Array(24 + 16 + 4);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, 0xa1b23c4d);
    view.setUint16(4, 2);
    view.setUint16(6, 4);
    view.setUint32(16, 262144);
    view.setUint32(20, 1);
    view.setUint32(24, 2);
    view.setUint32(28, 500_000_000);
    view.setUint32(32, 4);
    view.setUint32(36, 60);
    bytes.set([1, 2, 3, 4], 40);
    return bytes;
  }

  it('reads big-endian nanosecond captures', () => {
    const result = readPcap(bigEndianNanosecondFile());
    expect(result.ok).toBe(true);
    expect(result.header).toMatchObject({ littleEndian: false, nanoseconds: true, snaplen: 262144 });
    expect(result.records[0]).toMatchObject({ seconds: 2, fraction: 500_000_000, timeMs: 2500, originalLength: 60 });
  });

  it('reports bad input without throwing', () => {
    expect(readPcap(new Uint8Array(10))).toMatchObject({ ok: false, error: expect.stringMatching(/truncated/) });
    expect(readPcap(new Uint8Array(24))).toMatchObject({ ok: false, error: expect.stringMatching(/magic/) });
    const cut = bigEndianNanosecondFile().subarray(0, 42);
    const reader = new PcapReader(cut);
    expect(reader.next()).toBeNull();
    expect(reader.error).toMatch(/truncated data/);
  });

  it('never throws on arbitrary bytes (property)', () => {
    const header = new Uint8Array([0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0]);
    fc.assert(
      fc.property(fc.boolean(), fc.uint8Array({ maxLength: 300 }), (withHeader, tail) => {
        const bytes = withHeader ? new Uint8Array([...header, ...tail]) : tail;
        const result = readPcap(bytes);
        expect(typeof result.ok).toBe('boolean');
      }),
    );
  });
});
