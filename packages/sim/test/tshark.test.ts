/// <reference types="node" />
// The acceptance test of the capture format: tshark reads what PcapWriter wrote, with no
// malformed frames and no expert warnings. Needs `tshark` on the PATH: skipped when it is missing,
// except in CI (CI is set), where a missing tshark fails the test.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@stack/core';
import { afterAll, describe, expect, it } from 'vitest';
import { MemorySink, PcapWriter, SimNetwork } from '../src/index.js';
import { BROADCAST, record, send } from './helpers.js';
import { arpFrame, icmpEchoFrame } from './packets.js';

const tsharkAvailable = spawnSync('tshark', ['--version'], { encoding: 'utf8' }).status === 0;
const inCi = Boolean(process.env.CI);
const workDir = mkdtempSync(join(tmpdir(), 'stack-sim-tshark-'));

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

interface TsharkReport {
  /** The `-z expert,warn` summary: empty when tshark found nothing at warning level or above. */
  expert: string;
  frameCount: number;
}

function tshark(bytes: Uint8Array, name: string): TsharkReport {
  if (!tsharkAvailable) throw new Error('tshark is not installed; CI must install it (apt-get install tshark)');
  const file = join(workDir, name);
  writeFileSync(file, bytes);
  const run = (args: string[]): string => {
    const result = spawnSync('tshark', ['-n', '-r', file, '-o', 'ip.check_checksum:TRUE', ...args], { encoding: 'utf8', timeout: 20_000 });
    if (result.status !== 0) throw new Error(`tshark ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
    return result.stdout;
  };
  const expert = run(['-q', '-z', 'expert,warn']).trim();
  const verbose = run(['-V']);
  if (/malformed/i.test(verbose)) throw new Error(`tshark -V reports a malformed frame:\n${verbose}`);
  const frameCount = run(['-T', 'fields', '-e', 'frame.number']).trim().split('\n').filter(Boolean).length;
  return { expert, frameCount };
}

const ipA = Uint8Array.of(192, 0, 2, 1);
const ipB = Uint8Array.of(192, 0, 2, 2);

/** Host A resolves B with ARP and pings it twice over a switch; B answers from its receive callback. */
function pingCapture(): Uint8Array {
  const clock = new ManualClock(1_700_000_000_000);
  const net = new SimNetwork({ clock });
  const sw = net.switch();
  const a = sw.port({ impairment: { delay: 0.25 } });
  const b = sw.port({ impairment: { delay: 0.25 } });
  const macA = a.hardwareAddress!;
  const macB = b.hardwareAddress!;
  const capture = new MemorySink();
  new PcapWriter(capture.write).tap(a);
  record(a, () => clock.now());
  const sinkB = record(b, () => clock.now());
  sinkB.onFrame = (frame) => {
    const ethertype = (frame[12] << 8) | frame[13];
    if (ethertype === 0x0806 && frame[21] === 1) send(b, arpFrame(2, macA, macB, ipB, macA, ipA));
    if (ethertype === 0x0800 && frame[34] === 8) {
      const sequence = (frame[40] << 8) | frame[41];
      send(b, icmpEchoFrame(0, macA, macB, ipB, ipA, 0x1234, sequence));
    }
  };
  send(a, arpFrame(1, BROADCAST, macA, ipA, new Uint8Array(6), ipB));
  net.settle();
  for (let sequence = 1; sequence <= 2; sequence++) {
    send(a, icmpEchoFrame(8, macB, macA, ipA, ipB, 0x1234, sequence));
    net.run(1000);
  }
  net.settle();
  return capture.bytes();
}

describe.skipIf(!tsharkAvailable && !inCi)('tshark reads our captures', () => {
  it('a capture of ARP and ping has no malformed frames and no expert warnings', () => {
    const report = tshark(pingCapture(), 'ping.pcap');
    expect(report.expert).toBe('');
    expect(report.frameCount).toBe(6);
  });

  it('the check does catch a broken frame (control)', () => {
    const sink = new MemorySink();
    const broken = icmpEchoFrame(8, BROADCAST, Uint8Array.of(2, 0, 0, 0, 0, 1), ipA, ipB, 1, 1);
    broken[24] ^= 0x01; // break the IPv4 header checksum
    new PcapWriter(sink.write).writeFrame(0, broken);
    expect(tshark(sink.bytes(), 'broken.pcap').expert).toMatch(/Bad checksum/);
  });
});
