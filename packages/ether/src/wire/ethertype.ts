/**
 * Ethertype values this stack knows by name (IEEE 802 numbers, IANA "ieee-802-numbers").
 * @public
 */
export const EtherType = {
  /** Internet Protocol version 4. */
  IPV4: 0x0800,
  /** Address Resolution Protocol (RFC 826). */
  ARP: 0x0806,
  /** IEEE 802.1Q customer VLAN tag (C-tag). */
  VLAN: 0x8100,
  /** Internet Protocol version 6. */
  IPV6: 0x86dd,
  /** IEEE 802.1ad service VLAN tag (S-tag, the outer tag of QinQ). */
  QINQ: 0x88a8,
} as const;

/**
 * Smallest value of the type/length field that is an ethertype; smaller values are an IEEE 802.3
 * length followed by an LLC header (IEEE 802.3 §3.2.6).
 * @public
 */
export const ETHERTYPE_MIN = 0x0600;

/**
 * Whether `value` in the type/length field is a VLAN tag protocol identifier (802.1Q or 802.1ad).
 * @public
 */
export function isVlanTpid(value: number): boolean {
  return value === EtherType.VLAN || value === EtherType.QINQ;
}
