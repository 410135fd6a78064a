// Integration tests against real TAP devices in a throw-away network namespace. They run only as
// root, on Linux, with the addon built and /dev/net/tun present; otherwise they are skipped.
// Nothing is created in the caller's namespace: the driver opens devices inside the test namespace.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PacketPool, type LinkDriverSink, type PacketBuffer } from '@stack/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTapAvailable, openTap, type TapDriver } from '../src/index.js';

const hasIp = (() => {
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const enabled =
  process.platform === 'linux' && process.getuid?.() === 0 && hasIp && existsSync('/dev/net/tun') && isTapAvailable();

const NS = `stk-tapdrv-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
const KERNEL_IP = [10, 77, 0, 1];
const OUR_IP = [10, 77, 0, 2];
const OUR_MAC = [0x02, 0x00, 0x00, 0x77, 0x00, 0x02];

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
}

function linkJson(name: string): { mtu: number; address: string; flags: string[]; operstate: string } {
  return JSON.parse(ip('-n', NS, '-j', 'link', 'show', 'dev', name))[0];
}

/** Waits for `pred` with a bound; real time is fine for I/O waits. */
async function waitFor(pred: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface Sink extends LinkDriverSink {
  frames: Uint8Array[];
  batches: number[];
  link: boolean[];
}

function sink(pool: PacketPool): Sink {
  const s: Sink = {
    frames: [],
    batches: [],
    link: [],
    allocate: (n) => pool.alloc(n, 0),
    receive(frames, count) {
      s.batches.push(count);
      for (let i = 0; i < count; i++) {
        s.frames.push(frames[i].data.slice(frames[i].start, frames[i].end));
        frames[i].release();
      }
    },
    linkStateChanged(up) {
      s.link.push(up);
    },
  };
  return s;
}

function checksum(b: Uint8Array, start: number, end: number): number {
  let sum = 0;
  for (let i = start; i < end; i += 2) sum += (b[i] << 8) | (i + 1 < end ? b[i + 1] : 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function arpRequest(pool: PacketPool): PacketBuffer {
  const b = pool.alloc(42, 0);
  const f = b.data;
  const at = b.append(42);
  f.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, ...OUR_MAC, 0x08, 0x06], at);
  f.set([0, 1, 0x08, 0, 6, 4, 0, 1, ...OUR_MAC, ...OUR_IP, 0, 0, 0, 0, 0, 0, ...KERNEL_IP], at + 14);
  return b;
}

function echoRequest(pool: PacketPool, dstMac: Uint8Array, id: number, seq: number, payload = 32): PacketBuffer {
  const len = 14 + 20 + 8 + payload;
  const b = pool.alloc(len, 0);
  const f = b.data;
  const at = b.append(len);
  f.set([...dstMac, ...OUR_MAC, 0x08, 0x00], at);
  const ipAt = at + 14;
  const total = 20 + 8 + payload;
  f.set([0x45, 0, total >> 8, total & 0xff, 0, 0, 0x40, 0, 64, 1, 0, 0, ...OUR_IP, ...KERNEL_IP], ipAt);
  const c = checksum(f, ipAt, ipAt + 20);
  f[ipAt + 10] = c >> 8;
  f[ipAt + 11] = c & 0xff;
  const icmpAt = ipAt + 20;
  f.set([8, 0, 0, 0, id >> 8, id & 0xff, seq >> 8, seq & 0xff], icmpAt);
  for (let i = 0; i < payload; i++) f[icmpAt + 8 + i] = i & 0xff;
  const ic = checksum(f, icmpAt, icmpAt + 8 + payload);
  f[icmpAt + 2] = ic >> 8;
  f[icmpAt + 3] = ic & 0xff;
  return b;
}

const isArpReply = (f: Uint8Array): boolean => f[12] === 0x08 && f[13] === 0x06 && f[21] === 2;
const isEchoReply = (f: Uint8Array): boolean => f[12] === 0x08 && f[13] === 0x00 && f[23] === 1 && f[34] === 0;

describe.skipIf(!enabled)('TapDriver on a real TAP (root)', () => {
  const open: TapDriver[] = [];

  beforeAll(() => {
    ip('netns', 'add', NS);
    ip('-n', NS, 'link', 'set', 'lo', 'up');
  });

  afterAll(async () => {
    for (const d of open) await d.close();
    try {
      ip('netns', 'del', NS);
    } catch {
      // already gone
    }
  });

  it('creates a TAP in the namespace with MTU, address and admin state as asked', async () => {
    const mac = Uint8Array.of(0x02, 0x00, 0x00, 0x77, 0x00, 0x01);
    const d = await openTap({ name: 'stktap0', create: true, netns: NS, mtu: 1400, hardwareAddress: mac, up: true });
    open.push(d);
    const link = linkJson('stktap0');
    expect(d.name).toBe('stktap0');
    expect(d.mtu).toBe(1400);
    expect(link.mtu).toBe(1400);
    expect([...d.hardwareAddress!]).toEqual([...mac]);
    expect(link.address).toBe('02:00:00:77:00:01');
    expect(link.flags).toContain('UP');
    expect(d.linkUp).toBe(true);
    // Nothing leaked into our own namespace.
    expect(() => execFileSync('ip', ['link', 'show', 'dev', 'stktap0'], { stdio: 'ignore' })).toThrow();
  });

  it('exchanges frames with the kernel: ARP, then a burst of echo requests', async () => {
    const d = open[0];
    ip('-n', NS, 'addr', 'add', `${KERNEL_IP.join('.')}/24`, 'dev', 'stktap0');
    const pool = new PacketPool();
    const s = sink(pool);
    const seen: { direction: string; frame: Uint8Array; time: number }[] = [];
    const stopObserving = d.observe((direction, bytes, offset, length, time) =>
      seen.push({ direction, frame: bytes.slice(offset, offset + length), time }),
    );
    d.start(s);
    d.send([arpRequest(pool)], 1);
    await waitFor(() => s.frames.some(isArpReply), 'the ARP reply');
    const reply = s.frames.find(isArpReply)!;
    const kernelMac = reply.slice(22, 28);
    // The kernel answers with the TAP's own address, to ours.
    expect([...kernelMac]).toEqual([...d.hardwareAddress!]);
    expect([...reply.slice(0, 6)]).toEqual(OUR_MAC);
    expect([...reply.slice(28, 32)]).toEqual(KERNEL_IP);

    const burst = Array.from({ length: 64 }, (_, i) => echoRequest(pool, kernelMac, 0x5354, i));
    d.send(burst, burst.length);
    await waitFor(() => s.frames.filter(isEchoReply).length >= 64, '64 echo replies');
    const seqs = s.frames.filter(isEchoReply).map((f) => (f[40] << 8) | f[41]);
    expect(new Set(seqs).size).toBe(64);
    // Many frames per JavaScript callback.
    expect(Math.max(...s.batches)).toBeGreaterThan(1);
    expect(d.stats.txFrames).toBe(65);
    expect(d.stats.txDropped).toBe(0);
    expect(d.stats.rxFrames).toBe(s.frames.length);
    await d.drained();
    // Only the receive buffers the driver keeps posted are still out of the pool.
    expect(d.postedBuffers).toBe(128);
    expect(pool.stats.inUse).toBe(128);
    // The observer saw every frame both ways, in order, with wall-clock time stamps.
    stopObserving();
    const tx = seen.filter((e) => e.direction === 'tx');
    const rx = seen.filter((e) => e.direction === 'rx');
    expect(tx.length).toBe(65);
    expect(rx.map((e) => e.frame)).toEqual(s.frames);
    expect([...tx[0].frame.slice(12, 14)]).toEqual([0x08, 0x06]);
    expect(tx.slice(1).map((e) => (e.frame[40] << 8) | e.frame[41])).toEqual(Array.from({ length: 64 }, (_, i) => i));
    expect(Math.abs(seen[0].time - Date.now())).toBeLessThan(60_000);
  });

  it('reads a frame longer than its receive buffer whole (MTU 9000)', async () => {
    const d = open[0];
    d.setMtu(9000);
    ip('-n', NS, 'link', 'set', 'stktap0', 'mtu', '9000');
    const pool = new PacketPool();
    const before = d.stats.rxFrames;
    const kernelMac = d.hardwareAddress!;
    const big = echoRequest(pool, kernelMac, 0x5355, 1, 8000);
    const got: Uint8Array[] = [];
    const stop = d.observe((direction, bytes, offset, length) => {
      if (direction === 'rx') got.push(bytes.slice(offset, offset + length));
    });
    d.send([big], 1);
    await waitFor(() => got.some((f) => isEchoReply(f) && f.length === 14 + 20 + 8 + 8000), 'the 8000-byte echo reply');
    stop();
    const reply = got.find((f) => isEchoReply(f))!;
    for (let i = 0; i < 8000; i++) if (reply[42 + i] !== (i & 0xff)) throw new Error(`payload differs at ${i}`);
    expect(d.stats.rxFrames).toBeGreaterThan(before);
    expect(d.stats.rxDropped).toBe(0);
  });

  it('attaches to an existing TAP by name, and reports busy or missing devices', async () => {
    ip('-n', NS, 'tuntap', 'add', 'dev', 'stktap1', 'mode', 'tap');
    const d = await openTap({ name: 'stktap1', netns: NS });
    open.push(d);
    expect(d.linkUp).toBe(false); // admin down
    expect([...d.hardwareAddress!].map((v) => v.toString(16).padStart(2, '0')).join(':')).toBe(
      linkJson('stktap1').address,
    );
    await expect(openTap({ name: 'stktap1', netns: NS })).rejects.toMatchObject({ code: 'EBUSY' });
    await expect(openTap({ name: 'stknope9', netns: NS })).rejects.toMatchObject({ code: 'ENODEV' });
    await expect(openTap({ name: 'x', netns: 'stk-no-such-ns' })).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('follows the link state', async () => {
    const d = open[1];
    const s = sink(new PacketPool());
    d.start(s);
    ip('-n', NS, 'link', 'set', 'stktap1', 'up');
    expect(d.refresh()).toBe(true);
    ip('-n', NS, 'link', 'set', 'stktap1', 'down');
    expect(d.refresh()).toBe(false);
    expect(s.link).toEqual([true, false]);
  });

  it('close() releases the device: a created TAP disappears, an existing one stays', async () => {
    const [created, attached] = open.splice(0, 2);
    await created.close();
    expect(created.postedBuffers).toBe(0);
    await created.close();
    expect(created.linkUp).toBe(false);
    expect(() => linkJson('stktap0')).toThrow();
    await attached.close();
    expect(linkJson('stktap1').mtu).toBe(1500);
    // The device is free again.
    const again = await openTap({ name: 'stktap1', netns: NS });
    await again.close();
  });

  it('lets the process exit by itself once closed (no handle or timer left behind)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stk-tap-'));
    try {
      const src = resolve(fileURLToPath(new URL('../src/index.ts', import.meta.url)));
      const script = join(dir, 'child.mts');
      writeFileSync(
        script,
        `import { openTap } from ${JSON.stringify(src)};
const d = await openTap({ name: 'stktap2', create: true, netns: ${JSON.stringify(NS)}, up: true });
let n = 0;
d.start({ allocate: (l) => ({ data: new Uint8Array(l), start: 0, end: 0, release() {} }) as never,
  receive: (_f, c) => { n += c; }, linkStateChanged() {} });
setTimeout(() => { void d.close().then(() => console.log('closed', d.name)); }, 50);
`,
      );
      const repo = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
      const child = spawn(process.execPath, ['--conditions=@stack/source', '--import', 'tsx', script], {
        cwd: repo,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      const code = await new Promise<number | null>((res, rej) => {
        const t = setTimeout(() => {
          child.kill('SIGKILL');
          rej(new Error(`child did not exit: ${out}`));
        }, 15_000);
        child.on('exit', (c) => {
          clearTimeout(t);
          res(c);
        });
      });
      expect(out).toContain('closed stktap2');
      expect(code).toBe(0);
      expect(() => linkJson('stktap2')).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
