/**
 * Length in bytes of one 802.1Q / 802.1ad tag (TPID + TCI).
 * @public
 */
export const VLAN_TAG_LENGTH = 4;

/**
 * Most VLAN tags a frame may carry before its ethertype: an 802.1ad outer tag and an 802.1Q inner
 * tag (QinQ). Deeper stacks are refused with `'too-many-vlan-tags'`.
 * @public
 */
export const MAX_VLAN_TAGS = 2;

/**
 * One VLAN tag as a plain object.
 * @public
 */
export interface VlanTag {
  /** Tag protocol identifier: `EtherType.VLAN` (0x8100) or `EtherType.QINQ` (0x88a8). */
  tpid: number;
  /** Priority code point, 0..7 (IEEE 802.1Q §6.9.3). */
  pcp: number;
  /** Drop eligible indicator. */
  dei: boolean;
  /** VLAN identifier, 0..4095. */
  vid: number;
}

/**
 * Packs priority, drop eligibility and VLAN id into a 16-bit tag control information field.
 * @public
 */
export function vlanTci(pcp: number, dei: boolean, vid: number): number {
  return ((pcp & 0x7) << 13) | (dei ? 0x1000 : 0) | (vid & 0x0fff);
}

/** Priority code point of a tag control information field. @public */
export function tciPcp(tci: number): number {
  return (tci >>> 13) & 0x7;
}

/** Drop eligible indicator of a tag control information field. @public */
export function tciDei(tci: number): boolean {
  return (tci & 0x1000) !== 0;
}

/** VLAN identifier of a tag control information field. @public */
export function tciVid(tci: number): number {
  return tci & 0x0fff;
}
