/**
 * @stack/udp: UDP (RFC 768) with a Node `dgram`-shaped socket API over any network protocol,
 * plus the wire format (`./wire`).
 * @packageDocumentation
 */
export * from './wire/index.js';
export { udpModule, type UdpModuleOptions } from './udp-module.js';
export { createSocket, UdpSocket, type UdpSocketOptions, type UdpMessage, type UdpAddressInfo, type UdpSocketEvents } from './udp-socket.js';
export { UdpSocketError, type UdpErrorCode, type UdpSendError } from './errors.js';
export { RemoteInfo } from './remote-info.js';
export { UdpSocketsService, type UdpSockets } from './keys.js';
