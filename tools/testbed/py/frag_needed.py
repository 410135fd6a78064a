#!/usr/bin/python3
"""Sends one forged ICMP "fragmentation needed and DF set" (type 3 code 4, RFC 792 / RFC 1191 §4)
into a TAP from its Linux end, for the path MTU interop tests. Run with the Debian python
(/usr/bin/python3), which has scapy, inside the namespace.

usage: frag_needed.py --iface tap0 --src-mac M --dst-mac M --src IP --dst IP --mtu N
                      --quoted-src IP --quoted-dst IP [--quoted-length N]
The message comes from --src to --dst and reports next-hop MTU --mtu; it quotes the IPv4 header
(DF set, protocol UDP, total length --quoted-length) and first 8 bytes of a datagram from
--quoted-src to --quoted-dst. Prints "SENT" once the frame is written.
"""
import argparse
import struct

from hostile import ip_checksum, raw_ipv4
from scapy.all import Ether, Raw, conf, sendp

conf.verb = 0


def main():
    ap = argparse.ArgumentParser()
    for name in ("--iface", "--src-mac", "--dst-mac", "--src", "--dst", "--quoted-src", "--quoted-dst"):
        ap.add_argument(name, required=True)
    ap.add_argument("--mtu", type=int, required=True)
    ap.add_argument("--quoted-length", type=int, default=1428)
    a = ap.parse_args()
    udp8 = struct.pack("!HHHH", 40000, 7, a.quoted_length - 20, 0)
    quoted = raw_ipv4(a.quoted_src, a.quoted_dst, udp8, proto=17, total=a.quoted_length, flags_frag=0x4000, ident=0x5151)
    # Type 3 code 4: 2 unused bytes, then the next-hop MTU (RFC 1191 §4).
    icmp = struct.pack("!BBHHH", 3, 4, 0, 0, a.mtu & 0xFFFF) + quoted
    icmp = icmp[:2] + struct.pack("!H", ip_checksum(icmp)) + icmp[4:]
    packet = raw_ipv4(a.src, a.dst, icmp, proto=1)
    sendp(Ether(src=a.src_mac, dst=a.dst_mac, type=0x0800) / Raw(packet), iface=a.iface)
    print("SENT", flush=True)


if __name__ == "__main__":
    main()
