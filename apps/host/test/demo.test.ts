import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemorySink, readPcap } from '@stack/sim';
import { runDemo } from '../src/demo.js';

const hasTshark = spawnSync('tshark', ['-v'], { timeout: 10_000 }).status === 0;

describe('the simulator demo', () => {
  it('pings over IPv4 and IPv6 with no loss, echoes UDP over both, and captures a readable pcap', async () => {
    const lines: string[] = [];
    const sink = new MemorySink();
    const result = await runDemo((l) => lines.push(l), (c) => sink.write(c));
    expect(result).toMatchObject({ pingLoss: 0, udpEchoed: true, ping6LinkLocalLoss: 0, ping6GlobalLoss: 0, udp6Echoed: true, dadPassed: 4 });
    const pcap = readPcap(sink.bytes());
    expect(pcap.ok).toBe(true);
    // ARP, 4 echo requests + 4 replies and UDP out and back per family; DAD, MLD, NS/NA for IPv6.
    expect(result.pcapFrames).toBeGreaterThanOrEqual(40);
    const text = lines.join('\n');
    expect(text).toMatch(/4 packets transmitted, 4 received, 0% packet loss/);
    expect(text).toMatch(/B received 13 bytes from 192\.0\.2\.1:7: "hello, @stack"/);
    expect(text).toMatch(/A: fe80::ff:fe00:a passed DAD and is ready/);
    expect(text).toMatch(/B: 2001:db8::2 passed DAD and is ready/);
    expect(text).toMatch(/--- fe80::ff:fe00:a%em0 ping statistics ---\n {2}B\$ 4 packets transmitted, 4 received, 0% packet loss/);
    expect(text).toMatch(/--- 2001:db8::1 ping statistics ---\n {2}B\$ 4 packets transmitted, 4 received, 0% packet loss/);
    expect(text).toMatch(/B received 13 bytes from \[2001:db8::1\]:7: "hello, @stack"/);
    expect(text).toMatch(/^ {2}fe80::ff:fe00:a%em0\s+02:00:00:00:00:0a\s+em0/m);
  });

  it.skipIf(!hasTshark)('its pcap passes tshark with checksum validation and no expert warnings', async () => {
    const sink = new MemorySink();
    await runDemo(() => {}, (c) => sink.write(c));
    const dir = mkdtempSync(join(tmpdir(), 'stk-demo-'));
    try {
      const file = join(dir, 'demo.pcap');
      writeFileSync(file, sink.bytes());
      const prefs = ['-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE'];
      const all = spawnSync('tshark', ['-n', '-r', file, ...prefs, '-T', 'fields', '-e', 'frame.protocols'], { encoding: 'utf8', timeout: 60_000 });
      expect(all.status, all.stderr).toBe(0);
      const protocols = all.stdout.trim().split('\n');
      expect(protocols.some((p) => p.includes('icmpv6'))).toBe(true);
      expect(protocols.some((p) => p.includes('ipv6:udp'))).toBe(true);
      const bad = spawnSync('tshark', ['-n', '-r', file, ...prefs, '-Y', '_ws.expert.severity >= "Warning"', '-T', 'fields', '-e', 'frame.number', '-e', '_ws.expert.message'], { encoding: 'utf8', timeout: 60_000 });
      expect(bad.stdout.trim()).toBe('');
      const expert = spawnSync('tshark', ['-n', '-r', file, ...prefs, '-q', '-z', 'expert,warn'], { encoding: 'utf8', timeout: 60_000 });
      expect(expert.stdout.trim()).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
