import { NdMessageType, RaFlags } from './nd-constants.js';
import { NdMessageView } from './nd-message-view.js';

/**
 * Router Advertisement (RFC 4861 §4.2): Cur Hop Limit, M/O flags (and the RFC 4191 §2.2 router
 * preference), Router Lifetime in seconds, Reachable Time and Retrans Timer in milliseconds, options.
 * @public
 */
export class RouterAdvertisementView extends NdMessageView {
  readonly messageType = NdMessageType.ROUTER_ADVERTISEMENT;
  readonly fixedLength = 16;

  get curHopLimit(): number {
    return this._bytes[this._offset + 4];
  }
  set curHopLimit(value: number) {
    this._bytes[this._offset + 4] = value;
  }
  /** The whole flags byte. */
  get flags(): number {
    return this._bytes[this._offset + 5];
  }
  set flags(value: number) {
    this._bytes[this._offset + 5] = value;
  }
  get managed(): boolean {
    return (this.flags & RaFlags.MANAGED) !== 0;
  }
  get other(): boolean {
    return (this.flags & RaFlags.OTHER) !== 0;
  }
  /** RFC 4191 §2.2 Prf as a signed value: 1 high, 0 medium, -1 low, -2 for the reserved 10 (treated as medium). */
  get preference(): number {
    const bits = (this.flags >> 3) & 3;
    return bits === 1 ? 1 : bits === 3 ? -1 : bits === 2 ? -2 : 0;
  }
  get routerLifetime(): number {
    return this.read16(6);
  }
  set routerLifetime(value: number) {
    this.write16(6, value);
  }
  get reachableTime(): number {
    return this.read32(8);
  }
  set reachableTime(value: number) {
    this.write32(8, value);
  }
  get retransTimer(): number {
    return this.read32(12);
  }
  set retransTimer(value: number) {
    this.write32(12, value);
  }
}
