// A minimal link for core's own tests: a driver whose far end the test drives by hand, and a
// trivial link layer ("test" framing: 2-byte protocol number, then payload). Core's tests cannot
// use @stack/sim or @stack/ether (they depend on core), so this stands in for them.
import {
  type LinkDriver,
  type LinkDriverSink,
  type LinkDriverStats,
  type LinkLayer,
  LinkLayerService,
  LinkProtocols,
  type NetInterface,
  type PacketBuffer,
  type StackModule,
  defineHookPoint,
  type HookSite,
} from '@stack/core';

export class TestDriver implements LinkDriver {
  readonly kind = 'test';
  readonly mtu = 1500;
  readonly hardwareAddress = null;
  linkUp = true;
  readonly stats: LinkDriverStats = { rxFrames: 0, rxBytes: 0, txFrames: 0, txBytes: 0, txDropped: 0, rxDropped: 0 };
  readonly sent: Uint8Array[] = [];
  sendCalls = 0;
  closed = false;
  private sink: LinkDriverSink | null = null;
  constructor(readonly name: string) {}
  start(sink: LinkDriverSink): void {
    this.sink = sink;
  }
  send(frames: readonly PacketBuffer[], count: number): void {
    this.sendCalls++;
    for (let i = 0; i < count; i++) {
      this.sent.push(frames[i].data.slice(frames[i].start, frames[i].end));
      frames[i].release();
    }
  }
  /** Deliver frames to the stack in one batch, as a real driver would. */
  inject(frames: Uint8Array[]): void {
    const sink = this.sink!;
    const bufs = frames.map((f) => {
      const b = sink.allocate(f.length);
      b.data.set(f, b.start);
      b.end = b.start + f.length;
      return b;
    });
    sink.receive(bufs, bufs.length);
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

/** A frame in the test framing. */
export function testFrame(protocol: number, payload: number[]): Uint8Array {
  return Uint8Array.from([protocol >> 8, protocol & 0xff, ...payload]);
}

export const TestPreInput = defineHookPoint<PacketBuffer>('test', 'pre-input');
export const TestOutput = defineHookPoint<PacketBuffer>('test', 'output');

/** The "test" link layer as a module: runs test.pre-input, then dispatches by protocol number. */
export function testLinkModule(): StackModule {
  return {
    name: 'test-link',
    attach(ctx) {
      const release = (b: PacketBuffer): void => b.release();
      const preInput: HookSite<PacketBuffer> = ctx.declareHookPoint(TestPreInput, { release });
      const output: HookSite<PacketBuffer> = ctx.declareHookPoint(TestOutput, { release });
      const demux = ctx.stack.demux(LinkProtocols);
      const unknown = ctx.counter('test.in.unknown-protocol');
      const layer: LinkLayer = {
        type: 'test',
        maxHeaderLength: 2,
        input(ifp: NetInterface, buf: PacketBuffer) {
          const b = preInput.run(buf, ifp);
          if (b === null) return;
          if (b.length < 2) return b.release();
          const proto = (b.data[b.start] << 8) | b.data[b.start + 1];
          b.pull(2);
          b.linkProtocol = proto;
          const h = demux.lookup(proto);
          if (h === undefined) {
            unknown.inc();
            return b.release();
          }
          h(ifp, b);
        },
        output(ifp, buf, protocol) {
          this.outputTo(ifp, buf, protocol, new Uint8Array(0));
        },
        outputTo(ifp, buf, protocol) {
          const b = output.run(buf, ifp);
          if (b === null) return;
          const at = b.prepend(2);
          b.data[at] = protocol >> 8;
          b.data[at + 1] = protocol & 0xff;
          ifp.transmit(b);
        },
        joinMulticast() {},
        leaveMulticast() {},
      };
      ctx.provide(LinkLayerService, layer, 'test');
    },
  };
}
