import { ICMPV6_HEADER_LENGTH, Icmpv6Type } from './icmpv6-constants.js';
import { Icmpv6PacketView, type Icmpv6Failure } from './icmpv6-view.js';

/**
 * Echo request or reply (RFC 4443 §4): code 0.
 * @public
 */
export interface Icmpv6Echo {
  kind: 'echo-request' | 'echo-reply';
  identifier: number;
  sequence: number;
  /** Echo data (a copy). */
  data: Uint8Array;
}

/**
 * Destination unreachable (RFC 4443 §3.1). The unused field is written as zero.
 * @public
 */
export interface Icmpv6DestinationUnreachable {
  kind: 'destination-unreachable';
  code: number;
  /** As much of the invoking packet as the sender quoted, from its IPv6 header (a copy). */
  quoted: Uint8Array;
}

/**
 * Packet too big (RFC 4443 §3.2): code 0, the next-hop link MTU.
 * @public
 */
export interface Icmpv6PacketTooBig {
  kind: 'packet-too-big';
  mtu: number;
  quoted: Uint8Array;
}

/**
 * Time exceeded (RFC 4443 §3.3): code 0 hop limit, 1 reassembly.
 * @public
 */
export interface Icmpv6TimeExceeded {
  kind: 'time-exceeded';
  code: number;
  quoted: Uint8Array;
}

/**
 * Parameter problem (RFC 4443 §3.4): `pointer` is the octet of the invoking packet at fault.
 * @public
 */
export interface Icmpv6ParameterProblem {
  kind: 'parameter-problem';
  code: number;
  pointer: number;
  quoted: Uint8Array;
}

/**
 * Any other message (ND, MLD, unknown types, or an echo or packet too big with a non-zero code),
 * kept raw.
 * @public
 */
export interface Icmpv6OtherMessage {
  kind: 'other';
  type: number;
  code: number;
  /** The four bytes after the checksum, unsigned 32-bit. */
  restOfHeader: number;
  /** Bytes after the 8-byte header (a copy). */
  data: Uint8Array;
}

/**
 * An ICMPv6 message as a plain object, discriminated by `kind`.
 * @public
 */
export type Icmpv6Message =
  | Icmpv6Echo
  | Icmpv6DestinationUnreachable
  | Icmpv6PacketTooBig
  | Icmpv6TimeExceeded
  | Icmpv6ParameterProblem
  | Icmpv6OtherMessage;

/**
 * A message {@link parseIcmpv6} refused.
 * @public
 */
export interface Icmpv6ParseError {
  error: Icmpv6Failure;
}

/**
 * Parses the ICMPv6 message filling `[offset, offset + length)` (the whole upper-layer payload).
 * When `pseudoSum` is given (see `icmpv6PseudoHeaderSum`) the checksum is verified. Never throws.
 * @public
 */
export function parseIcmpv6(bytes: Uint8Array, offset: number, length: number, pseudoSum?: number): Icmpv6Message | Icmpv6ParseError {
  const view = new Icmpv6PacketView(bytes, offset, length);
  const failure = view.check(pseudoSum);
  if (failure !== null) return { error: failure };
  const data = bytes.slice(view.dataOffset, offset + length);
  const code = view.code;
  switch (view.type) {
    case Icmpv6Type.ECHO_REQUEST:
    case Icmpv6Type.ECHO_REPLY:
      if (code !== 0) break;
      return {
        kind: view.type === Icmpv6Type.ECHO_REQUEST ? 'echo-request' : 'echo-reply',
        identifier: view.identifier,
        sequence: view.sequence,
        data,
      };
    case Icmpv6Type.DESTINATION_UNREACHABLE:
      if (view.restOfHeader !== 0) break;
      return { kind: 'destination-unreachable', code, quoted: data };
    case Icmpv6Type.PACKET_TOO_BIG:
      if (code !== 0) break;
      return { kind: 'packet-too-big', mtu: view.mtu, quoted: data };
    case Icmpv6Type.TIME_EXCEEDED:
      if (view.restOfHeader !== 0) break;
      return { kind: 'time-exceeded', code, quoted: data };
    case Icmpv6Type.PARAMETER_PROBLEM:
      return { kind: 'parameter-problem', code, pointer: view.pointer, quoted: data };
  }
  return { kind: 'other', type: view.type, code, restOfHeader: view.restOfHeader, data };
}

/**
 * Length in bytes of the message `message` describes.
 * @public
 */
export function icmpv6Length(message: Icmpv6Message): number {
  return ICMPV6_HEADER_LENGTH + messageBody(message).length;
}

/**
 * Writes `message` at `offset` and returns its length. The checksum is computed when `pseudoSum`
 * is given (`icmpv6PseudoHeaderSum` with this length), else left 0.
 * @public
 */
export function emitIcmpv6(message: Icmpv6Message, bytes: Uint8Array, offset: number, pseudoSum?: number): number {
  const body = messageBody(message);
  const length = ICMPV6_HEADER_LENGTH + body.length;
  const view = new Icmpv6PacketView(bytes, offset, length);
  view.checksum = 0;
  switch (message.kind) {
    case 'echo-request':
    case 'echo-reply':
      view.type = message.kind === 'echo-request' ? Icmpv6Type.ECHO_REQUEST : Icmpv6Type.ECHO_REPLY;
      view.code = 0;
      view.identifier = message.identifier;
      view.sequence = message.sequence;
      break;
    case 'destination-unreachable':
      view.type = Icmpv6Type.DESTINATION_UNREACHABLE;
      view.code = message.code;
      view.restOfHeader = 0;
      break;
    case 'packet-too-big':
      view.type = Icmpv6Type.PACKET_TOO_BIG;
      view.code = 0;
      view.mtu = message.mtu;
      break;
    case 'time-exceeded':
      view.type = Icmpv6Type.TIME_EXCEEDED;
      view.code = message.code;
      view.restOfHeader = 0;
      break;
    case 'parameter-problem':
      view.type = Icmpv6Type.PARAMETER_PROBLEM;
      view.code = message.code;
      view.pointer = message.pointer;
      break;
    case 'other':
      view.type = message.type;
      view.code = message.code;
      view.restOfHeader = message.restOfHeader;
      break;
  }
  bytes.set(body, view.dataOffset);
  if (pseudoSum !== undefined) view.fillChecksum(pseudoSum);
  return length;
}

function messageBody(message: Icmpv6Message): Uint8Array {
  return 'data' in message ? message.data : message.quoted;
}
