import { word } from '../runtime/address-words.js';
import { AddressMap } from '../runtime/address-map.js';

/**
 * One multicast group on one interface: references from `joinGroup`, and the MLD work pending for
 * it (state-change retransmissions, a delayed answer to a group-specific query).
 * @internal
 */
export class GroupRecord {
  readonly w0: number;
  readonly w1: number;
  readonly w2: number;
  readonly w3: number;
  nextInBucket: GroupRecord | null = null;
  readonly group: Uint8Array;
  references = 0;
  /** Record type of the pending state change (RFC 3810 §6.1), 0 when none. */
  changeType = 0;
  /** State-change reports still to send for it. */
  changesLeft = 0;
  /** When the answer to a group-specific query is due (clock ms), NaN when none. */
  responseDue = NaN;

  constructor(bytes: Uint8Array, at: number) {
    this.group = bytes.slice(at, at + 16);
    this.w0 = word(this.group, 0);
    this.w1 = word(this.group, 4);
    this.w2 = word(this.group, 8);
    this.w3 = word(this.group, 12);
  }

  /**
   * Whether MLD reports this group (RFC 3810 §6: never ff02::1, never reserved or
   * interface-local scope).
   */
  get reportable(): boolean {
    const scope = this.group[1] & 0x0f;
    const allNodes = this.w0 === 0xff020000 && this.w1 === 0 && this.w2 === 0 && this.w3 === 1;
    return !allNodes && scope > 1;
  }
}

/** The groups of one interface, looked up from packet bytes without allocating. @internal */
export class GroupTable {
  private readonly map = new AddressMap<GroupRecord>();

  get(bytes: Uint8Array, at: number): GroupRecord | undefined {
    return this.map.get(bytes, at);
  }

  /** Whether the group at `bytes[at..)` has references. */
  has(bytes: Uint8Array, at: number): boolean {
    const r = this.map.get(bytes, at);
    return r !== undefined && r.references > 0;
  }

  getOrCreate(bytes: Uint8Array, at: number): GroupRecord {
    let r = this.map.get(bytes, at);
    if (r === undefined) {
      r = new GroupRecord(bytes, at);
      this.map.add(r);
    }
    return r;
  }

  delete(record: GroupRecord): void {
    this.map.delete(record);
  }

  values(): GroupRecord[] {
    return this.map.values();
  }
}
