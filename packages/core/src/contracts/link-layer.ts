import type { PacketBuffer } from '../buffer/packet-buffer.js';
import type { NetInterface } from '../engine/interface.js';

/**
 * Framing for one interface type (Ethernet, loopback, later others), registered as the
 * {@link LinkLayerService} keyed by interface type. The interface hands received frames to
 * `input`; network layers send through `output`.
 * @public
 */
export interface LinkLayer {
  /** Interface type this layer frames, e.g. `'ethernet'`. */
  readonly type: string;
  /** Largest header this layer prepends (network layers reserve this much headroom). */
  readonly maxHeaderLength: number;
  /**
   * A received frame: parse it, run the `<type>.pre-input` hooks, set `buf.linkProtocol`,
   * `buf.linkFlags` and pull the link header, then dispatch through the stack's
   * {@link LinkProtocols} demux. Takes ownership of `buf`.
   */
  input(ifp: NetInterface, buf: PacketBuffer): void;
  /**
   * Send a network packet (`buf` starts at the network header) whose next hop is in `buf.nextHop`
   * (family `buf.family`). Resolves the link address through the {@link NeighbourResolver} of that
   * family (which may queue the packet), prepends the link header and hands the frame to the
   * driver. Multicast and broadcast destinations map without resolution (set
   * `buf.linkFlags`). Takes ownership of `buf`.
   */
  output(ifp: NetInterface, buf: PacketBuffer, protocol: number): void;
  /**
   * Send to a known link address (neighbour resolvers, CARP). `linkDst` is copied. Takes
   * ownership of `buf`.
   */
  outputTo(ifp: NetInterface, buf: PacketBuffer, protocol: number, linkDst: Uint8Array, linkSrc?: Uint8Array): void;
  /** Join/leave a link-layer multicast group on an interface (reference counted). */
  joinMulticast(ifp: NetInterface, linkAddr: Uint8Array): void;
  leaveMulticast(ifp: NetInterface, linkAddr: Uint8Array): void;
}

/**
 * Handler for one link protocol number (e.g. an ethertype) in the {@link LinkProtocols} demux.
 * `buf` starts at the network header; the handler takes ownership.
 * @public
 */
export type LinkProtocolHandler = (ifp: NetInterface, buf: PacketBuffer) => void;
