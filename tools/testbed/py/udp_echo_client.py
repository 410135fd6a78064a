#!/usr/bin/env python3
"""UDP echo client for the interop tests: sends COUNT datagrams of varied sizes to HOST:PORT
(IPv4, or IPv6 when HOST contains a ":"; a link-local HOST takes its scope as fe80::1%tap0),
keeps up to WINDOW in flight, and checks that every echo comes back byte for byte.

usage: udp_echo_client.py HOST PORT COUNT [--seed N] [--window N] [--timeout S] [--sizes a,b,c]
Prints one JSON object: sent, echoed, lost, mismatched, bytes, sizes (min/max), elapsed seconds.
Exit status 0 when every datagram came back intact, 1 otherwise.
Datagrams of at least 4 bytes carry their sequence number first; shorter ones (0..3 bytes) are
sent one at a time, first, and matched by content.
"""
import argparse
import json
import random
import socket
import sys
import time

# Sizes around the interesting boundaries: empty, tiny, one Ethernet MTU of payload
# (1472 = 1500 - 20 - 8), one byte over it (two fragments), several fragments.
EDGE_SIZES = [0, 1, 2, 3, 4, 5, 7, 8, 17, 18, 64, 100, 512, 1000, 1024, 1400, 1471, 1472, 1473,
              1474, 1480, 1481, 2000, 2952, 2953, 2960, 3000, 4000, 4096, 5000, 8000, 8192, 8972,
              12000, 16000, 32000, 65507]
# The same for IPv6: one MTU of payload is 1452 (1500 - 40 - 8), a fragment carries 1448 bytes
# (1500 - 40 - 8 for the fragment header, rounded down to 8), the largest datagram 65527 bytes.
EDGE_SIZES_6 = [0, 1, 2, 3, 4, 5, 7, 8, 17, 18, 64, 100, 512, 1000, 1024, 1232, 1400, 1451, 1452,
                1453, 1454, 1448, 1449, 2000, 2888, 2889, 2896, 2897, 3000, 4000, 4096, 5000, 8000,
                8192, 8952, 12000, 16000, 32000, 65527]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("count", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--window", type=int, default=8)
    ap.add_argument("--timeout", type=float, default=3.0)
    ap.add_argument("--max-random", type=int, default=4500)
    args = ap.parse_args()

    ipv6 = ":" in args.host
    one_frame = 1452 if ipv6 else 1472
    rng = random.Random(args.seed)
    sizes = list((EDGE_SIZES_6 if ipv6 else EDGE_SIZES)[: args.count])
    while len(sizes) < args.count:
        # mostly small and single-frame, a good share fragmented
        sizes.append(rng.choice([rng.randint(4, 200), rng.randint(4, one_frame), rng.randint(one_frame + 1, args.max_random)]))
    payloads = []
    for seq, size in enumerate(sizes):
        body = bytes(rng.getrandbits(8) for _ in range(size))
        if size >= 4:
            body = seq.to_bytes(4, "big") + body[4:]
        payloads.append(body)

    sock = socket.socket(socket.AF_INET6 if ipv6 else socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    if ipv6 and "%" in args.host:
        addr, scope = args.host.split("%", 1)
        sock.connect((addr, args.port, 0, socket.if_nametoindex(scope)))
    else:
        sock.connect((args.host, args.port))
    start = time.monotonic()
    echoed = 0
    mismatched = []
    lost = []
    errors = []

    def recv(deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        sock.settimeout(left)
        try:
            return sock.recv(70000)
        except socket.timeout:
            return None

    # 1. the short ones, stop-and-wait
    small = [i for i, s in enumerate(sizes) if s < 4]
    for i in small:
        sock.send(payloads[i])
        got = recv(time.monotonic() + args.timeout)
        if got is None:
            lost.append(i)
        elif got != payloads[i]:
            mismatched.append(i)
        else:
            echoed += 1

    # 2. the rest, up to WINDOW in flight
    pending = {}  # seq -> deadline
    todo = [i for i, s in enumerate(sizes) if s >= 4]
    nxt = 0
    while nxt < len(todo) or pending:
        while nxt < len(todo) and len(pending) < args.window:
            i = todo[nxt]
            nxt += 1
            try:
                sock.send(payloads[i])
            except OSError as e:
                errors.append(f"{i}: {e}")
                lost.append(i)
                continue
            pending[i] = time.monotonic() + args.timeout
        if not pending:
            continue
        got = recv(min(pending.values()))
        if got is None:
            now = time.monotonic()
            for i in [i for i, d in pending.items() if d <= now]:
                del pending[i]
                lost.append(i)
            continue
        if len(got) < 4:
            mismatched.append(f"short echo of {len(got)} bytes")
            continue
        i = int.from_bytes(got[:4], "big")
        if i not in pending:
            mismatched.append(f"unexpected or duplicate echo {i}")
            continue
        del pending[i]
        if got == payloads[i]:
            echoed += 1
        else:
            mismatched.append(i)

    elapsed = time.monotonic() - start
    report = {
        "sent": len(sizes),
        "echoed": echoed,
        "lost": len(lost),
        "lostSizes": sorted(sizes[i] for i in lost)[:50],
        "mismatched": mismatched[:50],
        "errors": errors[:20],
        "bytes": sum(sizes),
        "minSize": min(sizes),
        "maxSize": max(sizes),
        "fragmented": sum(1 for s in sizes if s > one_frame),
        "elapsed": round(elapsed, 3),
    }
    print(json.dumps(report))
    return 0 if echoed == len(sizes) else 1


if __name__ == "__main__":
    sys.exit(main())
