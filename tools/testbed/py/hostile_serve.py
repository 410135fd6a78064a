"""The command loop shared by the hostile-frame senders (hostile.py, hostile6.py).

Reads commands on stdin: "list", "send CASE [N]", "set KEY VALUE" (when the cases object accepts
it), "quit"; writes frames to the TAP with scapy's L2 socket in bursts, and answers one line each.
"""
import sys
import time

from scapy.all import conf


def serve(cases, case_names, iface, burst, pause, settable=()):
    sock = conf.L2socket(iface=iface)
    print("READY", flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "quit":
            break
        if words[0] == "list":
            print("CASES " + " ".join(case_names()), flush=True)
            continue
        if words[0] == "set" and len(words) == 3 and words[1] in settable:
            setattr(cases, words[1], words[2])
            print("SET %s %s" % (words[1], words[2]), flush=True)
            continue
        if words[0] == "send":
            name = words[1].replace("-", "_")
            n = int(words[2]) if len(words) > 2 else 20
            if name not in case_names():
                print("ERROR unknown case " + words[1], flush=True)
                continue
            try:
                frames = getattr(cases, name)(n)
            except Exception as e:  # a broken case must not kill the sender
                print("ERROR %s: %s" % (name, e), flush=True)
                continue
            for i, f in enumerate(frames):
                sock.send(f)
                if (i + 1) % burst == 0:
                    time.sleep(pause)
            print("SENT %s %d" % (words[1], len(frames)), flush=True)
            continue
        print("ERROR unknown command " + words[0], flush=True)
    sock.close()
