import { ManualClock } from '@stack/core';
import { describe, expect, it } from 'vitest';
import { SimNetwork, type SwitchOptions } from '../src/index.js';
import { BROADCAST, ethernetFrame, mac, record, send, sequenceOf, type RecordingSink } from './helpers.js';

function setup(portCount: number, options: SwitchOptions = {}) {
  const clock = new ManualClock();
  const net = new SimNetwork({ clock });
  const sw = net.switch(options);
  const ports = Array.from({ length: portCount }, () => sw.port());
  const sinks = ports.map((port) => record(port, () => clock.now()));
  const macs = ports.map((port) => port.hardwareAddress!);
  const counts = () => sinks.map((sink) => sink.frames.length);
  return { clock, net, sw, ports, sinks, macs, counts };
}

function clear(sinks: RecordingSink[]): void {
  for (const sink of sinks) sink.frames.length = 0;
}

describe('SimSwitch', () => {
  it('floods unknown unicast to every port but the ingress, then forwards once learned', () => {
    const { net, sw, ports, sinks, macs, counts } = setup(4);
    send(ports[0], ethernetFrame(macs[1], macs[0], 1));
    net.settle();
    expect(counts()).toEqual([0, 1, 1, 1]);
    expect(sw.stats).toMatchObject({ flooded: 1, learned: 1 });

    clear(sinks);
    send(ports[1], ethernetFrame(macs[0], macs[1], 2));
    net.settle();
    expect(counts()).toEqual([1, 0, 0, 0]);

    clear(sinks);
    send(ports[0], ethernetFrame(macs[1], macs[0], 3));
    net.settle();
    expect(counts()).toEqual([0, 1, 0, 0]);
    expect(sw.stats).toMatchObject({ framesIn: 3, forwarded: 2, flooded: 1, learned: 2 });
    expect(sw.macTable()).toEqual([
      { mac: '02:00:00:00:00:01', port: 0, ageMs: 0 },
      { mac: '02:00:00:00:00:02', port: 1, ageMs: 0 },
    ]);
    expect(ports.map((port) => port.name)).toEqual(['sw0p0', 'sw0p1', 'sw0p2', 'sw0p3']);
  });

  it('floods broadcast and multicast always and never learns a group source', () => {
    const { net, sw, ports, macs, counts } = setup(3);
    send(ports[1], ethernetFrame(macs[0], macs[1]));
    send(ports[2], ethernetFrame(BROADCAST, macs[2]), ethernetFrame(mac('01:00:5e:00:00:01'), macs[2]));
    send(ports[0], ethernetFrame(macs[2], mac('01:00:5e:00:00:fb')));
    net.settle();
    expect(counts()).toEqual([3, 2, 2]);
    expect(sw.macTable().map((entry) => entry.mac)).toEqual(['02:00:00:00:00:02', '02:00:00:00:00:03']);
  });

  it('never sends a frame back out of the port it came in on', () => {
    const { net, sw, ports, macs, counts } = setup(3);
    const neighbour = mac('02:aa:00:00:00:01');
    // Two hosts behind port 0 (as if through another switch): learn the neighbour there.
    send(ports[0], ethernetFrame(BROADCAST, neighbour));
    net.settle();
    send(ports[0], ethernetFrame(neighbour, macs[0]));
    net.settle();
    expect(counts()).toEqual([0, 1, 1]);
    expect(sw.stats.filtered).toBe(1);
  });

  it('ages out learned addresses and floods again', () => {
    const { clock, net, sw, ports, sinks, macs, counts } = setup(3, { macAgingMs: 1000 });
    send(ports[1], ethernetFrame(BROADCAST, macs[1]));
    net.settle();
    clear(sinks);
    clock.advance(1000);
    send(ports[0], ethernetFrame(macs[1], macs[0]));
    net.settle();
    expect(counts()).toEqual([0, 1, 0]);
    clock.advance(500);
    expect(sw.macTable()).toEqual([{ mac: '02:00:00:00:00:01', port: 0, ageMs: 500 }]);
    clear(sinks);
    send(ports[2], ethernetFrame(macs[1], macs[2]));
    net.settle();
    expect(counts()).toEqual([1, 1, 0]);
    expect(sw.stats.aged).toBe(1);
  });

  it('ages after 300 s by default', () => {
    const { clock, net, sw, ports, macs } = setup(2);
    send(ports[0], ethernetFrame(BROADCAST, macs[0]));
    net.settle();
    clock.advance(300_000);
    expect(sw.macTable()).toHaveLength(1);
    clock.advance(1);
    expect(sw.macTable()).toHaveLength(0);
  });

  it('bounds the table: addresses beyond its size are not learned, their frames flooded', () => {
    const { net, sw, ports, macs, counts } = setup(3, { macTableSize: 2 });
    send(ports[0], ethernetFrame(BROADCAST, macs[0]));
    send(ports[1], ethernetFrame(BROADCAST, macs[1]));
    send(ports[2], ethernetFrame(BROADCAST, macs[2]));
    net.settle();
    expect(sw.macTable()).toHaveLength(2);
    expect(sw.stats.tableFull).toBe(1);
    const before = counts();
    send(ports[0], ethernetFrame(macs[2], macs[0]));
    net.settle();
    expect(counts()).toEqual([before[0], before[1] + 1, before[2] + 1]);
  });

  it('follows a MAC that moves to another port', () => {
    const { net, sw, ports, macs } = setup(3);
    const roaming = mac('02:bb:00:00:00:01');
    send(ports[1], ethernetFrame(BROADCAST, roaming));
    net.settle();
    send(ports[2], ethernetFrame(BROADCAST, roaming));
    net.settle();
    expect(sw.macTable().find((entry) => entry.mac === '02:bb:00:00:00:01')?.port).toBe(2);
    expect(sw.stats.moved).toBe(1);
    void macs;
  });

  it('port down notifies the device, forgets its MACs and delivers nothing to it', () => {
    const { net, sw, ports, sinks, macs, counts } = setup(3);
    send(ports[2], ethernetFrame(BROADCAST, macs[2]));
    net.settle();
    clear(sinks);
    ports[2].setLinkUp(false);
    expect(sinks[2].linkEvents).toEqual([false]);
    expect(sw.macTable().map((entry) => entry.port)).not.toContain(2);
    send(ports[0], ethernetFrame(macs[2], macs[0]), ethernetFrame(BROADCAST, macs[0]));
    net.settle();
    expect(counts()).toEqual([0, 2, 0]);
    ports[2].setLinkUp(true);
    send(ports[0], ethernetFrame(BROADCAST, macs[0]));
    net.settle();
    expect(counts()).toEqual([0, 3, 1]);
  });

  it('impairs each port on its own', () => {
    const clock = new ManualClock();
    const net = new SimNetwork({ clock });
    const sw = net.switch();
    const source = sw.port();
    const lossy = sw.port({ fromSwitch: { loss: 1 } });
    const slow = sw.port({ fromSwitch: { delay: 7 } });
    const sinks = [source, lossy, slow].map((port) => record(port, () => clock.now()));
    send(source, ...Array.from({ length: 10 }, (_, i) => ethernetFrame(BROADCAST, source.hardwareAddress!, i)));
    net.settle();
    expect(sinks[1].frames).toHaveLength(0);
    expect(lossy.impairmentStats('rx').lost).toBe(10);
    expect(sinks[2].frames.map((f) => f.timeMs)).toEqual(Array(10).fill(7));
    expect(sinks[2].frames.map((f) => sequenceOf(f.bytes))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('counts runts', () => {
    const { net, sw, ports } = setup(2);
    send(ports[0], new Uint8Array(10));
    net.settle();
    expect(sw.stats.runts).toBe(1);
  });
});
