#!/usr/bin/env python3
"""[M7] acceptance: a UDP server (recvfrom/sendto and recvmsg/sendmsg), from the host.

  accept_udp.py -- --image IMAGE [--machine M] [--mem 64M] [--timeout S]
  accept_udp.py --linux                          the same main.c as a Linux process

Boots the image on QEMU user networking with two UDP ports forwarded from 127.0.0.1,
then from several host sockets at once sends hundreds of datagrams of 0 to 1472 bytes
(one Ethernet frame) to each port and checks every answer: port A returns the bytes
reversed, port B an 8-byte header (length, FNV-1a) and the bytes. Then datagrams that
IP must fragment, up to 65507 bytes, both ways. A datagram that gets no answer is sent
again (UDP may drop one), at most 4 times. "QUIT" ends the server, whose counts must
cover what the host had answered, with no errors.
"""
import argparse
import concurrent.futures
import os
import random
import re
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.realpath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "examples_net"))
sys.dont_write_bytecode = True
import harness  # noqa: E402
from harness import check  # noqa: E402

PORT_A, PORT_B = 7100, 7101
SOCKETS_PER_PORT = 4
DATAGRAMS_PER_SOCKET = 100
TRIES = 5
REPLY_TIMEOUT = 1.0


def fnv1a(data):
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


def reversed_reply(data):
    return data[::-1]


def header_reply(data):
    return struct.pack(">II", len(data), fnv1a(data)) + data


class UdpTest:
    def __init__(self, port_a, port_b):
        self.ports = {"A": (port_a, reversed_reply), "B": (port_b, header_reply)}
        self.lock = threading.Lock()
        self.answered = {"A": [0, 0], "B": [0, 0]}  # datagrams, bytes
        self.sent = {"A": 0, "B": 0}  # datagrams sent, resends included
        self.resent = 0

    def exchange(self, sock, which, data, what):
        """Sends data until its answer arrives; late answers to earlier datagrams of
        this socket (after a resend) are skipped."""
        port, transform = self.ports[which]
        expected = transform(data)
        for attempt in range(TRIES):
            sock.sendto(data, ("127.0.0.1", port))
            with self.lock:
                self.sent[which] += 1
                self.resent += attempt > 0
            deadline = time.monotonic() + REPLY_TIMEOUT * (attempt + 1)
            while (left := deadline - time.monotonic()) > 0:
                sock.settimeout(left)
                try:
                    reply, peer = sock.recvfrom(70000)
                except socket.timeout:
                    break
                check(peer == ("127.0.0.1", port), f"{what}: an answer from {peer}")
                if reply == expected:
                    with self.lock:
                        self.answered[which][0] += 1
                        self.answered[which][1] += len(data)
                    return
                self.check_stale(which, reply, what)
        raise harness.TestFailure(f"{what}: no answer after {TRIES} tries")

    def check_stale(self, which, reply, what):
        """An answer that is not the one awaited must at least be well-formed (a late
        answer to an earlier datagram): a corrupted answer fails at once."""
        if which == "B":
            check(len(reply) >= 8, f"{what}: a {len(reply)}-byte answer")
            length, digest = struct.unpack(">II", reply[:8])
            check(length == len(reply) - 8 and digest == fnv1a(reply[8:]),
                  f"{what}: an answer whose header does not match its data")

    def many(self):
        """SOCKETS_PER_PORT sockets per port at once, DATAGRAMS_PER_SOCKET each."""
        def client(which, n):
            rng = random.Random(f"{which}{n}")
            sizes = [rng.randint(0, 1472) for _ in range(DATAGRAMS_PER_SOCKET)]
            sizes[:3] = [0, 1, 1472]
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.bind(("127.0.0.1", 0))
                for i, size in enumerate(sizes):
                    # A sequence number first, so that every datagram differs.
                    data = (struct.pack(">I", i) + rng.randbytes(size))[:size]
                    self.exchange(s, which, data,
                                  f"port {which} socket {n} datagram {i} ({size} bytes)")
            return sum(sizes)

        jobs = [(w, n) for w in "AB" for n in range(SOCKETS_PER_PORT)]
        with concurrent.futures.ThreadPoolExecutor(len(jobs)) as pool:
            futures = [pool.submit(client, w, n) for w, n in jobs]
        failures = [str(f.exception()) for f in futures if f.exception()]
        check(not failures, "\n  ".join([f"{len(failures)} sockets failed:"] + failures))
        total = sum(f.result() for f in futures)
        print(f"     {len(jobs)} sockets x {DATAGRAMS_PER_SOCKET} datagrams, {total} bytes "
              f"answered intact ({self.resent} resent)", flush=True)

    def fragmented(self):
        """Datagrams larger than one frame: IP fragments them on the way in and out."""
        rng = random.Random(7)
        sizes = [1473, 2000, 2953, 4000, 8000, 14000, 20000, 32000, 48000, 65000, 65507]
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
            for which in "AB":
                for size in sizes:
                    if which == "B" and size > 65507 - 8:
                        size = 65507 - 8  # the answer carries 8 bytes more
                    self.exchange(s, which, rng.randbytes(size), f"port {which}, {size} bytes")
        print(f"     fragmented datagrams of {sizes[0]} to {sizes[-1]} bytes answered intact "
              f"({self.resent} resent in all)", flush=True)

    def quit(self, server):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            for _ in range(5):
                s.sendto(b"QUIT", ("127.0.0.1", self.ports["A"][0]))
                status = server.wait(10)
                if status is not None:
                    break
        check(status == 0, f"the server ended with status {status}")
        m = re.search(r"^udp-server: port \d+: (\d+) datagrams, (\d+) bytes; port \d+: (\d+) "
                      r"datagrams, (\d+) bytes; (\d+) errors$", server.output(), re.M)
        check(m, "no final report from the server")
        a_n, a_b, b_n, b_b, errors = map(int, m.groups())
        check(errors == 0, f"the server counted {errors} errors")
        for which, (n, b) in (("A", (a_n, a_b)), ("B", (b_n, b_b))):
            answered, nbytes = self.answered[which]
            # Each datagram answered at least once, resends answered at most once more.
            check(answered <= n <= self.sent[which],
                  f"port {which}: the server answered {n} datagrams, the host got answers to "
                  f"{answered} and sent {self.sent[which]}")
            check(b >= nbytes, f"port {which}: the server counted {b} bytes, the host {nbytes}")
        print(f"     server: port A {a_n} datagrams, port B {b_n}; host sent "
              f"{self.sent['A']} and {self.sent['B']}", flush=True)


def stop(server):
    """SIGTERM first lets `cairn run` stop the VM cleanly; harness.Server.stop()
    then kills whatever of its session is left."""
    if server.process and server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(10)
        except subprocess.TimeoutExpired:
            pass
    server.stop()


def parse_args():
    argv = sys.argv[1:]
    boot = []
    if "--" in argv:
        i = argv.index("--")
        argv, boot = argv[:i], argv[i + 1:]
    p = argparse.ArgumentParser()
    p.add_argument("--linux", action="store_true")
    args = p.parse_args(argv)
    b = argparse.ArgumentParser()
    b.add_argument("--image")
    b.add_argument("--machine", default="microvm")
    b.add_argument("--mem", default="64M")
    b.add_argument("--timeout", type=float, default=120)
    args.boot = b.parse_args(boot)
    if bool(args.boot.image) == args.linux:
        p.error("give -- --image IMAGE, or --linux")
    return args


def main():
    args = parse_args()
    kinds = {"a": socket.SOCK_DGRAM, "b": socket.SOCK_DGRAM}
    banner = r"^udp-server: ready on ports"
    with tempfile.TemporaryDirectory(prefix="cairn-accept-net-") as tmp:
        if args.linux:
            binary = os.path.join(tmp, "udp-server")
            subprocess.run(["cc", "-O2", "-Wall", "-o", binary, os.path.join(HERE, "main.c")],
                           check=True)
            server = harness.Server(lambda p: [binary, str(p["a"]), str(p["b"])], kinds, banner, 10)
        else:
            server = harness.Server(
                lambda p: harness.guest_command(
                    args.boot.image, args.boot.machine, args.boot.mem,
                    [("udp", p["a"], PORT_A), ("udp", p["b"], PORT_B)],
                    [str(PORT_A), str(PORT_B)], timeout=args.boot.timeout),
                kinds, banner, 60)
        started = time.monotonic()
        try:
            server.start()
            t = UdpTest(server.ports["a"], server.ports["b"])
            harness.run_checks([
                ("datagrams from 8 sockets at once", t.many),
                ("fragmented datagrams up to 65507 bytes", t.fragmented),
                ("QUIT: counts agree, exit 0", lambda: t.quit(server)),
            ])
        except (harness.TestFailure, OSError) as e:
            print(f"FAIL: {type(e).__name__}: {e}")
            stop(server)
            print(server.output())
            return 1
        finally:
            stop(server)
        print(server.output())
        print(f"udp acceptance passed ({time.monotonic() - started:.1f} s)")
        return 0


if __name__ == "__main__":
    sys.exit(main())
