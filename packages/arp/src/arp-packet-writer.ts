import type { PacketAllocator, PacketBuffer } from '@stack/core';
import { ARP_FIXED_LENGTH, ARP_PROTOCOL_IPV4, ArpPacketView } from './wire/index.js';

/** IPv4 address length (RFC 826 `ar$pln` for protocol type 0x0800). */
const IPV4_LENGTH = 4;

/**
 * Builds IPv4 ARP packets (RFC 826) for any hardware address length into pooled buffers, reusing
 * one view. The hardware length is the length of `sha`.
 * @internal
 */
export class ArpPacketWriter {
  private readonly view = new ArpPacketView();

  constructor(
    private readonly pool: PacketAllocator,
    private readonly headroom: number,
  ) {}

  /**
   * A packet `op` from (`sha`, `spa`) to (`tha`, `tpa`); a null `tha` is written as zeros (requests,
   * RFC 5227 announcements). `tha` is read at `thaOffset`.
   */
  write(hardwareType: number, op: number, sha: Uint8Array, spa: number, tha: Uint8Array | null, thaOffset: number, tpa: number): PacketBuffer {
    const hln = sha.length;
    const length = ARP_FIXED_LENGTH + 2 * (hln + IPV4_LENGTH);
    const buf = this.pool.alloc(length, this.headroom);
    const at = buf.append(length);
    const data = buf.data;
    data[at + 4] = hln;
    data[at + 5] = IPV4_LENGTH;
    const view = this.view.reset(data, at, length);
    view.hardwareType = hardwareType;
    view.protocolType = ARP_PROTOCOL_IPV4;
    view.operation = op;
    view.setSha(sha);
    view.spaIpv4 = spa;
    if (tha === null) data.fill(0, view.thaOffset, view.thaOffset + hln);
    else view.setTha(tha, thaOffset);
    view.tpaIpv4 = tpa;
    return buf;
  }
}
