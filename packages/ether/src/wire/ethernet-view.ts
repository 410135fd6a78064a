import { ByteView, isValidRegion } from '@stack/core';
import { ETHERTYPE_MIN, isVlanTpid } from './ethertype.js';
import { isBroadcastMac, isGroupMac, MAC_LENGTH } from './mac.js';
import { ETHERNET_HEADER_LENGTH } from './padding.js';
import { MAX_VLAN_TAGS, VLAN_TAG_LENGTH } from './vlan.js';

/**
 * Why a frame was refused:
 * - `'truncated'`: shorter than its header (or the range given is not inside the buffer);
 * - `'llc-unsupported'`: the type/length field is an IEEE 802.3 length (< 0x0600), i.e. an LLC frame;
 * - `'too-many-vlan-tags'`: more than {@link MAX_VLAN_TAGS} stacked VLAN tags.
 * @public
 */
export type EthernetFailure = 'truncated' | 'llc-unsupported' | 'too-many-vlan-tags';

const DST = 0;
const SRC = 6;
const TYPE = 12;

/**
 * A re-pointable view over an Ethernet II frame (without FCS), with up to two VLAN tags.
 * Call {@link EthernetFrameView.check} after every {@link EthernetFrameView.reset}; accessors are
 * only meaningful once it returned `null`.
 * @public
 */
export class EthernetFrameView extends ByteView {
  private _tags = 0;

  /** Points the view at another frame; returns the view for chaining. */
  override reset(bytes: Uint8Array, offset: number, length: number): this {
    super.reset(bytes, offset, length);
    this._tags = 0;
    return this;
  }

  /** Validates the frame and walks its VLAN tags; `null` when valid. Never throws. */
  check(): EthernetFailure | null {
    const b = this._bytes;
    this._tags = 0;
    if (!isValidRegion(b, this._offset, this._length) || this._length < ETHERNET_HEADER_LENGTH) {
      return 'truncated';
    }
    const end = this._offset + this._length;
    let pos = this._offset + TYPE;
    let type = (b[pos] << 8) | b[pos + 1];
    while (isVlanTpid(type)) {
      if (this._tags === MAX_VLAN_TAGS) return 'too-many-vlan-tags';
      if (pos + VLAN_TAG_LENGTH + 2 > end) return 'truncated';
      this._tags++;
      pos += VLAN_TAG_LENGTH;
      type = (b[pos] << 8) | b[pos + 1];
    }
    if (type < ETHERTYPE_MIN) return 'llc-unsupported';
    return null;
  }

  /** Absolute offset of the destination address in {@link EthernetFrameView.bytes}. */
  get dstOffset(): number {
    return this._offset + DST;
  }

  /** Absolute offset of the source address in {@link EthernetFrameView.bytes}. */
  get srcOffset(): number {
    return this._offset + SRC;
  }

  /** Copies the destination address into `out` at `outOffset`. */
  copyDst(out: Uint8Array, outOffset = 0): void {
    copyMac(this._bytes, this._offset + DST, out, outOffset);
  }

  /** Copies the source address into `out` at `outOffset`. */
  copySrc(out: Uint8Array, outOffset = 0): void {
    copyMac(this._bytes, this._offset + SRC, out, outOffset);
  }

  /** Writes the destination address from the 6 bytes of `mac` at `macOffset`. */
  setDst(mac: Uint8Array, macOffset = 0): void {
    copyMac(mac, macOffset, this._bytes, this._offset + DST);
  }

  /** Writes the source address from the 6 bytes of `mac` at `macOffset`. */
  setSrc(mac: Uint8Array, macOffset = 0): void {
    copyMac(mac, macOffset, this._bytes, this._offset + SRC);
  }

  /** Whether the destination is a group (multicast or broadcast) address. */
  get isDstGroup(): boolean {
    return isGroupMac(this._bytes, this._offset + DST);
  }

  /** Whether the destination is the broadcast address. */
  get isDstBroadcast(): boolean {
    return isBroadcastMac(this._bytes, this._offset + DST);
  }

  /** Number of VLAN tags before the ethertype (0..{@link MAX_VLAN_TAGS}). */
  get vlanTagCount(): number {
    return this._tags;
  }

  /** Tag protocol identifier of tag `index` (0 is the outermost). */
  vlanTpid(index: number): number {
    return this.read16At(this._offset + TYPE + index * VLAN_TAG_LENGTH);
  }

  /** Tag control information of tag `index` (0 is the outermost). */
  vlanTci(index: number): number {
    return this.read16At(this._offset + TYPE + index * VLAN_TAG_LENGTH + 2);
  }

  /** Writes the tag control information of tag `index` (0 is the outermost). */
  setVlanTci(index: number, tci: number): void {
    this.write16At(this._offset + TYPE + index * VLAN_TAG_LENGTH + 2, tci);
  }

  /** VLAN id of the innermost tag, or -1 for an untagged frame. */
  get vlanId(): number {
    return this._tags === 0 ? -1 : this.vlanTci(this._tags - 1) & 0x0fff;
  }

  /** Ethertype after any VLAN tags (the protocol of the payload). */
  get etherType(): number {
    return this.read16At(this._offset + TYPE + this._tags * VLAN_TAG_LENGTH);
  }

  set etherType(value: number) {
    this.write16At(this._offset + TYPE + this._tags * VLAN_TAG_LENGTH, value);
  }

  /** Ethertype field right after the source address (a TPID when the frame is tagged). */
  get outerEtherType(): number {
    return this.read16At(this._offset + TYPE);
  }

  /** Length of the link header including VLAN tags. */
  get headerLength(): number {
    return ETHERNET_HEADER_LENGTH + this._tags * VLAN_TAG_LENGTH;
  }

  /** Absolute offset of the payload (after any VLAN tags) in {@link EthernetFrameView.bytes}. */
  get payloadOffset(): number {
    return this._offset + this.headerLength;
  }

  /** Length of the payload, including any padding up to the minimum frame size. */
  get payloadLength(): number {
    return this._length - this.headerLength;
  }


}

function copyMac(from: Uint8Array, fromOffset: number, to: Uint8Array, toOffset: number): void {
  for (let i = 0; i < MAC_LENGTH; i++) to[toOffset + i] = from[fromOffset + i];
}
