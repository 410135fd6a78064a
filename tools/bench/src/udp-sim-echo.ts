// The simulator half of udp-echo-bench.ts: UDP echo round trips between two complete stacks on one
// simulated switch, driven in virtual time as fast as the CPU allows, beside the simulator's own
// floor (the same switch and frame sizes, with bare sinks bouncing frames instead of stacks).
import { Session } from 'node:inspector/promises';
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MacAddress, ManualClock, PacketPool, type LinkDriverSink, type PacketBuffer, type Stack } from '@stack/core';
import { SimNetwork, type SimEndpoint, type SimSwitch } from '@stack/sim';
import { createSocket, type UdpSocket } from '@stack/udp';
import { composeBenchHost, udpEchoService } from './udp-compose.js';

/** Ethernet + IPv4 (no options) + UDP headers in front of every payload. */
export const FRAME_OVERHEAD = 14 + 20 + 8;

/** One timed run: replies counted over wall-clock time. */
export interface EchoRun {
  readonly rtts: number;
  readonly seconds: number;
  /** CPU time (user + system) of this process over the run, all threads; less disturbed by the machine's other load than wall time. */
  readonly cpuSeconds: number;
  /** Replies of the wrong length (should stay 0). */
  readonly bad: number;
}

/** CPU seconds (user + system) of this process since `since` (a process.cpuUsage() value). */
function cpuSince(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
}

/** Something that bounces datagrams and can be timed: the stack pair or the floor. */
export interface SimEchoTarget {
  /** Keep `window` datagrams of `size` payload bytes in flight for about `seconds`, then drain. */
  run(size: number, window: number, seconds: number): EchoRun;
  close(): Promise<void>;
}

const ECHO_PORT = 7;

/**
 * Two hosts composed as apps/host does (fib + ether + arp + ipv4 + udp) on one switch of a
 * SimNetwork with a ManualClock: A runs the host's UDP echo service, B a client socket connected
 * to it. Every frame goes B → switch → A → switch → B with zero delay, so virtual time never moves
 * and the wall clock measures only CPU work.
 */
export class SimStackPair implements SimEchoTarget {
  private received = 0;
  private bad = 0;
  private size = 0;
  private payload = new Uint8Array(0);
  private stopping = true;
  private deadline = 0;
  private sendErrors = 0;

  private constructor(
    private readonly net: SimNetwork,
    private readonly a: Stack,
    private readonly b: Stack,
    private readonly echo: UdpSocket,
    private readonly sock: UdpSocket,
  ) {
    sock.on('message', (msg) => {
      this.received++;
      if (msg.length !== this.size) this.bad++;
      if ((this.received & 255) === 0 && performance.now() >= this.deadline) this.stopping = true;
      if (!this.stopping && sock.send(this.payload) !== null) this.sendErrors++;
    });
  }

  static create(): SimStackPair {
    const clock = new ManualClock();
    const net = new SimNetwork({ clock, seed: 1 });
    const sw = net.switch({ name: 'lan' });
    const port = (name: string, mac: string): ReturnType<SimSwitch['port']> =>
      sw.port({ name, mac: MacAddress.parse(mac).toBytes() });
    const a = composeBenchHost({
      name: 'host-a',
      clock,
      driver: port('host-a-port', '02:00:00:00:00:0a'),
      address: '192.0.2.1/24',
    });
    const b = composeBenchHost({
      name: 'host-b',
      clock,
      driver: port('host-b-port', '02:00:00:00:00:0b'),
      address: '192.0.2.2/24',
    });
    const echo = udpEchoService(a, ECHO_PORT);
    const sock = createSocket(b, { type: 'udp4' }).connect(ECHO_PORT, '192.0.2.1');
    const pair = new SimStackPair(net, a, b, echo, sock);
    // Resolve ARP both ways before anything is timed (and check that the echo works at all).
    const first = pair.run(64, 1, 0.05);
    if (first.rtts === 0 || first.bad > 0)
      throw new Error(`simulator: the UDP echo does not answer (${JSON.stringify(first)})`);
    return pair;
  }

  run(size: number, window: number, seconds: number): EchoRun {
    this.size = size;
    this.payload = new Uint8Array(size).map((_, i) => i * 7 + 3);
    this.received = 0;
    this.bad = 0;
    this.stopping = false;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    this.deadline = t0 + seconds * 1000;
    for (let i = 0; i < window; i++) if (this.sock.send(this.payload) !== null) this.sendErrors++;
    this.net.settle();
    const t1 = performance.now();
    const cpuSeconds = cpuSince(cpu0);
    if (this.sendErrors > 0) throw new Error(`simulator: ${this.sendErrors} sends failed`);
    return { rtts: this.received, seconds: (t1 - t0) / 1000, cpuSeconds, bad: this.bad };
  }

  async close(): Promise<void> {
    this.sock.close();
    this.echo.close();
    await this.a.destroy();
    await this.b.destroy();
    this.net.dispose();
  }
}

/**
 * The simulator's floor: the same SimNetwork, switch and frame sizes, with two bare sinks in place
 * of the stacks. The "server" sink swaps the MAC addresses of each frame it gets and sends it back;
 * the "client" sink counts replies and sends the next frame from a template. What remains is the
 * simulator's own work per round trip (4 scheduled frames, 6 copies, the switch's lookups) plus a
 * pooled buffer per frame, i.e. what no stack can go below on this simulator.
 */
export class SimFloor implements SimEchoTarget {
  private readonly pool = new PacketPool();
  private readonly out: PacketBuffer[] = [];
  private template = new Uint8Array(0);
  private received = 0;
  private bad = 0;
  private frameLength = 0;
  private stopping = true;
  private deadline = 0;

  private constructor(
    private readonly net: SimNetwork,
    private readonly client: SimEndpoint,
    private readonly server: SimEndpoint,
  ) {
    const serverSink: LinkDriverSink = {
      allocate: (length) => this.pool.alloc(length, 0),
      receive: (frames, count) => {
        const out = this.out;
        for (let i = 0; i < count; i++) {
          const f = frames[i];
          const d = f.data;
          const s = f.start;
          for (let j = 0; j < 6; j++) {
            const t = d[s + j];
            d[s + j] = d[s + 6 + j];
            d[s + 6 + j] = t;
          }
          out[i] = f;
        }
        this.server.send(out, count);
      },
      linkStateChanged: () => {},
    };
    const clientSink: LinkDriverSink = {
      allocate: (length) => this.pool.alloc(length, 0),
      receive: (frames, count) => {
        for (let i = 0; i < count; i++) {
          const f = frames[i];
          this.received++;
          if (f.length !== this.frameLength) this.bad++;
          f.release();
          if ((this.received & 255) === 0 && performance.now() >= this.deadline) this.stopping = true;
          if (!this.stopping) this.sendOne();
        }
      },
      linkStateChanged: () => {},
    };
    server.start(serverSink);
    client.start(clientSink);
  }

  static create(): SimFloor {
    const net = new SimNetwork({ clock: new ManualClock(), seed: 1 });
    const sw = net.switch({ name: 'lan' });
    const client = sw.port({ name: 'floor-b', mac: new Uint8Array([2, 0, 0, 0, 0, 0x0b]) });
    const server = sw.port({ name: 'floor-a', mac: new Uint8Array([2, 0, 0, 0, 0, 0x0a]) });
    return new SimFloor(net, client, server);
  }

  run(size: number, window: number, seconds: number): EchoRun {
    const length = FRAME_OVERHEAD + size;
    if (length !== this.frameLength) {
      const t = new Uint8Array(length);
      t.set(this.server.hardwareAddress!, 0);
      t.set(this.client.hardwareAddress!, 6);
      t[12] = 0x08; // IPv4, for the switch it is just bytes
      for (let i = 14; i < length; i++) t[i] = i * 7 + 3;
      this.template = t;
      this.frameLength = length;
    }
    this.received = 0;
    this.bad = 0;
    this.stopping = false;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    this.deadline = t0 + seconds * 1000;
    for (let i = 0; i < window; i++) this.sendOne();
    this.net.settle();
    const t1 = performance.now();
    return { rtts: this.received, seconds: (t1 - t0) / 1000, cpuSeconds: cpuSince(cpu0), bad: this.bad };
  }

  private sendOne(): void {
    const b = this.pool.alloc(this.frameLength, 0);
    b.data.set(this.template, b.append(this.frameLength));
    this.out[0] = b;
    this.client.send(this.out, 1);
  }

  async close(): Promise<void> {
    await this.client.close();
    await this.server.close();
    this.net.dispose();
  }
}

// ---------------------------------------------------------------------------------------------
// Garbage collection and allocation

/** Collections seen during one timed run. */
export interface GcStats {
  /** Scavenges (young generation). */
  readonly minor: number;
  /** Mark-compact and incremental marking steps (old generation). */
  readonly major: number;
  /** Milliseconds spent in all of them. */
  readonly ms: number;
}

/** Records every GC with its time, so a run's collections can be counted afterwards. */
export class GcMeter {
  private readonly entries: PerformanceEntry[] = [];
  private readonly observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) this.entries.push(e);
  });

  constructor() {
    this.observer.observe({ entryTypes: ['gc'] });
  }

  /** The collections that started in [t0, t1] (performance.now() times). Waits for delivery. */
  async between(t0: number, t1: number): Promise<GcStats> {
    // Node hands GC entries to observers from a later turn of the event loop.
    await new Promise((r) => setTimeout(r, 50));
    let minor = 0;
    let major = 0;
    let ms = 0;
    for (const e of this.entries) {
      if (e.startTime < t0 || e.startTime > t1) continue;
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0;
      if (kind === 1) minor++;
      else major++;
      ms += e.duration;
    }
    this.entries.length = 0;
    return { minor, major, ms };
  }

  stop(): void {
    this.observer.disconnect();
  }
}

/** A full garbage collection, without needing `node --expose-gc`. */
export const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/** Allocation measured by V8's sampling heap profiler over one run. */
export interface AllocationProfile {
  /** Estimated bytes allocated on the V8 heap per round trip, collected objects included. */
  readonly bytesPerRtt: number;
  /** Retained heap growth per round trip after a full GC (leak check; ≈0 expected). */
  readonly retainedPerRtt: number;
  /** Top allocation sites: bytes per round trip, and the allocating frames (leaf last). */
  readonly sites: { bytesPerRtt: number; stack: string }[];
}

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

/**
 * Run `target` once under the sampling heap profiler (objects collected by minor and major GCs
 * included, so the total estimates everything allocated). Off-heap ArrayBuffer backing stores
 * (typed arrays over 64 bytes) are not seen; their wrapper objects are.
 */
export async function profileAllocations(
  target: SimEchoTarget,
  size: number,
  window: number,
  seconds: number,
  depth = 3,
): Promise<AllocationProfile> {
  const session = new Session();
  session.connect();
  try {
    // Leak check first, on a plain run: the profiler keeps its samples on the heap.
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    const plain = target.run(size, window, seconds);
    collectGarbage();
    const retained = process.memoryUsage().heapUsed - before;
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 2048,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    const r = target.run(size, window, seconds);
    const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: { head: ProfileNode } };
    const sites = new Map<string, number>();
    let total = 0;
    const root = process.cwd().replace(/\/$/, '') + '/';
    const walk = (node: ProfileNode, path: string[]): void => {
      const f = node.callFrame;
      const where = f.url ? ` ${f.url.replace(/^file:\/\//, '').replace(root, '')}` : '';
      const here = [...path, `${f.functionName || '(anonymous)'}${where}`];
      if (node.selfSize > 0) {
        total += node.selfSize;
        const key = here.slice(-depth).join(' → ');
        sites.set(key, (sites.get(key) ?? 0) + node.selfSize);
      }
      for (const c of node.children) walk(c, here);
    };
    walk(profile.head, []);
    const rtts = Math.max(1, r.rtts);
    return {
      bytesPerRtt: total / rtts,
      retainedPerRtt: retained / Math.max(1, plain.rtts),
      sites: [...sites]
        .sort((x, y) => y[1] - x[1])
        .slice(0, 15)
        .map(([stack, bytes]) => ({ bytesPerRtt: bytes / rtts, stack })),
    };
  } finally {
    await session.post('HeapProfiler.disable').catch(() => undefined);
    session.disconnect();
  }
}
