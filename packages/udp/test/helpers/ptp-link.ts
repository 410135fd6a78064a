// A point-to-point test link layer ("ptp"): a 3-byte header [link flags, protocol hi, protocol lo]
// and no neighbour resolution, standing in for Ethernet + ND where a test is about IPv6 itself. The
// flags byte carries LinkRxFlags (BROADCAST, MULTICAST) from the sender's output to the receiver.
import { LinkLayerService, LinkProtocols, LinkRxFlags, type LinkLayer, type NetInterface, type PacketBuffer, type StackModule } from '@stack/core';

export function ptpLinkModule(): StackModule {
  return {
    name: 'ptp-link',
    attach(ctx) {
      const demux = ctx.stack.demux(LinkProtocols);
      const layer: LinkLayer = {
        type: 'ptp',
        maxHeaderLength: 3,
        input(ifp: NetInterface, buf: PacketBuffer) {
          if (buf.length < 3) return buf.release();
          const d = buf.data;
          const at = buf.start;
          buf.linkFlags = d[at] & (LinkRxFlags.BROADCAST | LinkRxFlags.MULTICAST);
          buf.linkProtocol = (d[at + 1] << 8) | d[at + 2];
          buf.pull(3);
          const h = demux.lookup(buf.linkProtocol);
          if (h === undefined) return buf.release();
          h(ifp, buf);
        },
        output(ifp, buf, protocol) {
          const at = buf.prepend(3);
          buf.data[at] = buf.linkFlags;
          buf.data[at + 1] = protocol >> 8;
          buf.data[at + 2] = protocol & 0xff;
          ifp.transmit(buf);
        },
        outputTo(ifp, buf, protocol) {
          this.output(ifp, buf, protocol);
        },
        joinMulticast() {},
        leaveMulticast() {},
      };
      ctx.provide(LinkLayerService, layer, 'ptp');
    },
  };
}
