#!/usr/bin/env python3
"""examples/echo from the host: 1000 TCP round trips of 1-4000 bytes on one connection,
100 concurrent connections, UDP datagrams, clients that vanish or reset with data in
flight -- then it must still echo, end on a UDP "QUIT" and report no leaked descriptors.

  echo_test.py --image IMAGE [--machine M] [--mem 8M]   the image under QEMU
  echo_test.py --linux                                  the same sources as a Linux process

The guest is reached only through QEMU user networking with host ports (TCP and UDP)
forwarded from 127.0.0.1.
"""
import argparse
import concurrent.futures
import os
import random
import re
import socket
import sys
import threading

sys.dont_write_bytecode = True
import harness  # noqa: E402
from harness import check  # noqa: E402
import http_client  # noqa: E402  (connect, reset)

EXAMPLE = os.path.join(harness.ROOT, "examples", "echo")
GUEST_PORT = 7777


def recv_exactly(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        check(chunk, f"the server closed after {len(data)} of {n} bytes")
        data += chunk
    return data


class EchoTest:
    def __init__(self, tcp_port, udp_port):
        self.tcp_port, self.udp_port = tcp_port, udp_port

    def round_trips(self, sock, rng, count, max_size):
        for i in range(count):
            data = rng.randbytes(rng.randint(1, max_size))
            sock.sendall(data)
            check(recv_exactly(sock, len(data)) == data, f"round trip {i}: bytes differ")

    def tcp_1000(self):
        with http_client.connect(self.tcp_port) as s:
            self.round_trips(s, random.Random(1), 1000, 4000)

    def tcp_bulk(self):
        """More than any buffer holds, written while reading: flow control both ways."""
        data = random.Random(2).randbytes(1 << 20)
        with http_client.connect(self.tcp_port) as s:
            writer = threading.Thread(target=s.sendall, args=(data,))
            writer.start()
            received = recv_exactly(s, len(data))
            writer.join()
        check(received == data, "1 MiB echoed with differences")

    def concurrent(self, count=100):
        """count connections open at once, echoing at the same time; opened one after the
        other, each proven by a first round trip (see httpd_test.py: slirp's host-side
        listen backlog of 1 would otherwise be what is tested)."""
        sockets = []
        try:
            for i in range(count):
                sockets.append(http_client.connect(self.tcp_port))
                self.round_trips(sockets[-1], random.Random(i), 1, 100)
            barrier = threading.Barrier(count, timeout=120)

            def client(i):
                barrier.wait()
                self.round_trips(sockets[i], random.Random(100 + i), 10, 2000)
                return True

            with concurrent.futures.ThreadPoolExecutor(count) as pool:
                check(all(pool.map(client, range(count))), "a concurrent client failed")
        finally:
            for s in sockets:
                s.close()

    def udp(self, count=200):
        rng = random.Random(3)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(2)
            lost = 0
            for i in range(count):
                data = b"%05d:" % i + rng.randbytes(rng.randint(0, 1400))
                for _ in range(5):  # UDP may drop a datagram; the echo must not alter one
                    s.sendto(data, ("127.0.0.1", self.udp_port))
                    try:
                        reply = s.recv(65536)
                        while not reply.startswith(b"%05d:" % i):  # a late duplicate
                            reply = s.recv(65536)
                        break
                    except socket.timeout:
                        lost += 1
                else:
                    check(False, f"datagram {i}: no echo after 5 tries")
                check(reply == data, f"datagram {i}: echoed with differences")
            print(f"     {count} datagrams echoed ({lost} resent)")

    def vanishing(self):
        for i in range(50):  # data in flight, then RST
            s = http_client.connect(self.tcp_port)
            s.sendall(b"x" * 20000)
            http_client.reset(s)
        for i in range(50):  # data in flight, then FIN without reading
            with http_client.connect(self.tcp_port) as s:
                s.sendall(b"y" * 5000)
        for i in range(20):
            http_client.connect(self.tcp_port).close()
        with http_client.connect(self.tcp_port) as s:
            self.round_trips(s, random.Random(4), 20, 1000)

    def quit(self, server):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            for _ in range(5):
                s.sendto(b"QUIT", ("127.0.0.1", self.udp_port))
                status = server.wait(10)
                if status is not None:
                    break
        check(status == 0, f"the server ended with status {status}")
        out = server.output()
        m = re.search(r"open descriptors before (\d+), after (\d+)", out)
        check(m and m.group(1) == m.group(2), "descriptors leaked (or no report)")
        m = re.search(r"connections open at the end: (\d+)", out)
        check(m and m.group(1) == "0", "connections of gone clients were kept open")
        harness.check_lwip_leaks(out, self.guest)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--image")
    p.add_argument("--linux", action="store_true")
    p.add_argument("--machine", default="microvm")
    p.add_argument("--mem", default="8M")
    args = p.parse_args()
    if bool(args.image) == args.linux:
        p.error("give --image or --linux")
    kinds = {"tcp": socket.SOCK_STREAM, "udp": socket.SOCK_DGRAM}
    app_args = ["--test", "--max-connections", "128"]

    with harness.scratch_dir() as tmp:
        if args.linux:
            binary = harness.build_linux(EXAMPLE, "echo", tmp)
            # One port number for both protocols, as in the guest.
            kinds = {"tcp": socket.SOCK_STREAM}
            server = harness.Server(lambda ports: [binary] + app_args + [str(ports["tcp"])],
                                    kinds, r"^echo: TCP and UDP", 10)
        else:
            server = harness.Server(
                lambda ports: harness.guest_command(
                    args.image, args.machine, args.mem,
                    [("tcp", ports["tcp"], GUEST_PORT), ("udp", ports["udp"], GUEST_PORT)],
                    app_args + [str(GUEST_PORT)]),
                kinds, r"^echo: TCP and UDP", 120)
        try:
            server.start()
            t = EchoTest(server.ports["tcp"], server.ports.get("udp", server.ports["tcp"]))
            t.guest = not args.linux
            harness.run_checks([
                ("1000 TCP round trips", t.tcp_1000),
                ("1 MiB both ways at once", t.tcp_bulk),
                ("100 concurrent connections", t.concurrent),
                ("UDP echo", t.udp),
                ("vanishing and resetting clients", t.vanishing),
                ("quit without leaks", lambda: t.quit(server)),
            ])
        except (harness.TestFailure, OSError) as e:
            print(f"FAIL: {type(e).__name__}: {e}")
            server.stop()
            print(server.output())
            return 1
        finally:
            server.stop()
        print(server.output())
        print("echo test passed")
        return 0


if __name__ == "__main__":
    sys.exit(main())
