#!/usr/bin/python3
"""Crafts hostile frames and sends them into a TAP from its Linux end (AF_PACKET), for the interop
tests. Run with the Debian python (/usr/bin/python3), which has scapy, inside the namespace.

usage: hostile.py --iface tap0 --our-mac M --our-ip A --linux-mac M --linux-ip A
Reads commands on stdin, one per line:
  list            prints "CASES name name ..."
  send NAME [N]   sends case NAME (N repetitions, default 20), prints "SENT NAME frames"
  quit
Frames are built in full first, then written through one raw socket, paced so the TAP's queue
(txqueuelen) never overflows: every frame written reaches the stack at the other end.
"""
import argparse
import struct

from hostile_serve import serve
from scapy.all import IP, UDP, Dot1Q, Ether, Raw, conf

conf.verb = 0


def ip_checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def raw_ipv4(src, dst, payload, proto=1, ttl=64, ihl=5, total=None, flags_frag=0, ident=1, version=4,
             options=b"", fix_checksum=True, bad_checksum=False):
    """An IPv4 header built by hand, so any field can lie."""
    header_len = 20 + len(options)
    if total is None:
        total = header_len + len(payload)
    hdr = struct.pack("!BBHHHBBH4s4s", (version << 4) | (ihl & 0xF), 0, total & 0xFFFF, ident & 0xFFFF,
                      flags_frag & 0xFFFF, ttl, proto, 0, bytes(map(int, src.split("."))),
                      bytes(map(int, dst.split(".")))) + options
    if fix_checksum:
        c = ip_checksum(hdr)
        if bad_checksum:
            c ^= 0x5A5A
        hdr = hdr[:10] + struct.pack("!H", c) + hdr[12:]
    return hdr + payload


def icmp_echo(ident=0x4242, seq=1, data=b"hostile-input-test", bad_checksum=False):
    body = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + data
    c = ip_checksum(body)
    if bad_checksum:
        c ^= 0x1111
    return body[:2] + struct.pack("!H", c) + body[4:]


class Cases:
    def __init__(self, a):
        self.om, self.oip, self.lm, self.lip = a.our_mac, a.our_ip, a.linux_mac, a.linux_ip
        self.ident = 1000

    def eth(self, payload, etype=0x0800, src=None, dst=None):
        return bytes(Ether(src=src or self.lm, dst=dst or self.om, type=etype) / Raw(payload))

    def ip(self, payload, **kw):
        kw.setdefault("src", self.lip)
        kw.setdefault("dst", self.oip)
        src = kw.pop("src")
        dst = kw.pop("dst")
        return raw_ipv4(src, dst, payload, **kw)

    def next_id(self):
        self.ident = (self.ident + 1) & 0xFFFF
        return self.ident

    def echo_frame(self, **kw):
        return self.eth(self.ip(icmp_echo(), **kw))

    def udp(self, dport, data, length=None, checksum=None):
        length = 8 + len(data) if length is None else length
        return struct.pack("!HHHH", 40000, dport, length & 0xFFFF, 0 if checksum is None else checksum) + data

    def frag(self, ident, offset_bytes, payload, more, proto=1):
        assert offset_bytes % 8 == 0
        return self.eth(self.ip(payload, proto=proto, ident=ident, flags_frag=(0x2000 if more else 0) | (offset_bytes // 8)))

    # --- each case returns a list of frames for n repetitions -------------------------------------

    # Ethernet
    def eth_src_multicast(self, n):
        return [self.eth(self.ip(icmp_echo()), src="01:00:5e:00:00:01") for _ in range(n)]

    def eth_src_broadcast(self, n):
        return [self.eth(self.ip(icmp_echo()), src="ff:ff:ff:ff:ff:ff") for _ in range(n)]

    def eth_not_for_us(self, n):
        return [self.eth(self.ip(icmp_echo()), dst="02:00:5e:12:34:56") for _ in range(n)]

    def eth_unknown_ethertype(self, n):
        return [self.eth(b"\0" * 46, etype=0x88B5) for _ in range(n)]

    def eth_llc(self, n):
        return [self.eth(b"\x42\x42\x03" + b"\0" * 43, etype=46) for _ in range(n)]

    def eth_vlan(self, n):
        return [bytes(Ether(src=self.lm, dst=self.om) / Dot1Q(vlan=5, type=0x0800) / Raw(self.ip(icmp_echo()))) for _ in range(n)]

    def eth_unicast_ip_in_broadcast(self, n):
        return [self.eth(self.ip(icmp_echo()), dst="ff:ff:ff:ff:ff:ff") for _ in range(n)]

    # IPv4 header
    def ip_bad_checksum(self, n):
        return [self.echo_frame(bad_checksum=True) for _ in range(n)]

    def ip_bad_version(self, n):
        return [self.echo_frame(version=6) for _ in range(n)]

    def ip_ihl_below_5(self, n):
        return [self.echo_frame(ihl=i % 5) for i in range(n)]

    def ip_ihl_beyond_frame(self, n):
        # IHL 15 (60 bytes) in a 28-byte packet
        return [self.eth(self.ip(icmp_echo(data=b""), ihl=15)) for _ in range(n)]

    def ip_ihl_beyond_total_length(self, n):
        # IHL 15 (60 bytes), total length 28, 80 bytes present
        return [self.eth(self.ip(icmp_echo(data=b"x" * 52), ihl=15, total=28)) for _ in range(n)]

    def ip_total_length_beyond_frame(self, n):
        return [self.eth(self.ip(icmp_echo(), total=1500)) for _ in range(n)]

    def ip_total_length_below_header(self, n):
        return [self.eth(self.ip(icmp_echo(), total=12 + (i % 8))) for i in range(n)]

    def ip_truncated_header(self, n):
        return [self.eth(self.ip(icmp_echo())[: 1 + (i % 19)]) for i in range(n)]

    def ip_reserved_flag(self, n):
        return [self.echo_frame(flags_frag=0x8000) for _ in range(n)]

    def ip_bad_options(self, n):
        # length 0; length beyond the options area (twice); a type byte with no length byte
        opts = [b"\x07\x00\x00\x00", b"\x44\x28\x05\x00", b"\x83\x07\x04\x00", b"\x01\x01\x01\x07"]
        return [self.echo_frame(options=opts[i % len(opts)], ihl=6) for i in range(n)]

    def ip_ttl_0(self, n):
        return [self.echo_frame(ttl=0) for _ in range(n)]

    def ip_src_limited_broadcast(self, n):
        return [self.echo_frame(src="255.255.255.255") for _ in range(n)]

    def ip_src_multicast(self, n):
        return [self.echo_frame(src="224.0.0.%d" % (1 + i % 250)) for i in range(n)]

    def ip_src_class_e(self, n):
        return [self.echo_frame(src="240.0.0.1") for _ in range(n)]

    def ip_src_loopback(self, n):
        return [self.echo_frame(src="127.0.0.1") for _ in range(n)]

    def ip_src_directed_broadcast(self, n):
        network = ".".join(self.oip.split(".")[:3])
        return [self.echo_frame(src=network + ".255") for _ in range(n)]

    def udp_src_directed_broadcast(self, n):
        network = ".".join(self.oip.split(".")[:3])
        data = bytes(IP(src=network + ".255", dst=self.oip) / UDP(sport=40000, dport=7) / Raw(b"reflect me"))
        return [self.eth(data) for _ in range(n)]

    def ip_src_network(self, n):
        network = ".".join(self.oip.split(".")[:3])
        return [self.echo_frame(src=network + ".0") for _ in range(n)]

    def ip_dst_loopback(self, n):
        return [self.echo_frame(dst="127.0.0.1") for _ in range(n)]

    def ip_unknown_protocol(self, n):
        return [self.eth(self.ip(b"\0" * 26, proto=253)) for _ in range(n)]

    # ICMP, UDP
    def icmp_bad_checksum(self, n):
        return [self.eth(self.ip(icmp_echo(bad_checksum=True))) for _ in range(n)]

    def icmp_truncated(self, n):
        return [self.eth(self.ip(b"\x08\x00\xf7")) for _ in range(n)]

    def udp_bad_checksum(self, n):
        return [self.eth(self.ip(self.udp(7, b"bad checksum", checksum=0x1234), proto=17)) for _ in range(n)]

    def udp_length_beyond_packet(self, n):
        return [self.eth(self.ip(self.udp(7, b"x" * 20, length=200), proto=17)) for _ in range(n)]

    def udp_length_below_8(self, n):
        return [self.eth(self.ip(self.udp(7, b"x" * 20, length=i % 8), proto=17)) for i in range(n)]

    def udp_truncated(self, n):
        return [self.eth(self.ip(b"\x9c\x40\x00", proto=17)) for _ in range(n)]

    def udp_ttl_0(self, n):
        # a valid datagram to the echo port with TTL 0: a host accepts it (RFC 1122 §3.2.1.7)
        data = bytes(IP(src=self.lip, dst=self.oip, ttl=0) / UDP(sport=40000, dport=7) / Raw(b"ttl zero"))
        return [self.eth(data) for _ in range(n)]

    # Fragments
    def frag_overlap(self, n):
        out = []
        for i in range(n):
            ident = self.next_id()
            if i % 2 == 0:
                out += [self.frag(ident, 0, b"A" * 24, True), self.frag(ident, 16, b"B" * 24, True)]
            else:  # teardrop: the second fragment lies inside the first
                out += [self.frag(ident, 0, b"A" * 32, True), self.frag(ident, 8, b"B" * 8, False)]
        return out

    def frag_overlap_then_rest(self, n):
        # overlap kills the datagram; the fragments that follow are absorbed as late fragments
        out = []
        for _ in range(n):
            ident = self.next_id()
            out += [self.frag(ident, 0, icmp_echo(data=b"C" * 16), True), self.frag(ident, 8, b"D" * 16, True),
                    self.frag(ident, 24, b"E" * 8, False)]
        return out

    def frag_duplicate(self, n):
        # each fragment of an echo request twice: reassembled once, one duplicate per datagram
        out = []
        for _ in range(n):
            ident = self.next_id()
            body = icmp_echo(data=b"F" * 40)  # 48 bytes
            first = self.frag(ident, 0, body[:24], True)
            out += [first, first, self.frag(ident, 24, body[24:], False)]
        return out

    def frag_bad_size(self, n):
        return [self.eth(self.ip(b"G" * 12, ident=self.next_id(), flags_frag=0x2000)) for _ in range(n)]

    def frag_too_long(self, n):
        return [self.frag(self.next_id(), 65512, b"H" * 16, True) for _ in range(n)]

    def frag_endless_one(self, n):
        # one datagram, fragments at increasing offsets for ever (MF always set)
        ident = self.next_id()
        return [self.frag(ident, 8 * i, b"I" * 8, True) for i in range(n)]

    def frag_endless_many(self, n):
        # a first fragment of n different datagrams, none ever completed
        return [self.frag(self.next_id(), 0, icmp_echo(data=b"J" * 1392), True) for _ in range(n)]

    def frag_far(self, n):
        # one fragment near the end of each of n datagrams: it costs its own size, not ~64 KB
        return [self.frag(self.next_id(), 64000, b"K" * 1400, True) for _ in range(n)]

    def frag_memory(self, n):
        # n fragments of 1400 bytes, 20 per datagram (28 KB held each), never completed
        out = []
        for i in range(n):
            if i % 20 == 0:
                ident = self.next_id()
            out.append(self.frag(ident, (i % 20) * 1400, b"M" * 1400, True))
        return out

    # ARP
    def arp(self, n, pad=0, hrd=1, pro=0x0800, hln=6, pln=4, op=1, sha=None, spa=None, tha=b"\0" * 6, tpa=None,
            cut=None, dst="ff:ff:ff:ff:ff:ff"):
        sha = sha if sha is not None else bytes.fromhex(self.lm.replace(":", ""))
        spa = spa if spa is not None else bytes(map(int, self.lip.split(".")))
        tpa = tpa if tpa is not None else bytes(map(int, self.oip.split(".")))
        body = struct.pack("!HHBBH", hrd, pro, hln, pln, op) + sha + spa + tha + tpa + b"\0" * pad
        if cut is not None:
            body = body[:cut]
        return [self.eth(body, etype=0x0806, dst=dst) for _ in range(n)]

    def arp_hln_0(self, n):
        return self.arp(n, hln=0)

    def arp_pln_0(self, n):
        return self.arp(n, pln=0)

    def arp_hln_8(self, n):
        return self.arp(n, hln=8, sha=b"\x02" * 8, tha=b"\0" * 8)

    def arp_hln_255(self, n):
        return self.arp(n, hln=255, pln=255, sha=b"\x02" * 255, spa=b"\x01" * 255, tha=b"\0" * 255, tpa=b"\0" * 255)

    def arp_pln_16(self, n):
        return self.arp(n, pln=16, spa=b"\x01" * 16, tpa=b"\x02" * 16)

    def arp_ptype_ipv6(self, n):
        return self.arp(n, pro=0x86DD, pln=16, spa=b"\x01" * 16, tpa=b"\x02" * 16)

    def arp_truncated(self, n):
        return self.arp(n, cut=20)

    def arp_lengths_beyond_frame(self, n):
        # address lengths that need 8 + 2*(200+4) bytes, in a 28-byte packet
        return self.arp(n, hln=200)

    def arp_hrd_6(self, n):
        return self.arp(n, hrd=6)

    def arp_op_3(self, n):
        return self.arp(n, op=3)

    def arp_sender_broadcast_mac(self, n):
        return self.arp(n, sha=b"\xff" * 6)

    def arp_sender_zero_mac(self, n):
        return self.arp(n, sha=b"\0" * 6)

    def arp_sender_multicast_ip(self, n):
        return self.arp(n, spa=bytes([224, 0, 0, 1]))

    def arp_sender_broadcast_ip(self, n):
        network = [int(x) for x in self.oip.split(".")[:3]]
        return self.arp(n, spa=bytes(network + [255]))

    def arp_trailing_bytes(self, n):
        # a valid request with 100 bytes after it: answered
        return self.arp(n, pad=100)


def case_names():
    return [m for m in dir(Cases) if "_" in m and m.split("_")[0] in ("eth", "ip", "icmp", "udp", "frag", "arp")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iface", required=True)
    ap.add_argument("--our-mac", required=True)
    ap.add_argument("--our-ip", required=True)
    ap.add_argument("--linux-mac", required=True)
    ap.add_argument("--linux-ip", required=True)
    ap.add_argument("--burst", type=int, default=64)
    ap.add_argument("--pause", type=float, default=0.01)
    a = ap.parse_args()
    serve(Cases(a), case_names, a.iface, a.burst, a.pause, settable=())


if __name__ == "__main__":
    main()
