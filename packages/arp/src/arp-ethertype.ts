/**
 * The ethertype of ARP (RFC 826), under which the module registers in the `LinkProtocols` demux.
 * @public
 */
export const ARP_ETHERTYPE = 0x0806;
