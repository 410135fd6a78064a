import { LinkLayerService, LinkProtocols, LinkRxFlags, type LinkLayer, type NetInterface, type PacketBuffer, type StackModule } from '@stack/core';

/** Bytes of the point-to-point test link's header: [link flags, protocol hi, protocol lo]. @public */
export const PTP_HEADER_LENGTH = 3;

/**
 * A point-to-point test link layer for interfaces of type `'ptp'`: a 3-byte header [link flags,
 * protocol hi, protocol lo] and no neighbour resolution, standing in for Ethernet + ARP/ND where a
 * test is about the network layer itself. The flags byte carries `LinkRxFlags` (BROADCAST,
 * MULTICAST) from the sender's output to the receiver. For tests; see {@link PtpDriver}.
 * @public
 */
export function ptpLinkModule(): StackModule {
  return {
    name: 'ptp-link',
    attach(ctx) {
      const demux = ctx.stack.demux(LinkProtocols);
      const layer: LinkLayer = {
        type: 'ptp',
        maxHeaderLength: PTP_HEADER_LENGTH,
        input(ifp: NetInterface, buf: PacketBuffer) {
          if (buf.length < PTP_HEADER_LENGTH) return buf.release();
          const d = buf.data;
          const at = buf.start;
          buf.linkFlags = d[at] & (LinkRxFlags.BROADCAST | LinkRxFlags.MULTICAST);
          buf.linkProtocol = (d[at + 1] << 8) | d[at + 2];
          buf.pull(PTP_HEADER_LENGTH);
          const h = demux.lookup(buf.linkProtocol);
          if (h === undefined) return buf.release();
          h(ifp, buf);
        },
        output(ifp, buf, protocol) {
          const at = buf.prepend(PTP_HEADER_LENGTH);
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
