import { MAC_LENGTH } from './mac.js';
import { ETHERNET_HEADER_LENGTH } from './padding.js';
import type { EthernetFailure } from './ethernet-view.js';
import { EthernetFrameView } from './ethernet-view.js';
import type { VlanTag } from './vlan.js';
import { tciDei, tciPcp, tciVid, VLAN_TAG_LENGTH, vlanTci } from './vlan.js';

/**
 * An Ethernet II header as a plain object (addresses are copies, not views).
 * @public
 */
export interface EthernetHeader {
  /** Destination address, 6 bytes. */
  dst: Uint8Array;
  /** Source address, 6 bytes. */
  src: Uint8Array;
  /** VLAN tags, outermost first (empty when untagged). */
  vlanTags: VlanTag[];
  /** Ethertype of the payload (after the tags). */
  etherType: number;
}

/**
 * A frame {@link parseEthernetHeader} refused.
 * @public
 */
export interface EthernetParseError {
  error: EthernetFailure;
}

/**
 * Parses the link header of the frame at `[offset, offset + length)`. Never throws.
 * @public
 */
export function parseEthernetHeader(
  bytes: Uint8Array,
  offset: number,
  length: number,
): EthernetHeader | EthernetParseError {
  const view = new EthernetFrameView(bytes, offset, length);
  const failure = view.check();
  if (failure !== null) return { error: failure };
  const vlanTags: VlanTag[] = [];
  for (let i = 0; i < view.vlanTagCount; i++) {
    const tci = view.vlanTci(i);
    vlanTags.push({ tpid: view.vlanTpid(i), pcp: tciPcp(tci), dei: tciDei(tci), vid: tciVid(tci) });
  }
  return {
    dst: bytes.slice(offset, offset + MAC_LENGTH),
    src: bytes.slice(offset + MAC_LENGTH, offset + 2 * MAC_LENGTH),
    vlanTags,
    etherType: view.etherType,
  };
}

/**
 * Length in bytes of the link header `header` describes.
 * @public
 */
export function ethernetHeaderLength(header: EthernetHeader): number {
  return ETHERNET_HEADER_LENGTH + header.vlanTags.length * VLAN_TAG_LENGTH;
}

/**
 * Writes `header` at `offset` and returns the number of bytes written.
 * @public
 */
export function emitEthernetHeader(header: EthernetHeader, bytes: Uint8Array, offset: number): number {
  bytes.set(header.dst.subarray(0, MAC_LENGTH), offset);
  bytes.set(header.src.subarray(0, MAC_LENGTH), offset + MAC_LENGTH);
  let pos = offset + 2 * MAC_LENGTH;
  for (const tag of header.vlanTags) {
    write16(bytes, pos, tag.tpid);
    write16(bytes, pos + 2, vlanTci(tag.pcp, tag.dei, tag.vid));
    pos += VLAN_TAG_LENGTH;
  }
  write16(bytes, pos, header.etherType);
  return pos + 2 - offset;
}

function write16(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value >>> 8;
  bytes[at + 1] = value;
}
