#!/usr/bin/env python3
"""[M7] acceptance: an edge-triggered epoll line server, from the host.

  accept_epoll.py [--oneshot] -- --image IMAGE [--machine M] [--mem 64M] [--timeout S]
  accept_epoll.py --linux [--oneshot]            the same main.c as a Linux process

Boots the image on QEMU user networking with a host port forwarded from 127.0.0.1,
opens 100 connections one after the other (each proven by a first line: slirp's
host-side listen backlog is 1), then all of them at once, each in one of five roles:
  pipelined  all its lines in one send, then the answers;
  pieces     lines cut into pieces at random places, sent with pauses;
  slow       long lines (up to 16 KiB) while reading the answers slowly, so that the
             server's sends fill up (EAGAIN) and it must stop reading and resume;
  half-close its lines, shutdown(SHUT_WR), then the answers up to the server's EOF;
  reset      lines (long ones for every other one, with a small receive buffer, so
             that the server is stuck sending) and a partial line, never reading, then
             close with SO_LINGER 0 (RST).
Every answer is checked ("LENGTH REVERSED\\n"). The server must then report no open
connection (STATS), answer QUIT with "bye open 0" and exit with 0.
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

GUEST_PORT = 7200
CLIENTS = 100
ROLES = ("pipelined", "pieces", "slow", "half-close", "reset")
TIMEOUT = 30
ALPHABET = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:-_"


def answer_for(line):
    return b"%d " % len(line) + line[::-1] + b"\n"


def text(rng, size):
    return bytes(rng.choice(ALPHABET) for _ in range(size))


def connect(port, rcvbuf=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.settimeout(TIMEOUT)
    s.connect(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


class LineReader:
    def __init__(self, sock):
        self.sock, self.buf = sock, b""

    def line(self):
        while b"\n" not in self.buf:
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                raise harness.TestFailure(f"no answer for {TIMEOUT} s")
            check(data, "the server closed the connection")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return line + b"\n"

    def eof(self):
        """True when nothing but the server's end of file follows."""
        while True:
            data = self.sock.recv(65536)
            if not data:
                return not self.buf
            self.buf += data


class EpollTest:
    def __init__(self, port, direct):
        self.port, self.direct = port, direct  # direct: a Linux process, no slirp between
        self.lock = threading.Lock()
        self.lines_checked = 0
        self.resets = 0
        self.clients = []
        self.stats_asked = 0  # STATS connections

    def count(self, n):
        with self.lock:
            self.lines_checked += n

    def check_answers(self, reader, lines, what):
        for i, line in enumerate(lines):
            got = reader.line()
            check(got == answer_for(line), f"{what}: line {i} ({len(line)} bytes) answered "
                  f"{got[:60]!r}...")
        self.count(len(lines))

    def open_all(self):
        for i in range(CLIENTS):
            role = ROLES[i % len(ROLES)]
            s = connect(self.port, rcvbuf=4096 if role == "reset" and i % 2 else None)
            reader = LineReader(s)
            hello = b"hello %d" % i
            s.sendall(hello + b"\n")
            self.check_answers(reader, [hello], f"client {i}")
            self.clients.append((s, reader, role))
        print(f"     {CLIENTS} connections open at once", flush=True)

    def client(self, i, barrier):
        try:
            return self.run_client(i, barrier)
        except (harness.TestFailure, OSError) as e:
            raise harness.TestFailure(f"client {i} ({self.clients[i][2]}): {e}")

    def run_client(self, i, barrier):
        s, reader, role = self.clients[i]
        rng = random.Random(i)
        what = f"client {i} ({role})"
        barrier.wait()
        if role == "pipelined":
            lines = [text(rng, rng.randint(0, 200)) for _ in range(50)]
            s.sendall(b"".join(l + b"\n" for l in lines))
            self.check_answers(reader, lines, what)
        elif role == "pieces":
            lines = [text(rng, rng.randint(0, 300)) for _ in range(20)]
            stream = b"".join(l + b"\n" for l in lines)
            # One line byte by byte, the rest in random pieces.
            cuts = list(range(1, len(lines[0]) + 2))
            at = cuts[-1]
            while at < len(stream):
                at += rng.randint(1, 120)
                cuts.append(min(at, len(stream)))
            previous = 0
            for cut in cuts:
                s.sendall(stream[previous:cut])
                previous = cut
                if rng.random() < 0.3:
                    time.sleep(rng.uniform(0.001, 0.02))
            self.check_answers(reader, lines, what)
        elif role == "slow":
            lines = [text(rng, rng.randint(4000, 16384)) for _ in range(20)]
            writer = threading.Thread(target=s.sendall, args=(b"".join(l + b"\n" for l in lines),))
            writer.start()
            time.sleep(0.5)  # let the answers pile up in the server
            for n, line in enumerate(lines):
                got = reader.line()
                check(got == answer_for(line), f"{what}: long line {n} answered wrongly")
                time.sleep(0.01)
            writer.join()
            self.count(len(lines))
        elif role == "half-close":
            lines = [text(rng, rng.randint(0, 2000)) for _ in range(30)]
            s.sendall(b"".join(l + b"\n" for l in lines))
            s.shutdown(socket.SHUT_WR)
            self.check_answers(reader, lines, what)
            check(reader.eof(), f"{what}: more than the answers, or no end of file")
        elif role == "reset":
            size = 8000 if i % 2 else 50
            lines = [text(rng, size) for _ in range(40)]
            s.sendall(b"".join(l + b"\n" for l in lines) + b"partial line without its end")
            time.sleep(rng.uniform(0.05, 0.5))
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            with self.lock:
                self.resets += 1
        s.close()
        return True

    def concurrent(self):
        barrier = threading.Barrier(CLIENTS, timeout=60)
        with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
            futures = [pool.submit(self.client, i, barrier) for i in range(CLIENTS)]
        failures = [str(f.exception()) for f in futures if f.exception()]
        check(not failures, "\n  ".join([f"{len(failures)} of {CLIENTS} clients failed:"]
                                        + failures))
        print(f"     {self.lines_checked} lines answered correctly, {self.resets} clients reset",
              flush=True)

    def command(self, line):
        with connect(self.port) as s:
            s.sendall(line + b"\n")
            reader = LineReader(s)
            answer = reader.line().decode().strip()
            if line == b"QUIT":
                s.shutdown(socket.SHUT_WR)
                check(reader.eof(), "more than one answer to QUIT, or no end of file")
            return answer

    def stats_and_quit(self, server):
        deadline = time.monotonic() + 20
        while True:
            answer = self.command(b"STATS")
            self.stats_asked += 1
            m = re.fullmatch(r"open (\d+) lines (\d+) resets (\d+)", answer)
            check(m, f"STATS answered {answer!r}")
            if m.group(1) == "0" or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        print(f"     server: {answer}", flush=True)
        check(m.group(1) == "0", f"{m.group(1)} connections of gone clients are still open")
        lines = int(m.group(2))
        check(lines >= self.lines_checked, f"the server answered {lines} lines, the host "
              f"checked {self.lines_checked}")
        answer = self.command(b"QUIT")
        check(answer == "bye open 0", f"QUIT answered {answer!r}")
        status = server.wait(30)
        check(status == 0, f"the server ended with status {status}")
        m = re.search(r"^epoll-lines: (\d+) connections served, (\d+) lines answered, (\d+) "
                      r"resets, (\d+) errors; open at QUIT: 0$", server.output(), re.M)
        check(m, "no final report (or one with connections open)")
        served, _, resets, errors = map(int, m.groups())
        check(errors == 0, f"the server had {errors} errors")
        check(served == CLIENTS + self.stats_asked + 1,
              f"the server served {served} connections, the host made "
              f"{CLIENTS + self.stats_asked + 1}")
        if self.direct:
            check(resets == self.resets,
                  f"the server saw {resets} resets, the host sent {self.resets}")
        else:
            # slirp passes a client's RST on as a FIN when it finds it while writing the
            # guest's answers to the host socket (sowrite fails: sofcantsendmore): the
            # server then sees end of file. Most resets still arrive as resets.
            check(self.resets // 2 <= resets <= self.resets,
                  f"the server saw {resets} resets, the host sent {self.resets}")


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
    p.add_argument("--oneshot", action="store_true")
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
    kinds = {"tcp": socket.SOCK_STREAM}
    banner = r"^epoll-lines: listening on port"
    options = ["--oneshot"] if args.oneshot else []
    with tempfile.TemporaryDirectory(prefix="cairn-accept-net-") as tmp:
        if args.linux:
            binary = os.path.join(tmp, "epoll-lines")
            subprocess.run(["cc", "-O2", "-Wall", "-o", binary, os.path.join(HERE, "main.c")],
                           check=True)
            server = harness.Server(lambda p: [binary] + options + [str(p["tcp"])],
                                    kinds, banner, 10)
        else:
            server = harness.Server(
                lambda p: harness.guest_command(
                    args.boot.image, args.boot.machine, args.boot.mem,
                    [("tcp", p["tcp"], GUEST_PORT)], options + [str(GUEST_PORT)],
                    timeout=args.boot.timeout),
                kinds, banner, 60)
        started, t = time.monotonic(), None
        try:
            server.start()
            t = EpollTest(server.ports["tcp"], args.linux)
            harness.run_checks([
                (f"{CLIENTS} clients connected at once", t.open_all),
                ("all at once: pipelined, in pieces, slow, half-closed, reset", t.concurrent),
                ("no connection left, QUIT exits 0", lambda: t.stats_and_quit(server)),
            ])
        except (harness.TestFailure, OSError, threading.BrokenBarrierError) as e:
            print(f"FAIL: {type(e).__name__}: {e}")
            if t is not None and server.process.poll() is None:
                try:  # is the server still there for new connections?
                    print(f"     STATS answered: {t.command(b'STATS')!r}")
                except (harness.TestFailure, OSError) as e:
                    print(f"     STATS not answered: {e}")
            stop(server)
            print(server.output())
            return 1
        finally:
            stop(server)
        print(server.output())
        print(f"epoll acceptance passed ({time.monotonic() - started:.1f} s)")
        return 0


if __name__ == "__main__":
    sys.exit(main())
