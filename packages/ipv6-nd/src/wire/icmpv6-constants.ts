import { ICMP_HEADER_LENGTH } from '@stack/core';

/**
 * ICMPv6 message types (RFC 4443 §2.1, RFC 4861 §4, RFC 3810 §5; IANA "icmpv6-parameters").
 * Types below 128 are errors, 128 and above informational.
 * @public
 */
export const Icmpv6Type = {
  DESTINATION_UNREACHABLE: 1,
  PACKET_TOO_BIG: 2,
  TIME_EXCEEDED: 3,
  PARAMETER_PROBLEM: 4,
  ECHO_REQUEST: 128,
  ECHO_REPLY: 129,
  MLD_QUERY: 130,
  MLD_REPORT: 131,
  MLD_DONE: 132,
  ROUTER_SOLICITATION: 133,
  ROUTER_ADVERTISEMENT: 134,
  NEIGHBOR_SOLICITATION: 135,
  NEIGHBOR_ADVERTISEMENT: 136,
  REDIRECT: 137,
  MLDV2_REPORT: 143,
} as const;

/**
 * Destination unreachable codes (RFC 4443 §3.1).
 * @public
 */
export const Icmpv6UnreachableCode = {
  NO_ROUTE: 0,
  ADMIN_PROHIBITED: 1,
  /** The source's scope does not reach the destination (a link-local source forwarded off-link). */
  BEYOND_SCOPE: 2,
  ADDRESS: 3,
  PORT: 4,
  SOURCE_POLICY: 5,
  REJECT_ROUTE: 6,
} as const;

/**
 * Time exceeded codes (RFC 4443 §3.3).
 * @public
 */
export const Icmpv6TimeExceededCode = {
  HOP_LIMIT: 0,
  REASSEMBLY: 1,
} as const;

/**
 * Parameter problem codes (RFC 4443 §3.4, RFC 7112 §5).
 * @public
 */
export const Icmpv6ParameterProblemCode = {
  /** Erroneous header field; the pointer gives its offset. */
  HEADER_FIELD: 0,
  UNRECOGNIZED_NEXT_HEADER: 1,
  UNRECOGNIZED_OPTION: 2,
  /** The first fragment lacks part of the header chain (RFC 7112). */
  INCOMPLETE_CHAIN: 3,
} as const;

/**
 * Length of the ICMPv6 header as every defined message has it: type, code, checksum and four bytes
 * of message body (identifier and sequence, MTU, pointer, or unused).
 * @public
 */
export const ICMPV6_HEADER_LENGTH = ICMP_HEADER_LENGTH;

/**
 * Whether `type` is an ICMPv6 error message (RFC 4443 §2.1: types 0–127).
 * @public
 */
export function isIcmpv6ErrorType(type: number): boolean {
  return type < 128;
}

/**
 * Whether `type` belongs to neighbour discovery (RFC 4861: 133–137) or MLD (RFC 2710: 130–132,
 * RFC 3810: 143), the messages the IPv6 layer hands to its ND part.
 * @public
 */
export function isNdOrMldType(type: number): boolean {
  return (type >= 130 && type <= 137) || type === 143;
}
