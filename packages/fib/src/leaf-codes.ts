import { RouteError } from '@stack/core';
import { GROUP_BASE } from './next-hops.js';

/** Leaf codes below this are a next-hop id + 1 (0 = no route); from it up they index `values`. */
export const DIRECT_CODES = 0x8000;
/** Highest leaf code: leaves are 16-bit. */
export const MAX_CODE = 0xffff;

/**
 * The leaves of one lookup trie are 16-bit codes. A next hop whose id is below 0x7fff is coded
 * as id + 1, so a lookup turns a leaf into an answer without a table read; larger ids and ECMP
 * groups get a code from 0x8000 up, looked up in `values[code - 0x8000]`. Codes are counted by the
 * prefixes that use them (the trie keeps a shared node per live code).
 */
export class LeafCodes {
  /** Next-hop (or group) id of each table code, from 0x8000 up (-1 when free). */
  values: Int32Array<ArrayBuffer> = new Int32Array(8).fill(-1);
  /** Live codes naming ECMP groups (lookups skip member selection when there are none). */
  groups = 0;
  /** Changes whenever `values` does. */
  version = 0;
  /** References of the direct codes (by code) and of the table codes (by code - 0x8000). */
  private refs: Int32Array<ArrayBuffer> = new Int32Array(64);
  private slotRefs: Int32Array<ArrayBuffer> = new Int32Array(8);
  private byHop: Int32Array<ArrayBuffer> = new Int32Array(8);
  private byGroup: Int32Array<ArrayBuffer> = new Int32Array(8);
  private readonly freeSlots: number[] = [];
  private nextSlot = 0;
  private live = 0;

  /** The code of a next-hop id, taking a reference (allocating a table code when needed). */
  acquire(hop: number): number {
    let code = this.codeOf(hop);
    if (code === 0) {
      if (this.freeSlots.length === 0 && this.nextSlot > MAX_CODE - DIRECT_CODES) {
        throw new RouteError('nextHop', `a FIB holds at most ${MAX_CODE - DIRECT_CODES + 1} next hops with large ids or ECMP groups per address family`);
      }
      const slot = this.freeSlots.length > 0 ? this.freeSlots.pop()! : this.nextSlot++;
      if (slot >= this.values.length) {
        this.values = grow(this.values, slot + 1, -1);
        this.slotRefs = grow(this.slotRefs, slot + 1, 0);
      }
      this.values[slot] = hop;
      this.version++;
      code = DIRECT_CODES + slot;
      this.setSlot(hop, code);
      if (hop >= GROUP_BASE) this.groups++;
    }
    if (code >= DIRECT_CODES) {
      if (this.slotRefs[code - DIRECT_CODES]++ === 0) this.live++;
    } else {
      if (code >= this.refs.length) this.refs = grow(this.refs, code + 1, 0);
      if (this.refs[code]++ === 0) this.live++;
    }
    return code;
  }

  /** The code of a next-hop id (0 when it needs a table code and has none). */
  codeOf(hop: number): number {
    if (hop >= 0 && hop < DIRECT_CODES - 1) return hop + 1;
    if (hop >= GROUP_BASE) {
      const g = hop - GROUP_BASE;
      return g < this.byGroup.length ? this.byGroup[g] : 0;
    }
    return hop >= 0 && hop < this.byHop.length ? this.byHop[hop] : 0;
  }

  /** The next-hop (or group) id a code stands for, -1 for code 0. */
  idOf(code: number): number {
    return code < DIRECT_CODES ? code - 1 : this.values[code - DIRECT_CODES];
  }

  /** Drop one reference; returns true when the code has no user left. */
  release(code: number): boolean {
    if (code === 0) return false;
    if (code < DIRECT_CODES ? --this.refs[code] > 0 : --this.slotRefs[code - DIRECT_CODES] > 0) return false;
    this.live--;
    if (code >= DIRECT_CODES) {
      const slot = code - DIRECT_CODES;
      const hop = this.values[slot];
      this.setSlot(hop, 0);
      if (hop >= GROUP_BASE) this.groups--;
      this.values[slot] = -1;
      this.version++;
      this.freeSlots.push(slot);
    }
    return true;
  }

  /** Number of live codes. */
  count(): number {
    return this.live;
  }

  byteLength(): number {
    return this.values.byteLength + this.refs.byteLength + this.slotRefs.byteLength + this.byHop.byteLength + this.byGroup.byteLength;
  }

  private setSlot(hop: number, code: number): void {
    if (hop >= GROUP_BASE) {
      const g = hop - GROUP_BASE;
      if (g >= this.byGroup.length) this.byGroup = grow(this.byGroup, g + 1, 0);
      this.byGroup[g] = code;
    } else {
      if (hop >= this.byHop.length) this.byHop = grow(this.byHop, hop + 1, 0);
      this.byHop[hop] = code;
    }
  }
}

function grow(a: Int32Array, need: number, fill: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(Math.max(need, a.length * 2)).fill(fill);
  out.set(a);
  return out;
}
