// Builders of IPv6 packets for tests, using the package's own wire formats.
import { internetChecksum, Ipv6Address, pseudoHeaderSum6 } from '@stack/core';
import {
  emitIcmpv6,
  emitIpv6FragmentHeader,
  emitIpv6Header,
  emitIpv6OptionsHeader,
  emitIpv6RoutingHeader,
  icmpv6PseudoHeaderSum,
  Ipv6NextHeader,
  type Icmpv6Message,
  type Ipv6Option,
} from '../../src/index.js';

export const ip6 = (text: string): Ipv6Address => Ipv6Address.parse(text);

/** One extension header to put in front of the payload. */
export type Ext =
  | { readonly kind: 'hop-by-hop' | 'destination'; readonly options: Ipv6Option[] }
  | { readonly kind: 'routing'; readonly routingType: number; readonly segmentsLeft: number; readonly data?: Uint8Array }
  | { readonly kind: 'fragment'; readonly offset: number; readonly more: boolean; readonly id: number; readonly nextHeader?: number }
  | { readonly kind: 'raw'; readonly type: number; readonly bytes: Uint8Array };

export interface PacketSpec {
  readonly src: string;
  readonly dst: string;
  readonly nextHeader: number;
  readonly payload: Uint8Array;
  readonly hopLimit?: number;
  readonly ext?: readonly Ext[];
  readonly trafficClass?: number;
  readonly flowLabel?: number;
}

const EXT_TYPE = { 'hop-by-hop': 0, destination: 60, routing: 43, fragment: 44 } as const;

function extBytes(e: Ext, next: number): Uint8Array {
  const out = new Uint8Array(2048);
  let n: number;
  switch (e.kind) {
    case 'hop-by-hop':
    case 'destination':
      n = emitIpv6OptionsHeader({ nextHeader: next, options: e.options }, out, 0);
      break;
    case 'routing':
      n = emitIpv6RoutingHeader({ nextHeader: next, routingType: e.routingType, segmentsLeft: e.segmentsLeft, data: e.data ?? new Uint8Array(4) }, out, 0);
      break;
    case 'fragment':
      n = emitIpv6FragmentHeader({ nextHeader: e.nextHeader ?? next, fragmentOffset: e.offset, moreFragments: e.more, identification: e.id }, out, 0);
      break;
    case 'raw':
      out.set(e.bytes);
      out[0] = next;
      n = e.bytes.length;
      break;
  }
  return out.slice(0, n);
}

/** An IPv6 packet: header, the extension headers in order, then the payload. */
export function ipv6Packet(spec: PacketSpec): Uint8Array {
  const ext = spec.ext ?? [];
  const parts: Uint8Array[] = [];
  let next = spec.nextHeader;
  for (let i = ext.length - 1; i >= 0; i--) {
    const e = ext[i];
    parts.unshift(extBytes(e, next));
    next = e.kind === 'raw' ? e.type : EXT_TYPE[e.kind];
  }
  const extLength = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(40 + extLength + spec.payload.length);
  emitIpv6Header(
    {
      trafficClass: spec.trafficClass ?? 0,
      flowLabel: spec.flowLabel ?? 0,
      payloadLength: extLength + spec.payload.length,
      nextHeader: next,
      hopLimit: spec.hopLimit ?? 64,
      src: ip6(spec.src),
      dst: ip6(spec.dst),
    },
    out,
    0,
  );
  let at = 40;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  out.set(spec.payload, at);
  return out;
}

/** An ICMPv6 message with its checksum for src → dst. */
export function icmpv6(src: string, dst: string, message: Icmpv6Message): Uint8Array {
  const len = message.kind === 'other' ? 8 + message.data.length : 8 + ('data' in message ? message.data.length : message.quoted.length);
  const out = new Uint8Array(len);
  emitIcmpv6(message, out, 0, icmpv6PseudoHeaderSum(ip6(src).bytes as Uint8Array, 0, ip6(dst).bytes as Uint8Array, 0, len));
  return out;
}

export function echoRequest(src: string, dst: string, identifier: number, sequence: number, size = 8): Uint8Array {
  const data = Uint8Array.from({ length: size }, (_, i) => i & 0xff);
  return icmpv6(src, dst, { kind: 'echo-request', identifier, sequence, data });
}

/** A UDP datagram with a correct checksum (or `checksum` forced). */
export function udp(src: string, dst: string, srcPort: number, dstPort: number, payload: Uint8Array, checksum?: number): Uint8Array {
  const out = new Uint8Array(8 + payload.length);
  out[0] = srcPort >> 8;
  out[1] = srcPort & 0xff;
  out[2] = dstPort >> 8;
  out[3] = dstPort & 0xff;
  out[4] = out.length >> 8;
  out[5] = out.length & 0xff;
  out.set(payload, 8);
  if (checksum !== undefined) {
    out[6] = checksum >> 8;
    out[7] = checksum & 0xff;
  } else {
    const sum = internetChecksum(out, 0, out.length, pseudoHeaderSum6(ip6(src).bytes as Uint8Array, 0, ip6(dst).bytes as Uint8Array, 0, Ipv6NextHeader.UDP, out.length));
    const value = sum === 0 ? 0xffff : sum;
    out[6] = value >> 8;
    out[7] = value & 0xff;
  }
  return out;
}

/** Fragments of the fragmentable part `payload` (first header `nextHeader`), cut at [offset, length, more]. */
export function fragments(
  base: { src: string; dst: string; id: number; nextHeader: number },
  payload: Uint8Array,
  cuts: Array<[offset: number, length: number, more: boolean]>,
): Uint8Array[] {
  return cuts.map(([offset, length, more]) =>
    ipv6Packet({
      src: base.src,
      dst: base.dst,
      nextHeader: base.nextHeader,
      payload: payload.subarray(offset, offset + length),
      ext: [{ kind: 'fragment', offset, more, id: base.id }],
    }),
  );
}

export function hex(s: string): Uint8Array {
  return Uint8Array.from(s.replace(/\s+/g, '').match(/../g)!.map((h) => parseInt(h, 16)));
}
