import { describe, expect, it } from 'vitest';
import { MemorySink, readPcap } from '@stack/sim';
import { runDemo } from '../src/demo.js';

describe('the simulator demo', () => {
  it('pings with no loss, echoes UDP, and captures a readable pcap', async () => {
    const lines: string[] = [];
    const sink = new MemorySink();
    const result = await runDemo((l) => lines.push(l), (c) => sink.write(c));
    expect(result.pingLoss).toBe(0);
    expect(result.udpEchoed).toBe(true);
    const pcap = readPcap(sink.bytes());
    expect(pcap.ok).toBe(true);
    // ARP request + reply, 4 echo requests + 4 replies, UDP out and back, at least.
    expect(result.pcapFrames).toBeGreaterThanOrEqual(12);
    expect(lines.join('\n')).toMatch(/4 packets transmitted, 4 received, 0% packet loss/);
    expect(lines.join('\n')).toMatch(/B received 13 bytes from 192\.0\.2\.1:7: "hello, @stack"/);
  });
});
