#!/usr/bin/env python3
"""examples/httpd from the host: every file with curl (bytes compared), HEAD,
keep-alive, pipelining, HTTP/1.0, malformed and oversized requests, 100 concurrent
connections, clients that vanish mid-request or reset, an RST storm, thousands of short
connections, a full accept backlog and load from wrk and ab (no errors) -- then the
server must still serve every file, end cleanly on GET /__quit and report no leaked
descriptors (and, for a debug image, no pbufs, sockets or TCP pcbs left in lwIP).

  httpd_test.py --image IMAGE [--machine M] [--mem 8M]   the image under QEMU
  httpd_test.py --linux                                  the same sources as a Linux process

The guest is reached only through QEMU user networking with a host port forwarded
from 127.0.0.1. The site is made here with the example's mksite.py (the initrd for the
guest, the directory for Linux and for comparing what was served).
"""
import argparse
import concurrent.futures
import os
import re
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True
import harness  # noqa: E402
from harness import check  # noqa: E402
import http_client as http  # noqa: E402

EXAMPLE = os.path.join(harness.ROOT, "examples", "httpd")
GUEST_PORT = 8080
MAX_CONNECTIONS = 100
TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".txt": "text/plain; charset=utf-8", ".bin": "application/octet-stream"}


class HttpdTest:
    def __init__(self, port, www, short_connections):
        self.port, self.www, self.short = port, www, short_connections
        self.files = {}
        for directory, _, names in os.walk(www):
            for name in names:
                path = os.path.join(directory, name)
                with open(path, "rb") as f:
                    self.files["/" + os.path.relpath(path, www)] = f.read()
        check("/data/blob.bin" in self.files and len(self.files["/data/blob.bin"]) == 65536,
              "the site has no 64 KiB blob")

    def get(self, path, **kwargs):
        r, _ = http.exchange(self.port, http.request("GET", path, **kwargs))
        return r

    def wait_until_serving(self, within=30):
        """slirp accepts on the host before the guest does; retry until a GET works."""
        deadline = time.monotonic() + within
        while True:
            try:
                if self.get("/hello.txt").status == 200:
                    return
            except (OSError, ValueError):
                pass
            check(time.monotonic() < deadline, f"no answer within {within} s")
            time.sleep(0.2)

    # --- The checks -------------------------------------------------------------------

    def curl_every_file(self):
        targets = [(p, p) for p in self.files] + [("/", "/index.html"),
                                                  ("/about/", "/about/index.html"),
                                                  ("/about", "/about/index.html")]
        for target, path in targets:
            done = subprocess.run(["curl", "-sS", "--max-time", "60", "-o", "-", "-w",
                                   "\n%{http_code} %{content_type}",
                                   f"http://127.0.0.1:{self.port}{target}"],
                                  capture_output=True, timeout=90)
            check(done.returncode == 0, f"curl {target}: {done.stderr.decode()}")
            body, _, meta = done.stdout.rpartition(b"\n")
            status, _, ctype = meta.decode().partition(" ")
            check(status == "200", f"curl {target}: status {status}")
            check(body == self.files[path], f"curl {target}: {len(body)} bytes differ from "
                                            f"{path} ({len(self.files[path])} bytes)")
            want = TYPES[os.path.splitext(path)[1]]
            check(ctype == want, f"curl {target}: Content-Type {ctype!r}, expected {want!r}")

    def head(self):
        with http.connect(self.port) as s:
            reader = http.Reader(s)
            s.sendall(http.request("HEAD", "/data/blob.bin"))
            r = reader.response(head_only=True)
            check(r.status == 200 and r.header("content-length") == "65536",
                  f"HEAD: {r}")
            # No body followed: the next response starts right away.
            s.sendall(http.request("GET", "/hello.txt"))
            r = reader.response()
            check(r.status == 200 and r.body == self.files["/hello.txt"], f"after HEAD: {r}")

    def keep_alive(self):
        paths = sorted(self.files)
        with http.connect(self.port) as s:
            reader = http.Reader(s)
            for i in range(100):
                path = paths[i % len(paths)]
                s.sendall(http.request("GET", path))
                r = reader.response()
                check(r.status == 200 and r.body == self.files[path], f"request {i}: {r}")
                check(r.header("connection") is None, f"request {i}: {r.headers}")

    def pipelining(self):
        paths = (sorted(self.files) + ["/missing"]) * 5
        with http.connect(self.port) as s:
            s.sendall(b"".join(http.request("GET", p) for p in paths))
            reader = http.Reader(s)
            for i, path in enumerate(paths):
                r = reader.response()
                if path == "/missing":
                    check(r.status == 404, f"pipelined {i}: {r}")
                else:
                    check(r.status == 200 and r.body == self.files[path], f"pipelined {i}: {r}")

    def http_1_0(self):
        r, closed = http.exchange_and_close(
            self.port, http.request("GET", "/hello.txt", version="HTTP/1.0", host=False))
        check(r.status == 200 and r.header("connection") == "close", f"1.0: {r}")
        check(closed, "1.0 without keep-alive: the connection stayed open")
        with http.connect(self.port) as s:
            reader = http.Reader(s)
            for _ in range(3):
                s.sendall(http.request("GET", "/hello.txt", {"Connection": "keep-alive"},
                                       version="HTTP/1.0"))
                r = reader.response()
                check(r.status == 200 and r.header("connection") == "keep-alive", f"1.0: {r}")

    def errors(self):
        cases = [
            (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n", 400),
            (b"GET / HTTP/1.1\r\n\r\n", 400),                       # no Host
            (b"GET / HTTQ/1.1\r\nHost: x\r\n\r\n", 400),
            (b"GET  / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
            (b"GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400),           # space before the colon
            (b"GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400),
            (b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n", 400),
            (b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400),
            (http.request("GET", "/" + "a" * 9000), 414),
            (http.request("GET", "/", {f"X-Pad-{i}": "p" * 100 for i in range(200)}), 431),
            (http.request("GET", "/", {f"X-{i}": "1" for i in range(150)}), 431),
            (http.request("POST", "/", {"Content-Length": "10000000"}), 413),
            (http.request("GET", "/", version="HTTP/2.0"), 505),
            (http.request("GET", "/", {"Transfer-Encoding": "chunked"}), 501),
        ]
        for raw, status in cases:
            r, closed = http.exchange_and_close(self.port, raw)
            check(r.status == status, f"{raw[:60]!r}...: {r.status}, expected {status}")
            check(r.header("connection") == "close", f"{raw[:60]!r}: not closing: {r.headers}")
            check(closed, f"{raw[:60]!r}: the connection stayed open")
        # Errors that leave the connection usable: the request itself was well-formed.
        with http.connect(self.port) as s:
            reader = http.Reader(s)
            for raw, status in ((http.request("GET", "/missing"), 404),
                                # Well-formed requests for targets that are never served.
                                (http.request("GET", "/../../etc/passwd"), 400),
                                (http.request("GET", "/%2e%2e/%2e%2e/etc/passwd"), 400),
                                (http.request("GET", "/bad%zzescape"), 400),
                                (http.request("GET", "http://example.com/"), 400),
                                (http.request("POST", "/", {"Content-Length": "5"}, b"hello"), 405),
                                (http.request("DELETE", "/index.html"), 405),
                                (http.request("GET", "/index.html"), 200)):
                s.sendall(raw)
                r = reader.response()
                check(r.status == status, f"{raw[:40]!r}: {r}, expected {status}")
                if status == 405:
                    check(r.header("allow") == "GET, HEAD", f"405 without Allow: {r.headers}")

    def concurrent(self, count=100):
        """count connections open at once, all asking at the same time. They are opened
        one after the other, each proven by a first request: QEMU's slirp listens on the
        host with a backlog of 1, and a burst of connects overflows it (the host kernel
        then holds the handshakes back for 1, 3, 7... s), which would test slirp."""
        sockets = []
        try:
            for i in range(count):
                s = http.connect(self.port)
                sockets.append(s)
                s.sendall(http.request("GET", "/hello.txt"))
                r = http.Reader(s).response()
                check(r.status == 200, f"client {i}: {r}")
            barrier = threading.Barrier(count, timeout=120)

            def client(i):
                s = sockets[i]
                barrier.wait()  # all open before any asks again
                reader = http.Reader(s)
                for path in ("/style.css", "/data/blob.bin", "/index.html"):
                    s.sendall(http.request("GET", path))
                    r = reader.response()
                    check(r.status == 200 and r.body == self.files[path], f"client {i}: {r}")
                return True

            with concurrent.futures.ThreadPoolExecutor(count) as pool:
                results = list(pool.map(client, range(count)))
            check(all(results), "a concurrent client failed")
        finally:
            for s in sockets:
                s.close()

    def vanishing_clients(self):
        """One client at a time, each given a moment before the next connects: slirp
        accepts forwarded connections with a backlog of 1, and a client that connects
        again at once waits a second for its SYN to be retransmitted (docs/networking.md,
        "Load through QEMU user networking"); that measured slirp, not the server."""
        partial = b"GET /index.html HTTP/1.1\r\nHo"

        def paced(client):
            client()
            time.sleep(0.02)

        def fin_mid_request():
            with http.connect(self.port) as s:
                s.sendall(partial)

        def rst_mid_request():
            s = http.connect(self.port)
            s.sendall(partial)
            http.reset(s)

        def silent():
            http.connect(self.port).close()

        def rst_mid_response():
            s = http.connect(self.port)
            s.sendall(http.request("GET", "/data/blob.bin"))
            s.recv(100)
            http.reset(s)

        def never_reads():
            s = http.connect(self.port)
            s.sendall(http.request("GET", "/data/blob.bin") * 3)
            s.shutdown(2)
            s.close()

        for client, count in ((fin_mid_request, 30), (rst_mid_request, 30), (silent, 20),
                              (rst_mid_response, 20), (never_reads, 10)):
            for _ in range(count):
                paced(client)
        self.wait_until_serving()

    def rst_storm(self, count=300, threads=8):
        def storm(n):
            for _ in range(n):
                s = http.connect(self.port)
                s.sendall(http.request("GET", "/data/blob.bin"))
                http.reset(s)

        with concurrent.futures.ThreadPoolExecutor(threads) as pool:
            list(pool.map(storm, [count // threads] * threads))
        self.wait_until_serving()

    def short_connections(self):
        body = self.files["/hello.txt"]

        def run(n):
            ok = 0
            for _ in range(n):
                r, closed = http.exchange_and_close(
                    self.port, http.request("GET", "/hello.txt", {"Connection": "close"}))
                if r.status == 200 and r.body == body and closed:
                    ok += 1
            return ok

        # One at a time, for the reason given in concurrent(): each connection is set up,
        # used and closed before the next, which is the per-connection cost that matters.
        ok = run(self.short)
        check(ok == self.short, f"{ok} of {self.short} short connections ok")

    def full_backlog(self, idle=250):
        """More idle connections than the server takes (MAX_CONNECTIONS) and its backlog
        holds; once they are gone it must serve again."""
        sockets = []
        for _ in range(idle):
            try:
                sockets.append(http.connect(self.port, timeout=2))
            except OSError:
                break
            time.sleep(0.02)  # paced, as in vanishing_clients(), for slirp's backlog
        time.sleep(2)
        for s in sockets:
            s.close()
        self.wait_until_serving(within=60)

    def load(self):
        """wrk and ab, as users load a server: every request answered, no errors.
        --timeout 10s: slirp listens on the host with a backlog of 1, so of 16 connects
        at once most wait for the host to retransmit their SYN or its SYN-ACK (1, 2,
        3 s...), and wrk would count their first request as timed out at its default
        2 s (docs/networking.md, "Load through QEMU user networking")."""
        url = f"http://127.0.0.1:{self.port}/index.html"
        out = subprocess.run(["wrk", "-t1", "-c16", "-d5s", "--timeout", "10s", url],
                             capture_output=True,
                             text=True, timeout=60).stdout
        m = re.search(r"(\d+) requests in", out)
        check(m and int(m.group(1)) > 0, f"wrk made no requests:\n{out}")
        check("Socket errors" not in out and "Non-2xx" not in out, f"wrk saw errors:\n{out}")
        for options in (["-k"], []):  # keep-alive, then a connection per request
            out = subprocess.run(["ab", "-q", "-s", "60", "-n", "1000", "-c", "16"] + options
                                 + [url], capture_output=True, text=True, timeout=300).stdout
            for line in ("Complete requests:      1000", "Failed requests:        0"):
                check(line in out, f"ab {' '.join(options)}: no '{line}':\n{out}")
            check("Non-2xx" not in out, f"ab {' '.join(options)}: errors:\n{out}")

    def quit(self, server):
        r, _ = http.exchange(self.port, http.request("GET", "/__quit"))
        check(r.status == 200, f"/__quit: {r}")
        status = server.wait(60)
        check(status == 0, f"the server ended with status {status}")
        out = server.output()
        m = re.search(r"open descriptors before (\d+), after (\d+)", out)
        check(m and m.group(1) == m.group(2), "descriptors leaked (or no report)")
        check(re.search(r"^httpd: accepted=\d+ requests=\d+", out, re.M), "no statistics")
        m = re.search(r"connections open at the end: (\d+)", out)
        check(m and int(m.group(1)) <= 1, "connections of vanished clients were kept open")
        harness.check_lwip_leaks(out, self.guest)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--image")
    p.add_argument("--linux", action="store_true")
    p.add_argument("--machine", default="microvm")
    p.add_argument("--mem", default="8M")
    p.add_argument("--short", type=int, default=2000, help="short connections to make")
    args = p.parse_args()
    if bool(args.image) == args.linux:
        p.error("give --image or --linux")

    with harness.scratch_dir() as tmp:
        cpio = os.path.join(tmp, "site.cpio")
        subprocess.run([sys.executable, os.path.join(EXAMPLE, "mksite.py"),
                        os.path.join(EXAMPLE, "site"), tmp, cpio], check=True)
        www = os.path.join(tmp, "www")
        # Through slirp, connections are set up one at a time (its host-side listen
        # backlog is tiny, and refused SYNs are retried after 1, 3, 7 s...): 100 at
        # once can take long enough that the default idle timeout would close the
        # first ones before the last one connects.
        app_args = ["--test", "--max-connections", str(MAX_CONNECTIONS), "--idle-timeout", "120000"]
        if args.linux:
            binary = harness.build_linux(EXAMPLE, "httpd", tmp)
            server = harness.Server(lambda ports: [binary] + app_args + [str(ports["http"]), www],
                                    {"http": harness.socket.SOCK_STREAM}, r"^httpd: serving", 10)
        else:
            server = harness.Server(
                lambda ports: harness.guest_command(
                    args.image, args.machine, args.mem, [("tcp", ports["http"], GUEST_PORT)],
                    app_args + [str(GUEST_PORT), "/www"], initrd=cpio),
                {"http": harness.socket.SOCK_STREAM}, r"^httpd: serving", 120)
        try:
            server.start()
            t = HttpdTest(server.ports["http"], www, args.short)
            t.guest = not args.linux
            harness.run_checks([
                ("serving", t.wait_until_serving),
                ("curl every file", t.curl_every_file),
                ("HEAD", t.head),
                ("keep-alive", t.keep_alive),
                ("pipelining", t.pipelining),
                ("HTTP/1.0", t.http_1_0),
                ("malformed and oversized requests", t.errors),
                ("100 concurrent connections", t.concurrent),
                ("vanishing clients", t.vanishing_clients),
                ("RST storm", t.rst_storm),
                (f"{args.short} short connections", t.short_connections),
                ("full accept backlog", t.full_backlog),
                ("wrk and ab without errors", t.load),
                ("still serving every file", t.curl_every_file),
                ("quit without leaks", lambda: t.quit(server)),
            ])
        except (harness.TestFailure, OSError, ValueError) as e:
            print(f"FAIL: {type(e).__name__}: {e}")
            server.stop()
            print(server.output())
            return 1
        finally:
            server.stop()
        print(server.output())
        print("httpd test passed")
        return 0


if __name__ == "__main__":
    sys.exit(main())
