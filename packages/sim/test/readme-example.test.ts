// The README's example, kept compiling and passing.
import { ManualClock, PacketBuffer, PacketPool, type LinkDriverSink } from '@stack/core';
import { expect, it } from 'vitest';
import { MemorySink, PcapWriter, readPcap, SimNetwork } from '../src/index.js';

it('README example', () => {
  const clock = new ManualClock();
  const net = new SimNetwork({ clock, seed: 1 });

  // Two hosts on a switch; the second port loses 5% and delays 2 ms ± 0.5 ms towards its host.
  const sw = net.switch();
  const hostA = sw.port();
  const hostB = sw.port({ fromSwitch: { loss: 0.05, delay: 2, jitter: 0.5 } });

  // Capture everything hostA sends and receives.
  const capture = new MemorySink();
  new PcapWriter(capture.write).tap(hostA);

  // Normally a stack interface is the sink; here, a bare one that counts frames.
  const pool = new PacketPool();
  let received = 0;
  const sink: LinkDriverSink = {
    allocate: (length) => pool.alloc(length, 0),
    receive: (frames, count) => {
      received += count;
      for (let i = 0; i < count; i++) frames[i].release();
    },
    linkStateChanged: (up) => console.log('link', up),
  };
  hostA.start(sink);
  hostB.start(sink);

  const frame = new Uint8Array(60);
  frame.fill(0xff, 0, 6); // broadcast
  frame.set(hostA.hardwareAddress, 6);
  hostA.send([PacketBuffer.from(frame)], 1);

  net.settle(); // advance the clock until nothing is in flight
  expect(received).toBe(1);
  expect(readPcap(capture.bytes()).records).toHaveLength(1);
});
