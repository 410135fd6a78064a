import type { PacketBuffer } from '../buffer/index.js';
import { PacketFlags } from '../buffer/index.js';
import type { LinkLayer } from '../contracts/link-layer.js';
import type { NetInterface } from './interface.js';

/**
 * The loopback link layer: no framing; output queues the packet for delivery at the end of the
 * current processing turn (never recursively), input dispatches by `buf.linkProtocol`.
 * @internal
 */
export class LoopbackLinkLayer implements LinkLayer {
  readonly type = 'loopback';
  readonly maxHeaderLength = 0;
  private readonly enqueue: (ifp: NetInterface, buf: PacketBuffer) => void;
  private readonly dispatch: (ifp: NetInterface, buf: PacketBuffer) => void;

  constructor(enqueue: (ifp: NetInterface, buf: PacketBuffer) => void, dispatch: (ifp: NetInterface, buf: PacketBuffer) => void) {
    this.enqueue = enqueue;
    this.dispatch = dispatch;
  }

  input(ifp: NetInterface, buf: PacketBuffer): void {
    this.dispatch(ifp, buf);
  }

  output(ifp: NetInterface, buf: PacketBuffer, protocol: number): void {
    buf.linkProtocol = protocol;
    buf.flags |= PacketFlags.LOOPED_BACK;
    this.enqueue(ifp, buf);
  }

  outputTo(ifp: NetInterface, buf: PacketBuffer, protocol: number): void {
    this.output(ifp, buf, protocol);
  }

  joinMulticast(): void {}

  leaveMulticast(): void {}
}
