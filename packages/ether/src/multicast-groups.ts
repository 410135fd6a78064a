import { defineExtension } from '@stack/core';
import { MAC_LENGTH } from './wire/index.js';

/** The 48 bits of the MAC at `bytes[offset..offset+6)` as one exact JS number (below 2^53). */
function macKey(bytes: ArrayLike<number>, offset: number): number {
  const high = (bytes[offset] << 8) | bytes[offset + 1];
  const low = ((bytes[offset + 2] << 24) | (bytes[offset + 3] << 16) | (bytes[offset + 4] << 8) | bytes[offset + 5]) >>> 0;
  return high * 0x1_0000_0000 + low;
}

function keyToText(key: number): string {
  const parts: string[] = [];
  for (let shift = 40; shift >= 0; shift -= 8) parts.push((Math.floor(key / 2 ** shift) & 0xff).toString(16).padStart(2, '0'));
  return parts.join(':');
}

/**
 * The link-layer multicast groups joined on one interface, reference counted: two protocols
 * joining the same group need two leaves before frames to it are filtered again.
 * @public
 */
export class LinkMulticastGroups {
  private readonly counts = new Map<number, number>();

  /** Add a reference to `mac`; returns true when the group was not joined before. */
  join(mac: Uint8Array): boolean {
    const key = macKey(mac, 0);
    const count = this.counts.get(key) ?? 0;
    this.counts.set(key, count + 1);
    return count === 0;
  }

  /** Drop a reference to `mac`; returns true when that was the last one. Leaving a group not joined does nothing. */
  leave(mac: Uint8Array): boolean {
    const key = macKey(mac, 0);
    const count = this.counts.get(key);
    if (count === undefined) return false;
    if (count > 1) {
      this.counts.set(key, count - 1);
      return false;
    }
    this.counts.delete(key);
    return true;
  }

  /** Whether the group at `bytes[offset..offset+6)` is joined; allocation-free. */
  has(bytes: Uint8Array, offset: number): boolean {
    return this.counts.has(macKey(bytes, offset));
  }

  /** References held on the group `mac` (0 when not joined). */
  references(mac: Uint8Array): number {
    return this.counts.get(macKey(mac, 0)) ?? 0;
  }

  /** Joined groups as `01:00:5e:00:00:01` text, in join order. */
  list(): string[] {
    return [...this.counts.keys()].map(keyToText);
  }

  get size(): number {
    return this.counts.size;
  }
}

/** Where an interface's {@link LinkMulticastGroups} hang. @public */
export const EtherMulticastGroups = defineExtension<LinkMulticastGroups>('ether.multicast-groups');

/** Whether `mac` is 6 bytes with the group bit set and is not broadcast. @internal */
export function isJoinableGroup(mac: Uint8Array): boolean {
  if (!(mac instanceof Uint8Array) || mac.length !== MAC_LENGTH || (mac[0] & 1) === 0) return false;
  return (mac[0] & mac[1] & mac[2] & mac[3] & mac[4] & mac[5]) !== 0xff;
}
