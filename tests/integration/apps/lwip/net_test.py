#!/usr/bin/env python3
"""Network boot tests with the host's side: boots the lwIP test image on QEMU user
networking (through boot_test.py) and talks to it from the host, only over 127.0.0.1.

  net_test.py --mode tcp|udp|dns -- BOOT_TEST_ARGS...

tcp: forwards a free host port to the guest's TCP echo server (tcp-server) and checks
     3 connections byte for byte (1 byte to 200 KiB).
udp: forwards a free host port to the guest's UDP echo server (udp-server) and checks
     50 datagrams of 1 to 1472 bytes, then "quit".
dns: answers DNS on 127.0.0.1:53 (which slirp's gateway 10.0.2.2 reaches) for
     cairn.test; the guest is configured statically with net.dns=10.0.2.2, so no query
     can leave the machine.
BOOT_TEST_ARGS are boot_test.py's (--image, --machine, --expect, ...); the network
device and the guest's subcommand are added here.
"""
import argparse
import os
import socket
import struct
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.realpath(__file__))
BOOT_TEST = os.path.join(HERE, "..", "..", "boot_test.py")
GUEST_PORT = 7
DNS_NAME, DNS_ANSWER = "cairn.test", "10.0.2.99"


def free_port(kind):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pattern(n, seed):
    return bytes((i * 7 + seed) & 0xFF for i in range(n))


def tcp_client(port, deadline, failures):
    sizes = [1, 1460, 200 * 1024]
    done = 0
    while done < len(sizes) and time.time() < deadline:
        data = pattern(sizes[done], done)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
                s.sendall(data)
                s.shutdown(socket.SHUT_WR)
                echo = b""
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    echo += chunk
        except OSError:
            time.sleep(0.2)
            continue
        if not echo:  # slirp accepted, but the guest was not listening yet
            time.sleep(0.2)
            continue
        if echo != data:
            failures.append(f"connection {done}: {len(echo)} bytes back, {len(data)} sent"
                            f"{'' if len(echo) != len(data) else ' (different bytes)'}")
            return
        print(f"host: connection {done}: {len(data)} bytes echoed intact", flush=True)
        done += 1
    if done < len(sizes):
        failures.append(f"only {done} of {len(sizes)} connections echoed")


def udp_client(port, deadline, failures):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.3)
        # Until the guest has bound its port, datagrams are lost: probe until one echoes.
        while time.time() < deadline:
            s.sendto(b"probe", ("127.0.0.1", port))
            try:
                if s.recvfrom(2048)[0] == b"probe":
                    break
            except OSError:
                pass
        else:
            failures.append("the guest's UDP server never answered")
            return
        s.settimeout(5)
        for i in range(50):
            data = pattern(1 + (i * 211) % 1472, i)
            s.sendto(data, ("127.0.0.1", port))
            try:
                echo = s.recvfrom(2048)[0]
            except OSError:
                failures.append(f"datagram {i}: no echo")
                return
            if echo != data:
                failures.append(f"datagram {i}: echo differs")
                return
        s.sendto(b"quit", ("127.0.0.1", port))
        print("host: 50 datagrams echoed intact", flush=True)


def dns_answer(query):
    """A reply to a standard query: A record for DNS_NAME, NXDOMAIN for anything else."""
    ident, flags = struct.unpack(">HH", query[:4])
    labels, i = [], 12
    while query[i]:
        labels.append(query[i + 1:i + 1 + query[i]].decode())
        i += 1 + query[i]
    question = query[12:i + 5]
    qtype = struct.unpack(">H", query[i + 1:i + 3])[0]
    found = ".".join(labels).lower() == DNS_NAME and qtype == 1
    header = struct.pack(">HHHHHH", ident, 0x8180 if found else 0x8183, 1, 1 if found else 0, 0, 0)
    answer = b""
    if found:
        answer = struct.pack(">HHHIH", 0xC00C, 1, 1, 60, 4) + socket.inet_aton(DNS_ANSWER)
    return header + question + answer


def dns_server(sock, stop, queries):
    sock.settimeout(0.2)
    while not stop.is_set():
        try:
            query, peer = sock.recvfrom(512)
        except OSError:
            continue
        queries.append(query)
        sock.sendto(dns_answer(query), peer)


def main():
    argv = sys.argv[1:]
    if "--" not in argv:
        sys.exit("usage: net_test.py --mode tcp|udp|dns -- BOOT_TEST_ARGS...")
    i = argv.index("--")
    p = argparse.ArgumentParser()
    p.add_argument("--mode", required=True, choices=("tcp", "udp", "dns"))
    args = p.parse_args(argv[:i])
    boot_args = argv[i + 1:]
    failures, threads = [], []
    deadline = time.time() + 60
    stop = threading.Event()
    if args.mode == "dns":
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            sock.bind(("127.0.0.1", 53))
        except OSError as e:
            print(f"cannot answer DNS on 127.0.0.1:53 ({e}); skipping")
            return 77
        queries = []
        threads.append(threading.Thread(target=dns_server, args=(sock, stop, queries)))
        net = "user"
        guest = ["dns", DNS_NAME]
        boot_args = ["--kernel-option", "net.ip=10.0.2.15/24", "--kernel-option", "net.gw=10.0.2.2",
                     "--kernel-option", "net.dns=10.0.2.2"] + boot_args
    else:
        kind = socket.SOCK_STREAM if args.mode == "tcp" else socket.SOCK_DGRAM
        port = free_port(kind)
        net = f"user,hostfwd={args.mode}:127.0.0.1:{port}-:{GUEST_PORT}"
        if args.mode == "tcp":
            guest = ["tcp-server", str(GUEST_PORT), "3"]
            threads.append(threading.Thread(target=tcp_client, args=(port, deadline, failures)))
        else:
            guest = ["udp-server", str(GUEST_PORT)]
            threads.append(threading.Thread(target=udp_client, args=(port, deadline, failures)))
    for t in threads:
        t.start()
    status = subprocess.run([sys.executable, BOOT_TEST, "--run-option=--net", f"--run-option={net}"]
                            + boot_args + ["--"] + guest).returncode
    stop.set()
    for t in threads:
        t.join()
    if args.mode == "dns":
        sock.close()
        print(f"host: {len(queries)} DNS queries answered")
        if not queries:
            failures.append("no DNS query reached the host")
    for f in failures:
        print("FAIL: " + f)
    return 1 if status or failures else 0


if __name__ == "__main__":
    sys.exit(main())
