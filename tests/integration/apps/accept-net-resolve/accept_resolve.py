#!/usr/bin/env python3
"""[M7] acceptance: a client resolving names, from the host's side.

  accept_resolve.py -- BOOT_TEST_ARGS...        (--image, --machine, ... of boot_test.py)

Answers DNS on the host's 127.0.0.1:53 (an A record 10.0.2.2 for NAME, NXDOMAIN for
anything else) and listens on a free TCP port of 127.0.0.1. The guest, addressed
statically with net.dns=10.0.2.2 (slirp's gateway, which is the host's 127.0.0.1, so
no query can leave the machine), resolves NAME, connects to it on that port and says
hello; the host answers and records what it heard. The guest must print what it
found, exit 0, and the host must have seen the queries and the connection.
Exits 77 (skipped) when 127.0.0.1:53 cannot be had.
"""
import ctypes
import os
import re
import socket
import struct
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.realpath(__file__))
BOOT_TEST = os.path.join(HERE, "..", "..", "boot_test.py")
NAME, ADDRESS = "echo.accept.test", "10.0.2.2"
MISSING = "nonexistent.accept.test"


def dns_answer(query):
    """A for NAME, an empty answer for its other types, NXDOMAIN for other names."""
    ident = struct.unpack(">H", query[:2])[0]
    labels, i = [], 12
    while query[i]:
        labels.append(query[i + 1:i + 1 + query[i]].decode())
        i += 1 + query[i]
    question = query[12:i + 5]
    qtype = struct.unpack(">H", query[i + 1:i + 3])[0]
    name = ".".join(labels).lower()
    if name != NAME:
        return struct.pack(">HHHHHH", ident, 0x8183, 1, 0, 0, 0) + question, name
    if qtype != 1:
        return struct.pack(">HHHHHH", ident, 0x8180, 1, 0, 0, 0) + question, name
    answer = struct.pack(">HHHIH", 0xC00C, 1, 1, 60, 4) + socket.inet_aton(ADDRESS)
    return struct.pack(">HHHHHH", ident, 0x8180, 1, 1, 0, 0) + question + answer, name


def dns_server(sock, stop, queries):
    sock.settimeout(0.2)
    while not stop.is_set():
        try:
            query, peer = sock.recvfrom(512)
        except OSError:
            continue
        try:
            reply, name = dns_answer(query)
        except (IndexError, struct.error, UnicodeDecodeError):
            queries.append("(malformed)")
            continue
        queries.append(name)
        sock.sendto(reply, peer)


def tcp_server(listener, stop, heard):
    listener.settimeout(0.2)
    while not stop.is_set():
        try:
            conn, _ = listener.accept()
        except OSError:
            continue
        with conn:
            conn.settimeout(10)
            data = b""
            try:
                while not data.endswith(b"\n"):
                    chunk = conn.recv(200)
                    if not chunk:
                        break
                    data += chunk
                line = data.decode(errors="replace").strip()
                heard.append(line)
                conn.sendall(b"hello guest, you said: " + line.encode() + b"\n")
            except OSError as e:
                heard.append(f"(failed: {e})")


def main():
    argv = sys.argv[1:]
    if not argv or argv[0] != "--":
        sys.exit("usage: accept_resolve.py -- BOOT_TEST_ARGS...")
    boot_args = argv[1:]
    dns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        dns.bind(("127.0.0.1", 53))
    except OSError as e:
        print(f"cannot answer DNS on 127.0.0.1:53 ({e}); skipping")
        return 77
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    port = listener.getsockname()[1]
    stop = threading.Event()
    queries, heard = [], []
    threads = [threading.Thread(target=dns_server, args=(dns, stop, queries)),
               threading.Thread(target=tcp_server, args=(listener, stop, heard))]
    for t in threads:
        t.start()
    # The host's own C library says what gai_strerror(EAI_NONAME) is on Linux.
    libc = ctypes.CDLL(None)
    libc.gai_strerror.restype = ctypes.c_char_p
    noname_text = libc.gai_strerror(socket.EAI_NONAME).decode()
    expect = [
        rf"^resolve: getaddrinfo {re.escape(NAME)} {port} -> {re.escape(ADDRESS)} port {port}$",
        rf"^resolve: the server said: hello guest, you said: hello from the guest, who found "
        rf"{re.escape(NAME)}$",
        rf"^resolve: gethostbyname {re.escape(NAME)} -> {re.escape(ADDRESS)} "
        rf"\({re.escape(NAME)}\)$",
        rf"^resolve: getaddrinfo {re.escape(MISSING)}: EAI_NONAME error {socket.EAI_NONAME}: "
        rf"{re.escape(noname_text)}$",
        rf"^resolve: gethostbyname {re.escape(MISSING)}: not found, h_errno HOST_NOT_FOUND$",
        r"^resolve: getaddrinfo 10\.0\.2\.2 http -> 10\.0\.2\.2 port 80$",
        r"^resolve: getaddrinfo ::1 443 -> ::1 port 443$",
        rf"^resolve: AI_NUMERICHOST {re.escape(NAME)}: EAI_NONAME$",
        r"^resolve: getaddrinfo localhost \d+ -> 127\.0\.0\.1 port \d+$",
        r"^resolve: localhost port \d+: connected, ping arrived$",
        r"^resolve: all done$",
    ]
    command = [sys.executable, BOOT_TEST, "--run-option=--net", "--run-option=user",
               "--kernel-option", "net.ip=10.0.2.15/24", "--kernel-option", "net.gw=10.0.2.2",
               "--kernel-option", "net.dns=10.0.2.2", "--reject", "FAIL|panic|warning"]
    for pattern in expect:
        command += ["--expect", pattern]
    try:
        status = subprocess.run(command + boot_args + ["--", NAME, str(port), MISSING]).returncode
    finally:
        stop.set()
        for t in threads:
            t.join()
        dns.close()
        listener.close()
    failures = []
    print(f"host: DNS queries for {sorted(set(queries))}; TCP heard {heard}")
    if NAME not in queries:
        failures.append(f"no DNS query for {NAME} reached the host")
    if MISSING not in queries:
        failures.append(f"no DNS query for {MISSING} reached the host")
    unexpected = set(queries) - {NAME, MISSING}
    if unexpected:
        failures.append(f"DNS queries for other names: {sorted(unexpected)}")
    if heard != [f"hello from the guest, who found {NAME}"]:
        failures.append(f"the host's server heard {heard}, not the guest's one hello")
    for f in failures:
        print("FAIL: " + f)
    return 1 if status or failures else 0


if __name__ == "__main__":
    sys.exit(main())
