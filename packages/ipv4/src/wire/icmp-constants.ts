import { ICMP_HEADER_LENGTH } from '@stack/core';

/**
 * ICMPv4 message types (RFC 792; IANA "icmp-parameters").
 * @public
 */
export const Icmpv4Type = {
  ECHO_REPLY: 0,
  DESTINATION_UNREACHABLE: 3,
  SOURCE_QUENCH: 4,
  REDIRECT: 5,
  ECHO_REQUEST: 8,
  ROUTER_ADVERTISEMENT: 9,
  ROUTER_SOLICITATION: 10,
  TIME_EXCEEDED: 11,
  PARAMETER_PROBLEM: 12,
  TIMESTAMP: 13,
  TIMESTAMP_REPLY: 14,
} as const;

/**
 * Destination unreachable codes (RFC 792, RFC 1191, RFC 1812 §5.2.7.1).
 * @public
 */
export const Icmpv4UnreachableCode = {
  NET: 0,
  HOST: 1,
  PROTOCOL: 2,
  PORT: 3,
  /** Fragmentation needed and DF set; carries the next-hop MTU (RFC 1191 §4). */
  FRAGMENTATION_NEEDED: 4,
  SOURCE_ROUTE_FAILED: 5,
  NET_UNKNOWN: 6,
  HOST_UNKNOWN: 7,
  NET_PROHIBITED: 9,
  HOST_PROHIBITED: 10,
  ADMIN_PROHIBITED: 13,
} as const;

/**
 * Time exceeded codes (RFC 792).
 * @public
 */
export const Icmpv4TimeExceededCode = {
  TTL_EXCEEDED: 0,
  REASSEMBLY_TIME_EXCEEDED: 1,
} as const;

/**
 * Parameter problem codes (RFC 792, RFC 1108, RFC 1812 §5.2.7.3).
 * @public
 */
export const Icmpv4ParameterProblemCode = {
  /** The pointer field indicates the error. */
  POINTER: 0,
  MISSING_OPTION: 1,
  BAD_LENGTH: 2,
} as const;

/**
 * Redirect codes (RFC 792).
 * @public
 */
export const Icmpv4RedirectCode = {
  NETWORK: 0,
  HOST: 1,
  TOS_NETWORK: 2,
  TOS_HOST: 3,
} as const;

/**
 * Length of the ICMPv4 header: type, code, checksum and the 4-byte rest of header.
 * @public
 */
export const ICMPV4_HEADER_LENGTH = ICMP_HEADER_LENGTH;

/**
 * Whether `type` is an ICMP error message (one that quotes an offending datagram). No error is
 * ever sent about one of these (RFC 1122 §3.2.2, RFC 1812 §4.3.2.7).
 * @public
 */
export function isIcmpv4ErrorType(type: number): boolean {
  return (
    type === Icmpv4Type.DESTINATION_UNREACHABLE ||
    type === Icmpv4Type.SOURCE_QUENCH ||
    type === Icmpv4Type.REDIRECT ||
    type === Icmpv4Type.TIME_EXCEEDED ||
    type === Icmpv4Type.PARAMETER_PROBLEM
  );
}
