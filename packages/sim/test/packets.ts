// Hand-built, fully valid Ethernet frames for the capture tests: ARP and ICMPv4 echo with
// correct checksums, so a dissector has nothing to complain about.

/** RFC 1071 Internet checksum of `bytes[offset..offset+length)`. */
export function internetChecksum(bytes: Uint8Array, offset: number, length: number): number {
  let sum = 0;
  for (let i = 0; i + 1 < length; i += 2) sum += (bytes[offset + i] << 8) | bytes[offset + i + 1];
  if (length % 2 === 1) sum += bytes[offset + length - 1] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function ethernetHeader(frame: Uint8Array, dst: Uint8Array, src: Uint8Array, ethertype: number): void {
  frame.set(dst, 0);
  frame.set(src, 6);
  frame[12] = ethertype >> 8;
  frame[13] = ethertype & 0xff;
}

/** ARP request or reply (opcode 1 / 2), padded to the 60-byte Ethernet minimum. */
export function arpFrame(
  op: 1 | 2,
  ethDst: Uint8Array,
  senderMac: Uint8Array,
  senderIp: Uint8Array,
  targetMac: Uint8Array,
  targetIp: Uint8Array,
): Uint8Array {
  const frame = new Uint8Array(60);
  ethernetHeader(frame, ethDst, senderMac, 0x0806);
  frame.set([0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, op], 14);
  frame.set(senderMac, 22);
  frame.set(senderIp, 28);
  frame.set(targetMac, 32);
  frame.set(targetIp, 38);
  return frame;
}

/** ICMPv4 echo request (type 8) or reply (type 0) with 56 bytes of data, like `ping`. */
export function icmpEchoFrame(
  type: 8 | 0,
  dstMac: Uint8Array,
  srcMac: Uint8Array,
  srcIp: Uint8Array,
  dstIp: Uint8Array,
  identifier: number,
  sequence: number,
): Uint8Array {
  const dataLength = 56;
  const icmpLength = 8 + dataLength;
  const ipLength = 20 + icmpLength;
  const frame = new Uint8Array(14 + ipLength);
  ethernetHeader(frame, dstMac, srcMac, 0x0800);
  const ip = 14;
  frame[ip] = 0x45;
  frame[ip + 2] = ipLength >> 8;
  frame[ip + 3] = ipLength & 0xff;
  frame[ip + 4] = 0x12;
  frame[ip + 5] = sequence & 0xff;
  frame[ip + 6] = 0x40; // don't fragment
  frame[ip + 8] = 64; // TTL
  frame[ip + 9] = 1; // ICMP
  frame.set(srcIp, ip + 12);
  frame.set(dstIp, ip + 16);
  const ipChecksum = internetChecksum(frame, ip, 20);
  frame[ip + 10] = ipChecksum >> 8;
  frame[ip + 11] = ipChecksum & 0xff;
  const icmp = ip + 20;
  frame[icmp] = type;
  frame[icmp + 4] = identifier >> 8;
  frame[icmp + 5] = identifier & 0xff;
  frame[icmp + 6] = sequence >> 8;
  frame[icmp + 7] = sequence & 0xff;
  for (let i = 0; i < dataLength; i++) frame[icmp + 8 + i] = (0x10 + i) & 0xff;
  const icmpChecksum = internetChecksum(frame, icmp, icmpLength);
  frame[icmp + 2] = icmpChecksum >> 8;
  frame[icmp + 3] = icmpChecksum & 0xff;
  return frame;
}
