#!/usr/bin/env python3
"""[M7] acceptance: a TCP echo server with a thread per connection, from the host.

  accept_tcp_echo.py [--clients 64] -- --image IMAGE [--machine M] [--mem 64M] [--timeout S]
  accept_tcp_echo.py --linux [--clients 64]      the same main.c as a Linux process

Boots the image on QEMU user networking with two host ports forwarded from 127.0.0.1
(echo and control), then:
  - opens --clients connections one after the other, each proven by a round trip
    (slirp's host-side listen backlog is 1: a burst of connects would test slirp),
  - has all of them exchange messages of random sizes up to 64 KiB at the same time,
    bytes compared,
  - half-closes: clients that send, shutdown(SHUT_WR) and read the echo up to EOF,
  - asks the control port until no connection is open, checks the server's count of
    connections and bytes against the host's, sends QUIT: the server must exit with 0.
"""
import argparse
import concurrent.futures
import os
import random
import re
import socket
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

ECHO_PORT, CONTROL_PORT = 7000, 7001
TIMEOUT = 30  # seconds for any single socket operation
MAX_MESSAGE = 64 * 1024


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def recv_exactly(sock, n):
    chunks, got = [], 0
    while got < n:
        try:
            chunk = sock.recv(min(n - got, 1 << 20))
        except socket.timeout:
            raise harness.TestFailure(f"no data for {TIMEOUT} s after {got} of {n} bytes")
        check(chunk, f"the server closed after {got} of {n} bytes")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def recv_to_eof(sock):
    chunks = []
    while True:
        chunk = sock.recv(1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


class EchoTest:
    def __init__(self, echo_port, control_port, clients):
        self.echo_port, self.control_port, self.clients = echo_port, control_port, clients
        self.connections = 0  # connections made by the host
        self.bytes = 0  # bytes sent by the host
        self.lock = threading.Lock()
        self.sockets = []

    def count(self, connections=0, sent=0):
        with self.lock:
            self.connections += connections
            self.bytes += sent

    def round_trip(self, sock, data):
        sock.sendall(data)
        self.count(sent=len(data))
        return recv_exactly(sock, len(data)) == data

    def open_clients(self):
        for i in range(self.clients):
            s = connect(self.echo_port)
            self.sockets.append(s)
            self.count(connections=1)
            check(self.round_trip(s, b"hello from client %d\n" % i),
                  f"client {i}: first echo differs")
        print(f"     {self.clients} connections open at once", flush=True)

    def concurrent(self, messages=16):
        """Every client at the same time: messages of 1 byte to 64 KiB (the first ones
        of client 0 and 1 of exactly 64 KiB and 1 byte)."""
        barrier = threading.Barrier(self.clients, timeout=60)

        def client(i):
            rng = random.Random(1000 + i)
            sizes = [rng.randint(1, MAX_MESSAGE) for _ in range(messages)]
            if i == 0:
                sizes[0] = MAX_MESSAGE
            if i == 1:
                sizes[0] = 1
            barrier.wait()
            total = 0
            for n, size in enumerate(sizes):
                try:
                    same = self.round_trip(self.sockets[i], rng.randbytes(size))
                except harness.TestFailure as e:
                    raise harness.TestFailure(f"client {i}, message {n} ({size} bytes): {e}")
                check(same, f"client {i}, message {n} ({size} bytes): echo differs")
                total += size
            return total

        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(self.clients) as pool:
            futures = [pool.submit(client, i) for i in range(self.clients)]
        failures = [str(f.exception()) for f in futures if f.exception()]
        check(not failures, f"{len(failures)} of {self.clients} clients failed:\n  "
              + "\n  ".join(failures))
        total = sum(f.result() for f in futures)
        elapsed = time.monotonic() - started
        print(f"     {self.clients} x {messages} messages, {total} bytes echoed intact "
              f"({total / elapsed / 1e6:.2f} MB/s each way)", flush=True)

    def close_clients(self):
        for s in self.sockets:
            s.close()
        self.sockets = []

    def half_close(self):
        """Send, shutdown(SHUT_WR), read the rest: the server must echo everything it got
        before the FIN, then close. A writer thread sends while the client reads."""
        sizes = [0, 1, 1000, 65536, 65537, 150000, 300000, 777]

        def client(i):
            data = random.Random(2000 + i).randbytes(sizes[i])
            with connect(self.echo_port) as s:
                self.count(connections=1)

                def write():
                    s.sendall(data)
                    s.shutdown(socket.SHUT_WR)

                writer = threading.Thread(target=write)
                writer.start()
                echo = recv_to_eof(s)
                writer.join()
            self.count(sent=len(data))
            check(echo == data, f"half-close {i}: {len(echo)} bytes back for {len(data)} sent"
                  f"{' (different bytes)' if len(echo) == len(data) else ''}")
            return len(data)

        # Connected one after the other (slirp's backlog), then all at once.
        with concurrent.futures.ThreadPoolExecutor(len(sizes)) as pool:
            futures = []
            for i in range(len(sizes)):
                futures.append(pool.submit(client, i))
                time.sleep(0.05)
            total = sum(f.result() for f in futures)
        print(f"     {len(sizes)} half-closed connections, {total} bytes echoed up to EOF",
              flush=True)

    def command(self, line):
        """One command; the server answers, shuts its side down and waits for ours."""
        with connect(self.control_port) as s:
            s.sendall(line.encode() + b"\n")
            return recv_to_eof(s).decode(errors="replace").strip()

    def stats_and_quit(self, server):
        deadline = time.monotonic() + 30
        while True:
            reply = self.command("STATS")
            m = re.fullmatch(r"open (\d+) served (\d+) bytes (\d+) errors (\d+)", reply)
            check(m, f"STATS answered {reply!r}")
            open_, served, echoed, errors = map(int, m.groups())
            if open_ == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        print(f"     server: {reply}", flush=True)
        check(open_ == 0, f"{open_} connections still open on the server")
        check(errors == 0, f"the server had {errors} failed connections")
        check(served == self.connections, f"the server served {served} connections, "
              f"the host made {self.connections}")
        check(echoed == self.bytes, f"the server echoed {echoed} bytes, the host sent {self.bytes}")
        check(self.command("QUIT") == "bye", "QUIT was not answered with bye")
        status = server.wait(30)
        check(status == 0, f"the server ended with status {status}")
        check(re.search(rf"^tcp-echo: served {served} connections, {echoed} bytes echoed, "
                        r"0 still open, 0 failed$", server.output(), re.M),
              "no final report (or a different one)")


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
    p.add_argument("--clients", type=int, default=64)
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
    kinds = {"echo": socket.SOCK_STREAM, "control": socket.SOCK_STREAM}
    banner = r"^tcp-echo: listening on ports"
    with tempfile.TemporaryDirectory(prefix="cairn-accept-net-") as tmp:
        if args.linux:
            binary = os.path.join(tmp, "tcp-echo")
            subprocess.run(["cc", "-O2", "-Wall", "-pthread", "-o", binary,
                            os.path.join(HERE, "main.c")], check=True)
            server = harness.Server(lambda p: [binary, str(p["echo"]), str(p["control"])],
                                    kinds, banner, 10)
        else:
            server = harness.Server(
                lambda p: harness.guest_command(
                    args.boot.image, args.boot.machine, args.boot.mem,
                    [("tcp", p["echo"], ECHO_PORT), ("tcp", p["control"], CONTROL_PORT)],
                    [str(ECHO_PORT), str(CONTROL_PORT)], timeout=args.boot.timeout),
                kinds, banner, 60)
        started, t = time.monotonic(), None
        try:
            server.start()
            t = EchoTest(server.ports["echo"], server.ports["control"], args.clients)
            harness.run_checks([
                (f"{args.clients} clients connected at once", t.open_clients),
                ("concurrent messages up to 64 KiB", t.concurrent),
                ("closing them", t.close_clients),
                ("half-closed connections", t.half_close),
                ("nothing left open, counts agree, QUIT exits 0", lambda: t.stats_and_quit(server)),
            ])
        except (harness.TestFailure, OSError, threading.BrokenBarrierError) as e:
            print(f"FAIL: {type(e).__name__}: {e}")
            if t is not None and server.process.poll() is None:
                try:  # is the server still there for new connections?
                    print(f"     the control port answers: {t.command('STATS')!r}")
                except OSError as e:
                    print(f"     the control port does not answer: {e}")
            stop(server)
            print(server.output())
            return 1
        finally:
            stop(server)
        print(server.output())
        print(f"tcp echo acceptance passed ({time.monotonic() - started:.1f} s)")
        return 0


if __name__ == "__main__":
    sys.exit(main())
