// Builders of IPv4 packets for tests, using the wire formats.
import { emitIpv4Header, emitIcmpv4, type Ipv4Header } from '../../src/index.js';
import { Ipv4Address } from '@stack/core';

export const ip = (text: string): number => Ipv4Address.parse(text).value;

export function ipv4Packet(fields: Partial<Ipv4Header> & { src: number; dst: number }, payload: Uint8Array): Uint8Array {
  const header: Ipv4Header = {
    dscp: 0,
    ecn: 0,
    identification: 1,
    dontFragment: false,
    moreFragments: false,
    fragmentOffset: 0,
    ttl: 64,
    protocol: 17,
    options: new Uint8Array(0),
    payloadLength: payload.length,
    ...fields,
  };
  const hl = 20 + ((header.options.length + 3) & ~3);
  const out = new Uint8Array(hl + payload.length);
  emitIpv4Header({ ...header, payloadLength: payload.length }, out, 0);
  out.set(payload, hl);
  return out;
}

export function echoRequest(identifier: number, sequence: number, size: number): Uint8Array {
  const data = Uint8Array.from({ length: size }, (_, i) => i & 0xff);
  const out = new Uint8Array(8 + size);
  emitIcmpv4({ kind: 'echo-request', identifier, sequence, data }, out, 0);
  return out;
}

/** The IPv4 fragments of `payload` (as a sender would cut them): [offset, length, more] triples. */
export function fragments(
  base: { src: number; dst: number; identification: number; protocol: number },
  payload: Uint8Array,
  cuts: Array<[offset: number, length: number, more: boolean]>,
): Uint8Array[] {
  return cuts.map(([offset, length, more]) =>
    ipv4Packet({ ...base, fragmentOffset: offset, moreFragments: more }, payload.subarray(offset, offset + length)),
  );
}
