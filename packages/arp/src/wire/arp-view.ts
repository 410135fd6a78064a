import { ByteView, isValidRegion } from '@stack/core';
import { ARP_FIXED_LENGTH, ARP_HARDWARE_ETHERNET, ARP_PROTOCOL_IPV4 } from './arp-constants.js';

/**
 * Why an ARP packet was refused:
 * - `'truncated'`: shorter than its fixed part plus the addresses its hln/pln announce (or the
 *   range given is not inside the buffer);
 * - `'bad-address-length'`: a zero hardware or protocol address length.
 * @public
 */
export type ArpFailure = 'truncated' | 'bad-address-length';

const HRD = 0;
const PRO = 2;
const HLN = 4;
const PLN = 5;
const OP = 6;

/**
 * A re-pointable view over an ARP packet (RFC 826) with any address lengths. Call
 * {@link ArpPacketView.check} after every {@link ArpPacketView.reset}; accessors are only
 * meaningful once it returned `null`. Bytes past {@link ArpPacketView.packetLength} (Ethernet
 * padding) are ignored.
 * @public
 */
export class ArpPacketView extends ByteView {


  /** Validates the address lengths against the bytes available; `null` when valid. Never throws. */
  check(): ArpFailure | null {
    if (!isValidRegion(this._bytes, this._offset, this._length) || this._length < ARP_FIXED_LENGTH) {
      return 'truncated';
    }
    if (this.hardwareLength === 0 || this.protocolLength === 0) return 'bad-address-length';
    if (this.packetLength > this._length) return 'truncated';
    return null;
  }

  /** Hardware address space (`ar$hrd`), 1 for Ethernet. */
  get hardwareType(): number {
    return this.read16(HRD);
  }

  set hardwareType(value: number) {
    this.write16(HRD, value);
  }

  /** Protocol address space (`ar$pro`), an ethertype: 0x0800 for IPv4. */
  get protocolType(): number {
    return this.read16(PRO);
  }

  set protocolType(value: number) {
    this.write16(PRO, value);
  }

  /** Hardware address length in bytes (`ar$hln`). */
  get hardwareLength(): number {
    return this._bytes[this._offset + HLN];
  }

  /** Protocol address length in bytes (`ar$pln`). */
  get protocolLength(): number {
    return this._bytes[this._offset + PLN];
  }

  /** Operation (`ar$op`): 1 request, 2 reply. */
  get operation(): number {
    return this.read16(OP);
  }

  set operation(value: number) {
    this.write16(OP, value);
  }

  /** Length of the ARP packet proper: 8 + 2 × (hln + pln). */
  get packetLength(): number {
    return ARP_FIXED_LENGTH + 2 * (this.hardwareLength + this.protocolLength);
  }

  /** Absolute offset of the sender hardware address (`ar$sha`). */
  get shaOffset(): number {
    return this._offset + ARP_FIXED_LENGTH;
  }

  /** Absolute offset of the sender protocol address (`ar$spa`). */
  get spaOffset(): number {
    return this.shaOffset + this.hardwareLength;
  }

  /** Absolute offset of the target hardware address (`ar$tha`). */
  get thaOffset(): number {
    return this.spaOffset + this.protocolLength;
  }

  /** Absolute offset of the target protocol address (`ar$tpa`). */
  get tpaOffset(): number {
    return this.thaOffset + this.hardwareLength;
  }

  /** Copies the sender hardware address into `out` at `outOffset`. */
  copySha(out: Uint8Array, outOffset = 0): void {
    this.copyOut(this.shaOffset, this.hardwareLength, out, outOffset);
  }

  /** Copies the sender protocol address into `out` at `outOffset`. */
  copySpa(out: Uint8Array, outOffset = 0): void {
    this.copyOut(this.spaOffset, this.protocolLength, out, outOffset);
  }

  /** Copies the target hardware address into `out` at `outOffset`. */
  copyTha(out: Uint8Array, outOffset = 0): void {
    this.copyOut(this.thaOffset, this.hardwareLength, out, outOffset);
  }

  /** Copies the target protocol address into `out` at `outOffset`. */
  copyTpa(out: Uint8Array, outOffset = 0): void {
    this.copyOut(this.tpaOffset, this.protocolLength, out, outOffset);
  }

  /** Writes the sender hardware address from `from` at `fromOffset` (hln bytes). */
  setSha(from: Uint8Array, fromOffset = 0): void {
    this.copyIn(from, fromOffset, this.shaOffset, this.hardwareLength);
  }

  /** Writes the sender protocol address from `from` at `fromOffset` (pln bytes). */
  setSpa(from: Uint8Array, fromOffset = 0): void {
    this.copyIn(from, fromOffset, this.spaOffset, this.protocolLength);
  }

  /** Writes the target hardware address from `from` at `fromOffset` (hln bytes). */
  setTha(from: Uint8Array, fromOffset = 0): void {
    this.copyIn(from, fromOffset, this.thaOffset, this.hardwareLength);
  }

  /** Writes the target protocol address from `from` at `fromOffset` (pln bytes). */
  setTpa(from: Uint8Array, fromOffset = 0): void {
    this.copyIn(from, fromOffset, this.tpaOffset, this.protocolLength);
  }

  /** Whether this is IPv4 over Ethernet (hrd 1, pro 0x0800, hln 6, pln 4). */
  get isEthernetIpv4(): boolean {
    return (
      this.hardwareType === ARP_HARDWARE_ETHERNET &&
      this.protocolType === ARP_PROTOCOL_IPV4 &&
      this.hardwareLength === 6 &&
      this.protocolLength === 4
    );
  }

  /** Sender IPv4 address as an unsigned 32-bit integer; meaningful when pln is 4. */
  get spaIpv4(): number {
    return this.read32At(this.spaOffset);
  }

  set spaIpv4(value: number) {
    this.write32At(this.spaOffset, value);
  }

  /** Target IPv4 address as an unsigned 32-bit integer; meaningful when pln is 4. */
  get tpaIpv4(): number {
    return this.read32At(this.tpaOffset);
  }

  set tpaIpv4(value: number) {
    this.write32At(this.tpaOffset, value);
  }





  private copyOut(at: number, count: number, out: Uint8Array, outOffset: number): void {
    for (let i = 0; i < count; i++) out[outOffset + i] = this._bytes[at + i];
  }

  private copyIn(from: Uint8Array, fromOffset: number, at: number, count: number): void {
    for (let i = 0; i < count; i++) this._bytes[at + i] = from[fromOffset + i];
  }
}
