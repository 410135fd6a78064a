/**
 * The checksum after one 16-bit word of the covered data changes from `oldWord` to `newWord`,
 * without re-summing: HC' = ~(~HC + ~m + m') (RFC 1624 eqn. 3). Unlike RFC 1141's form, eqn. 3
 * never turns a correct 0x0000 into 0xffff (RFC 1624 §3). Used for TTL decrement and NAT.
 * @public
 */
export function incrementalUpdate16(oldChecksum: number, oldWord: number, newWord: number): number {
  let sum = (~oldChecksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
  sum = (sum & 0xffff) + (sum >>> 16);
  sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/**
 * Like {@link incrementalUpdate16} for a 32-bit field (an IPv4 address rewritten by NAT): both
 * halves are replaced at once (RFC 1624 eqn. 3).
 * @public
 */
export function incrementalUpdate32(oldChecksum: number, oldValue: number, newValue: number): number {
  let sum =
    (~oldChecksum & 0xffff) +
    (~(oldValue >>> 16) & 0xffff) +
    (~oldValue & 0xffff) +
    ((newValue >>> 16) & 0xffff) +
    (newValue & 0xffff);
  sum = (sum & 0xffff) + (sum >>> 16);
  sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
