/** Classic libpcap magic number, microsecond timestamps. @internal */
export const PCAP_MAGIC_MICROSECONDS = 0xa1b2c3d4;
/** Classic libpcap magic number, nanosecond timestamps. @internal */
export const PCAP_MAGIC_NANOSECONDS = 0xa1b23c4d;
/** Size of the file header. @internal */
export const PCAP_FILE_HEADER_LENGTH = 24;
/** Size of each record header. @internal */
export const PCAP_RECORD_HEADER_LENGTH = 16;

/**
 * LINKTYPE_ETHERNET: Ethernet II / 802.3 frames without FCS.
 * @public
 */
export const LINKTYPE_ETHERNET = 1;
