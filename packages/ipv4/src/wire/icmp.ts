import { ICMPV4_HEADER_LENGTH, Icmpv4Type } from './icmp-constants.js';
import type { Icmpv4Failure } from './icmp-view.js';
import { Icmpv4PacketView } from './icmp-view.js';

/**
 * Echo request or reply (RFC 792): code 0.
 * @public
 */
export interface Icmpv4Echo {
  kind: 'echo-request' | 'echo-reply';
  identifier: number;
  sequence: number;
  /** Echo data (a copy). */
  data: Uint8Array;
}

/**
 * Destination unreachable (RFC 792); `nextHopMtu` is meaningful for code 4 (RFC 1191 §4) and 0
 * otherwise. The unused upper half of the rest of header is ignored on receipt.
 * @public
 */
export interface Icmpv4DestinationUnreachable {
  kind: 'destination-unreachable';
  code: number;
  nextHopMtu: number;
  /** The offending datagram's IP header and leading payload bytes (a copy). */
  quoted: Uint8Array;
}

/**
 * Time exceeded (RFC 792): code 0 TTL, 1 reassembly.
 * @public
 */
export interface Icmpv4TimeExceeded {
  kind: 'time-exceeded';
  code: number;
  /** The offending datagram's IP header and leading payload bytes (a copy). */
  quoted: Uint8Array;
}

/**
 * Parameter problem (RFC 792): `pointer` is the octet of the quoted datagram at fault (code 0).
 * @public
 */
export interface Icmpv4ParameterProblem {
  kind: 'parameter-problem';
  code: number;
  pointer: number;
  /** The offending datagram's IP header and leading payload bytes (a copy). */
  quoted: Uint8Array;
}

/**
 * Redirect (RFC 792): `gateway` is the better first hop, unsigned 32-bit.
 * @public
 */
export interface Icmpv4Redirect {
  kind: 'redirect';
  code: number;
  gateway: number;
  /** The offending datagram's IP header and leading payload bytes (a copy). */
  quoted: Uint8Array;
}

/**
 * Any other message (or an echo with a non-zero code), kept raw.
 * @public
 */
export interface Icmpv4OtherMessage {
  kind: 'other';
  type: number;
  code: number;
  /** The four rest-of-header bytes, unsigned 32-bit. */
  restOfHeader: number;
  /** Bytes after the header (a copy). */
  data: Uint8Array;
}

/**
 * An ICMPv4 message as a plain object, discriminated by `kind`.
 * @public
 */
export type Icmpv4Message =
  | Icmpv4Echo
  | Icmpv4DestinationUnreachable
  | Icmpv4TimeExceeded
  | Icmpv4ParameterProblem
  | Icmpv4Redirect
  | Icmpv4OtherMessage;

/**
 * A message {@link parseIcmpv4} refused.
 * @public
 */
export interface Icmpv4ParseError {
  error: Icmpv4Failure;
}

/**
 * Parses the ICMPv4 message filling `[offset, offset + length)` (the whole IP payload). Never
 * throws. Pass `verifyChecksum = false` when the checksum was already verified.
 * @public
 */
export function parseIcmpv4(
  bytes: Uint8Array,
  offset: number,
  length: number,
  verifyChecksum = true,
): Icmpv4Message | Icmpv4ParseError {
  const view = new Icmpv4PacketView(bytes, offset, length);
  const failure = view.check(verifyChecksum);
  if (failure !== null) return { error: failure };
  const data = bytes.slice(view.dataOffset, offset + length);
  const code = view.code;
  switch (view.type) {
    case Icmpv4Type.ECHO_REQUEST:
    case Icmpv4Type.ECHO_REPLY:
      if (code !== 0) break;
      return {
        kind: view.type === Icmpv4Type.ECHO_REQUEST ? 'echo-request' : 'echo-reply',
        identifier: view.identifier,
        sequence: view.sequence,
        data,
      };
    case Icmpv4Type.DESTINATION_UNREACHABLE:
      return { kind: 'destination-unreachable', code, nextHopMtu: view.nextHopMtu, quoted: data };
    case Icmpv4Type.TIME_EXCEEDED:
      return { kind: 'time-exceeded', code, quoted: data };
    case Icmpv4Type.PARAMETER_PROBLEM:
      return { kind: 'parameter-problem', code, pointer: view.pointer, quoted: data };
    case Icmpv4Type.REDIRECT:
      return { kind: 'redirect', code, gateway: view.gateway, quoted: data };
  }
  return { kind: 'other', type: view.type, code, restOfHeader: view.restOfHeader, data };
}

/**
 * Length in bytes of the message `message` describes.
 * @public
 */
export function icmpv4Length(message: Icmpv4Message): number {
  return ICMPV4_HEADER_LENGTH + messageBody(message).length;
}

/**
 * Writes `message` at `offset` and returns its length. The checksum is computed unless
 * `fillChecksum` is false (then 0 is written).
 * @public
 */
export function emitIcmpv4(message: Icmpv4Message, bytes: Uint8Array, offset: number, fillChecksum = true): number {
  const body = messageBody(message);
  const length = ICMPV4_HEADER_LENGTH + body.length;
  const view = new Icmpv4PacketView(bytes, offset, length);
  view.checksum = 0;
  switch (message.kind) {
    case 'echo-request':
    case 'echo-reply':
      view.type = message.kind === 'echo-request' ? Icmpv4Type.ECHO_REQUEST : Icmpv4Type.ECHO_REPLY;
      view.code = 0;
      view.identifier = message.identifier;
      view.sequence = message.sequence;
      break;
    case 'destination-unreachable':
      view.type = Icmpv4Type.DESTINATION_UNREACHABLE;
      view.code = message.code;
      view.restOfHeader = message.nextHopMtu & 0xffff;
      break;
    case 'time-exceeded':
      view.type = Icmpv4Type.TIME_EXCEEDED;
      view.code = message.code;
      view.restOfHeader = 0;
      break;
    case 'parameter-problem':
      view.type = Icmpv4Type.PARAMETER_PROBLEM;
      view.code = message.code;
      view.restOfHeader = (message.pointer & 0xff) << 24;
      break;
    case 'redirect':
      view.type = Icmpv4Type.REDIRECT;
      view.code = message.code;
      view.gateway = message.gateway;
      break;
    case 'other':
      view.type = message.type;
      view.code = message.code;
      view.restOfHeader = message.restOfHeader;
      break;
  }
  bytes.set(body, view.dataOffset);
  if (fillChecksum) view.fillChecksum();
  return length;
}

function messageBody(message: Icmpv4Message): Uint8Array {
  return 'data' in message ? message.data : message.quoted;
}
