#!/usr/bin/python3
"""Crafts hostile IPv6 frames (neighbour discovery, extension headers, fragments, ICMPv6, UDP) and
sends them into a TAP from its Linux end (AF_PACKET), for the interop tests. Run with the Debian
python (/usr/bin/python3), which has scapy, inside the namespace.

usage: hostile6.py --iface tap0 --our-mac M --our-ip GLOBAL6 --our-ll LL6 --linux-mac M
                   --linux-ip GLOBAL6 --linux-ll LL6
Reads commands on stdin, one per line:
  list            prints "CASES name name ..."
  set KEY VALUE   sets a parameter (target: the address the *_target cases aim at)
  send NAME [N]   sends case NAME (N repetitions, default 20), prints "SENT NAME frames"
  quit
Frames are built in full first, then written through one raw socket, paced so the TAP's queue
(txqueuelen) never overflows: every frame written reaches the stack at the other end.
Checksums are right unless a case says otherwise, so each frame fails for its one reason.
"""
import argparse
import struct

from hostile_serve import serve
from scapy.all import Ether, Raw, conf
from scapy.layers.inet6 import (
    HBHOptUnknown, ICMPv6EchoRequest, ICMPv6ND_NA, ICMPv6ND_NS, ICMPv6ND_RA, ICMPv6NDOptPrefixInfo,
    ICMPv6NDOptSrcLLAddr, ICMPv6NDOptDstLLAddr, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrFragment,
    IPv6ExtHdrHopByHop, PadN, UDP, in6_getnsma, in6_getnsmac, inet_pton, socket,
)

conf.verb = 0

ALL_NODES = "ff02::1"


def multicast_mac(addr):
    return in6_getnsmac(inet_pton(socket.AF_INET6, addr))


def solicited_node(addr):
    return socket.inet_ntop(socket.AF_INET6, in6_getnsma(inet_pton(socket.AF_INET6, addr)))


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def icmp6_checksum(src, dst, body):
    pseudo = inet_pton(socket.AF_INET6, src) + inet_pton(socket.AF_INET6, dst) + struct.pack("!I3xB", len(body), 58)
    return csum(pseudo + body)


class Cases:
    def __init__(self, a):
        self.om, self.oip, self.oll = a.our_mac, a.our_ip, a.our_ll
        self.lm, self.lip, self.lll = a.linux_mac, a.linux_ip, a.linux_ll
        self.target = a.our_ip
        self.ident = 0x10000
        self.seq = 0

    # --- building blocks --------------------------------------------------------------------------

    def eth(self, ip6, dst_mac=None, src_mac=None):
        """An Ethernet frame around an IPv6 packet; a multicast destination maps to 33:33:..."""
        if dst_mac is None:
            dst = ip6[IPv6].dst
            dst_mac = multicast_mac(dst) if dst.lower().startswith("ff") else self.om
        return bytes(Ether(src=src_mac or self.lm, dst=dst_mac, type=0x86DD) / ip6)

    def next_id(self):
        self.ident += 1
        return self.ident & 0xFFFFFFFF

    def echo(self, data=b"hostile-ipv6-test"):
        self.seq = (self.seq + 1) & 0xFFFF
        return ICMPv6EchoRequest(id=0x4646, seq=self.seq, data=data)

    def ip6(self, src=None, dst=None, hlim=64, **kw):
        return IPv6(src=src or self.lip, dst=dst or self.oip, hlim=hlim, **kw)

    def raw_icmp6(self, src, dst, body, hlim=255, fix=True):
        """An ICMPv6 message from raw bytes (type, code, 0, rest), checksum filled in."""
        if fix:
            c = icmp6_checksum(src, dst, body)
            body = body[:2] + struct.pack("!H", c) + body[4:]
        return IPv6(src=src, dst=dst, hlim=hlim, nh=58) / Raw(body)

    def ns_body(self, target, options=b"", code=0):
        return struct.pack("!BBHI", 135, code, 0, 0) + inet_pton(socket.AF_INET6, target) + options

    def slla(self, mac=None, length=1):
        m = bytes.fromhex((mac or self.lm).replace(":", ""))
        return struct.pack("!BB", 1, length) + m

    # --- neighbour discovery (RFC 4861 §6.1, §7.1: validation) -----------------------------------

    def nd_ns_hop_limit_254(self, n):
        # a valid NS for our address, except the hop limit: it may have crossed a router
        p = self.ip6(src=self.lll, dst=solicited_node(self.oip), hlim=254) / ICMPv6ND_NS(tgt=self.oip) / ICMPv6NDOptSrcLLAddr(lladdr=self.lm)
        return [self.eth(p) for _ in range(n)]

    def nd_na_hop_limit_254(self, n):
        p = self.ip6(src=self.lll, dst=self.oll, hlim=254) / ICMPv6ND_NA(tgt=self.lll, R=0, S=0, O=1) / ICMPv6NDOptDstLLAddr(lladdr="02:66:66:66:66:66")
        return [self.eth(p) for _ in range(n)]

    def nd_ra_hop_limit_254(self, n):
        p = (self.ip6(src=self.lll, dst=ALL_NODES, hlim=254) / ICMPv6ND_RA(routerlifetime=1800)
             / ICMPv6NDOptPrefixInfo(prefix="2001:db8:bad:1::", prefixlen=64, L=1, A=1, validlifetime=3600, preferredlifetime=1800))
        return [self.eth(p) for _ in range(n)]

    def nd_opt_len_0(self, n):
        # RFC 4861 §4.6: an option of length 0 makes the whole message invalid
        body = self.ns_body(self.oip, struct.pack("!BB", 1, 0) + b"\0" * 6)
        return [self.eth(self.raw_icmp6(self.lll, solicited_node(self.oip), body)) for _ in range(n)]

    def nd_opt_beyond_packet(self, n):
        # a source link-layer option whose length (4 x 8 bytes) runs past the end of the message
        body = self.ns_body(self.oip, self.slla(length=4))
        return [self.eth(self.raw_icmp6(self.lll, solicited_node(self.oip), body)) for _ in range(n)]

    def nd_ra_opt_len_0(self, n):
        # an RA whose prefix option has length 0, then a valid-looking prefix
        ra = struct.pack("!BBHBBHII", 134, 0, 0, 64, 0, 1800, 0, 0)
        opt = struct.pack("!BBBBIII", 3, 0, 64, 0xC0, 3600, 1800, 0) + inet_pton(socket.AF_INET6, "2001:db8:bad:2::")
        return [self.eth(self.raw_icmp6(self.lll, ALL_NODES, ra + opt)) for _ in range(n)]

    def nd_na_unknown_target(self, n):
        # a solicited NA for an address nobody asked about: no cache entry, silently discarded (§7.2.5)
        out = []
        for i in range(n):
            tgt = "2001:db8:1::7%x" % (i % 16)
            p = self.ip6(src=self.lll, dst=self.oll, hlim=255) / ICMPv6ND_NA(tgt=tgt, R=0, S=1, O=1) / ICMPv6NDOptDstLLAddr(lladdr="02:77:77:77:77:77")
            out.append(self.eth(p))
        return out

    def nd_na_solicited_to_multicast(self, n):
        # §7.1.2: an NA to a multicast address must not have the S flag
        p = self.ip6(src=self.lll, dst=ALL_NODES, hlim=255) / ICMPv6ND_NA(tgt=self.lll, R=0, S=1, O=1) / ICMPv6NDOptDstLLAddr(lladdr=self.lm)
        return [self.eth(p) for _ in range(n)]

    def nd_ra_global_source(self, n):
        # §6.1.2: an RA must come from a link-local address
        p = (self.ip6(src=self.lip, dst=ALL_NODES, hlim=255) / ICMPv6ND_RA(routerlifetime=1800)
             / ICMPv6NDOptPrefixInfo(prefix="2001:db8:bad:3::", prefixlen=64, L=1, A=1, validlifetime=3600, preferredlifetime=1800))
        return [self.eth(p) for _ in range(n)]

    def nd_ns_multicast_target(self, n):
        body = self.ns_body(ALL_NODES, self.slla())
        return [self.eth(self.raw_icmp6(self.lll, self.oll, body)) for _ in range(n)]

    def nd_ns_dad_with_slla(self, n):
        # §7.1.1: a solicitation from :: (DAD) must not carry a source link-layer option
        body = self.ns_body(self.oip, self.slla())
        return [self.eth(self.raw_icmp6("::", solicited_node(self.oip), body)) for _ in range(n)]

    def nd_code_1(self, n):
        body = self.ns_body(self.oip, self.slla(), code=1)
        return [self.eth(self.raw_icmp6(self.lll, solicited_node(self.oip), body)) for _ in range(n)]

    def nd_ns_truncated(self, n):
        # 20 bytes: shorter than the 24 of a solicitation
        body = self.ns_body(self.oip)[:20]
        return [self.eth(self.raw_icmp6(self.lll, solicited_node(self.oip), body)) for _ in range(n)]

    # --- the IPv6 header ---------------------------------------------------------------------------

    def ip6_payload_length_beyond_frame(self, n):
        out = []
        for _ in range(n):
            raw = bytearray(bytes(self.ip6() / self.echo()))
            struct.pack_into("!H", raw, 4, 1000)
            out.append(self.eth(Raw(bytes(raw)), dst_mac=self.om))
        return out

    def ip6_truncated_header(self, n):
        return [self.eth(Raw(bytes(self.ip6() / self.echo())[: 1 + (i % 39)]), dst_mac=self.om) for i in range(n)]

    def ip6_bad_version(self, n):
        out = []
        for _ in range(n):
            raw = bytearray(bytes(self.ip6() / self.echo()))
            raw[0] = 0x40 | (raw[0] & 0x0F)
            out.append(self.eth(Raw(bytes(raw)), dst_mac=self.om))
        return out

    def ip6_src_multicast(self, n):
        return [self.eth(self.ip6(src="ff02::1") / self.echo()) for _ in range(n)]

    def ip6_src_loopback(self, n):
        return [self.eth(self.ip6(src="::1") / self.echo()) for _ in range(n)]

    def ip6_dst_not_ours(self, n):
        # unicast to our MAC, but an address we do not hold (we are a host: not forwarded)
        return [self.eth(self.ip6(dst="2001:db8:1::dead") / self.echo(), dst_mac=self.om) for _ in range(n)]

    # --- extension headers and options (RFC 8200 §4) -----------------------------------------------

    def ext_long_chain(self, n):
        # an echo request behind 100 destination options headers (800 bytes of headers); built by
        # hand once (scapy is slow at stacking 100 layers), then repeated
        dest_opt = struct.pack("!BBBB4x", 60, 0, 1, 4)  # next header 60, length 0, PadN of 4 zero bytes
        last = struct.pack("!BBBB4x", 58, 0, 1, 4)
        echo = bytes(self.echo())
        echo = echo[:2] + b"\0\0" + echo[4:]
        echo = echo[:2] + struct.pack("!H", icmp6_checksum(self.lip, self.oip, echo)) + echo[4:]
        frame = self.eth(self.ip6(nh=60) / Raw(dest_opt * 99 + last + echo))
        return [frame] * n

    def ext_unknown_next_header(self, n):
        # next header 253 (experimental, nobody here speaks it): parameter problem code 1
        return [self.eth(self.ip6(nh=253) / Raw(b"\0" * 16)) for _ in range(n)]

    def ext_unknown_header_in_chain(self, n):
        # a destination options header whose next header is 200 (unassigned), then 16 bytes
        return [self.eth(self.ip6() / IPv6ExtHdrDestOpt(nh=200, options=[PadN(optdata=b"\0" * 4)]) / Raw(b"\x3a\0" + b"\0" * 14)) for _ in range(n)]

    def _opt(self, otype, dst=None):
        return self.ip6(dst=dst) / IPv6ExtHdrDestOpt(options=[HBHOptUnknown(otype=otype, optdata=b"\xAB\xCD")]) / self.echo()

    def ext_opt_unknown_skip(self, n):
        # action 00: skip the option and process the packet: answered
        return [self.eth(self._opt(0x1E)) for _ in range(n)]

    def ext_opt_unknown_discard(self, n):
        # action 01: discard silently
        return [self.eth(self._opt(0x5E)) for _ in range(n)]

    def ext_opt_unknown_icmp(self, n):
        # action 10: discard and send parameter problem code 2
        return [self.eth(self._opt(0x9E)) for _ in range(n)]

    def ext_opt_unknown_icmp_multicast(self, n):
        # action 11 to a multicast destination: discard, no ICMP
        return [self.eth(self._opt(0xDE, dst=ALL_NODES)) for _ in range(n)]

    def ext_hbh_not_first(self, n):
        # RFC 8200 §4.1: hop-by-hop options only directly after the IPv6 header
        return [self.eth(self.ip6() / IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\0" * 4)]) / IPv6ExtHdrHopByHop(options=[PadN(optdata=b"\0" * 4)]) / self.echo()) for _ in range(n)]

    def ext_opt_beyond_header(self, n):
        # an option whose length runs past the end of its header (hdr len 0: 6 bytes of options)
        opt = IPv6ExtHdrDestOpt(nh=58, len=0, autopad=0, options=[HBHOptUnknown(otype=0x1E, optlen=10, optdata=b"\0" * 4)])
        return [self.eth(self.ip6() / opt / self.echo()) for _ in range(n)]

    def ext_header_beyond_packet(self, n):
        # a destination options header claiming 8 x 8 + 8 bytes, in a packet with 8
        out = []
        for _ in range(n):
            raw = bytes(IPv6ExtHdrDestOpt(nh=58, options=[PadN(optdata=b"\0" * 4)]))
            raw = raw[:1] + b"\x08" + raw[2:]
            out.append(self.eth(self.ip6(nh=60) / Raw(raw)))
        return out

    def rh0(self, segments_left):
        """Routing header type 0 (built by hand: scapy would rewrite the destination) before an echo
        request whose checksum uses the final destination (RFC 8200 §8.1)."""
        via = "2001:db8:1::1"
        final = via if segments_left > 0 else self.oip
        rh = struct.pack("!BBBBI", 58, 2, 0, segments_left, 0) + inet_pton(socket.AF_INET6, via)
        echo = bytes(self.echo())
        echo = echo[:2] + b"\0\0" + echo[4:]
        c = icmp6_checksum(self.lip, final, echo)
        echo = echo[:2] + struct.pack("!H", c) + echo[4:]
        return self.eth(self.ip6(nh=43) / Raw(rh + echo))

    def ext_rh0(self, n):
        # RFC 5095: routing header type 0 with segments left: parameter problem code 0 (type field)
        return [self.rh0(1) for _ in range(n)]

    def ext_rh0_segments_left_0(self, n):
        # ... and with no segments left: the header is ignored and the packet processed (answered)
        return [self.rh0(0) for _ in range(n)]

    # --- fragments (RFC 8200 §4.5, RFC 5722, RFC 7112) ------------------------------------------------

    def frag(self, ident, offset_bytes, payload, more, nh=58, dst=None):
        assert offset_bytes % 8 == 0
        return self.eth(self.ip6(dst=dst) / IPv6ExtHdrFragment(nh=nh, id=ident, offset=offset_bytes // 8, m=1 if more else 0) / Raw(payload))

    def echo_bytes(self, data):
        return bytes(ICMPv6EchoRequest(id=0x4646, seq=1, data=data, cksum=0))  # checksum irrelevant: never completed

    def frag6_overlap(self, n):
        # overlapping pairs: the datagram is discarded (RFC 5722)
        out = []
        for i in range(n):
            ident = self.next_id()
            if i % 2 == 0:
                out += [self.frag(ident, 0, b"A" * 24, True), self.frag(ident, 16, b"B" * 24, False)]
            else:  # the second lies inside the first
                out += [self.frag(ident, 0, b"A" * 32, True), self.frag(ident, 8, b"B" * 8, True)]
        return out

    def frag6_overlap_then_rest(self, n):
        out = []
        for _ in range(n):
            ident = self.next_id()
            out += [self.frag(ident, 0, self.echo_bytes(b"C" * 16), True), self.frag(ident, 8, b"D" * 16, True), self.frag(ident, 24, b"E" * 8, False)]
        return out

    def frag6_bad_size(self, n):
        # M set and a length that is not a multiple of 8: parameter problem code 0 (payload length)
        return [self.frag(self.next_id(), 0, self.echo_bytes(b"G" * 5), True) for _ in range(n)]

    def frag6_too_long(self, n):
        # offset + length beyond 65535: parameter problem code 0 (fragment offset)
        return [self.frag(self.next_id(), 65512, b"H" * 32, True) for _ in range(n)]

    def frag6_tiny_first(self, n):
        # RFC 7112: a first fragment that ends inside the header chain (a destination options header
        # follows; the upper-layer header is in the next fragment): dropped, parameter problem code 3
        out = []
        for _ in range(n):
            ident = self.next_id()
            chain = bytes(IPv6ExtHdrDestOpt(nh=58, options=[PadN(optdata=b"\0" * 4)]))  # 8 bytes
            rest = bytes(self.ip6() / IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\0" * 4)]) / self.echo())[40 + 8:]
            out += [self.frag(ident, 0, chain, True, nh=60), self.frag(ident, 8, rest, False, nh=60)]
        return out

    def frag6_endless_one(self, n):
        ident = self.next_id()
        return [self.frag(ident, 8 * i, b"I" * 8, True) for i in range(n)]

    def frag6_endless_many(self, n):
        return [self.frag(self.next_id(), 0, self.echo_bytes(b"J" * 1392), True) for _ in range(n)]

    def frag6_far(self, n):
        # one fragment near the end of each of n packets: it costs its own size, not ~64 KB
        return [self.frag(self.next_id(), 64000, b"K" * 1400, True) for _ in range(n)]

    def frag6_memory(self, n):
        # n fragments of 1400 bytes, 20 per packet (28 KB held each), never completed
        out = []
        for i in range(n):
            if i % 20 == 0:
                ident = self.next_id()
            out.append(self.frag(ident, (i % 20) * 1400, b"M" * 1400, True))
        return out

    def frag6_atomic(self, n):
        # RFC 6946: a fragment header with offset 0 and M clear is a whole packet: answered
        return [self.eth(self.ip6() / IPv6ExtHdrFragment(nh=58, id=self.next_id(), offset=0, m=0) / self.echo()) for _ in range(n)]

    def frag6_complete(self, n):
        # a well-formed echo request in three fragments: reassembled and answered
        out = []
        for _ in range(n):
            ident = self.next_id()
            body = bytes(self.ip6() / self.echo(data=b"L" * 2992))[40:]
            out += [self.frag(ident, 0, body[:1448], True), self.frag(ident, 1448, body[1448:2896], True), self.frag(ident, 2896, body[2896:], False)]
        return out

    # --- ICMPv6 and UDP ----------------------------------------------------------------------------

    def icmp6_bad_checksum(self, n):
        out = []
        for _ in range(n):
            p = self.ip6() / self.echo()
            raw = bytearray(bytes(p))
            raw[42] ^= 0x5A
            out.append(self.eth(Raw(bytes(raw)), dst_mac=self.om))
        return out

    def icmp6_truncated(self, n):
        return [self.eth(self.ip6(nh=58) / Raw(b"\x80\x00\x12")) for _ in range(n)]

    def udp6_zero_checksum(self, n):
        # RFC 8200 §8.1: a zero UDP checksum over IPv6 is invalid
        out = []
        for _ in range(n):
            raw = bytearray(bytes(self.ip6() / UDP(sport=40000, dport=7) / Raw(b"zero checksum")))
            raw[46:48] = b"\0\0"
            out.append(self.eth(Raw(bytes(raw)), dst_mac=self.om))
        return out

    def udp6_bad_checksum(self, n):
        return [self.eth(self.ip6() / UDP(sport=40000, dport=7, chksum=0x1234) / Raw(b"bad checksum")) for _ in range(n)]

    def echo6_target(self, n):
        # valid echo requests to the address set with "set target" (from Linux's link-local address)
        return [self.eth(self.ip6(src=self.lll if self.target.lower().startswith("fe80") else self.lip, dst=self.target) / self.echo()) for _ in range(n)]


PREFIXES = ("nd", "ip6", "ext", "frag6", "icmp6", "udp6", "echo6")


def case_names():
    return [m for m in dir(Cases) if "_" in m and m.split("_")[0] in PREFIXES]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iface", required=True)
    ap.add_argument("--our-mac", required=True)
    ap.add_argument("--our-ip", required=True)
    ap.add_argument("--our-ll", required=True)
    ap.add_argument("--linux-mac", required=True)
    ap.add_argument("--linux-ip", required=True)
    ap.add_argument("--linux-ll", required=True)
    ap.add_argument("--burst", type=int, default=64)
    ap.add_argument("--pause", type=float, default=0.01)
    a = ap.parse_args()
    serve(Cases(a), case_names, a.iface, a.burst, a.pause, settable=("target",))


if __name__ == "__main__":
    main()
