// Address value types and prefix arithmetic (both families), plus integer helpers for hot paths.
export { AddressError } from './address-error.js';
export {
  commonPrefixLength4,
  directedBroadcast4,
  ipv4FromBytes,
  ipv4ToBytes,
  isIpv4LimitedBroadcast,
  isIpv4LinkLocal,
  isIpv4Loopback,
  isIpv4Multicast,
  isIpv4Unspecified,
  netmask4,
  prefixContains4,
  prefixLengthFromNetmask4,
} from './ipv4-int.js';
export { formatIpv4, parseIpv4, tryParseIpv4 } from './ipv4-text.js';
export { Ipv4Address } from './ipv4-address.js';
export {
  Ipv6Address,
  Ipv6MulticastScope,
  multicastScope,
  solicitedNodeMulticast,
  writeSolicitedNodeMulticast,
} from './ipv6-address.js';
export { MacAddress } from './mac-address.js';
export type { AddressFamily, IpAddress } from './ip-address.js';
export { compareIpAddress, ipAddressFromBytes, parseIpAddress, tryParseIpAddress } from './ip-address.js';
export type { IpPrefix, ParsePrefixOptions } from './prefix.js';
export {
  commonPrefixLength,
  formatPrefix,
  maskAddress,
  maskPrefix,
  netmask,
  netmask6,
  parsePrefix,
  prefixContains,
  prefixLengthFromNetmask,
  tryParsePrefix,
} from './prefix.js';
export { ipv4MulticastMac, ipv6MulticastMac } from './multicast-mac.js';
