/**
 * IGMP message types (RFC 1112 appendix I, RFC 2236 §2.1, RFC 3376 §4; IANA "igmp-type-numbers").
 * @public
 */
export const IgmpType = {
  /** Membership Query of any version; the version is told by length and Max Resp Code (RFC 3376 §7.1). */
  MEMBERSHIP_QUERY: 0x11,
  /** Version 1 Membership Report (RFC 1112). */
  V1_MEMBERSHIP_REPORT: 0x12,
  /** Version 2 Membership Report (RFC 2236). */
  V2_MEMBERSHIP_REPORT: 0x16,
  /** Version 2 Leave Group (RFC 2236). */
  V2_LEAVE_GROUP: 0x17,
  /** Version 3 Membership Report (RFC 3376 §4.2). */
  V3_MEMBERSHIP_REPORT: 0x22,
} as const;

/**
 * Group Record types of an IGMPv3 report (RFC 3376 §4.2.12).
 * @public
 */
export const IgmpRecordType = {
  /** Current-state record: INCLUDE mode with the listed sources. */
  MODE_IS_INCLUDE: 1,
  /** Current-state record: EXCLUDE mode with the listed sources. */
  MODE_IS_EXCLUDE: 2,
  /** Filter-mode-change record: to INCLUDE mode (a leave is TO_IN with no sources). */
  CHANGE_TO_INCLUDE_MODE: 3,
  /** Filter-mode-change record: to EXCLUDE mode (a join of every source is TO_EX with no sources). */
  CHANGE_TO_EXCLUDE_MODE: 4,
  /** Source-list-change record: sources added. */
  ALLOW_NEW_SOURCES: 5,
  /** Source-list-change record: sources removed. */
  BLOCK_OLD_SOURCES: 6,
} as const;

/**
 * Length of IGMPv1/v2 messages and the shortest IGMP message (RFC 2236 §2).
 * @public
 */
export const IGMP_MIN_LENGTH = 8;

/**
 * Shortest IGMPv3 Membership Query, without sources (RFC 3376 §4.1).
 * @public
 */
export const IGMPV3_QUERY_MIN_LENGTH = 12;

/**
 * Fixed part of an IGMPv3 Membership Report, before its group records (RFC 3376 §4.2).
 * @public
 */
export const IGMPV3_REPORT_HEADER_LENGTH = 8;

/**
 * Fixed part of one IGMPv3 group record, before its sources and auxiliary data (RFC 3376 §4.2.4).
 * @public
 */
export const IGMPV3_RECORD_HEADER_LENGTH = 8;

/**
 * Well-known groups of IGMP, unsigned 32-bit (RFC 1112 §4, RFC 2236 §3, RFC 3376 §4.2.14).
 * @public
 */
export const IgmpGroups = {
  /** 224.0.0.1: every multicast-capable host; queries go here and it is never reported. */
  ALL_SYSTEMS: 0xe0000001,
  /** 224.0.0.2: every multicast router; IGMPv2 Leave Group messages go here. */
  ALL_ROUTERS: 0xe0000002,
  /** 224.0.0.22: every IGMPv3-capable multicast router; IGMPv3 reports go here. */
  IGMPV3_ROUTERS: 0xe0000016,
} as const;

/**
 * The value of an IGMPv3 Max Resp Code or QQIC byte (RFC 3376 §4.1.1, §4.1.7): below 128 the code
 * is the value; from 128 it is a float with a 3-bit exponent and a 4-bit mantissa,
 * `(mant | 0x10) << (exp + 3)`. Max Resp Code counts tenths of a second, QQIC seconds.
 * @public
 */
export function igmpv3CodeValue(code: number): number {
  const c = code & 0xff;
  if (c < 0x80) return c;
  const mant = c & 0x0f;
  const exp = (c >>> 4) & 0x07;
  return (mant | 0x10) << (exp + 3);
}

/**
 * The Max Resp Code or QQIC byte for `value` (the inverse of {@link igmpv3CodeValue}, rounding down
 * to a representable value; 31 744 and above give 0xff, the largest).
 * @public
 */
export function igmpv3Code(value: number): number {
  const v = Math.max(0, Math.floor(value));
  if (v < 0x80) return v;
  for (let exp = 0; exp < 8; exp++) {
    const mant = v >>> (exp + 3);
    if (mant <= 0x1f) return 0x80 | (exp << 4) | (mant & 0x0f);
  }
  return 0xff;
}
