"""Starting a network example for a test: as a Cairn image under QEMU, reached only
through QEMU user networking with host ports forwarded from 127.0.0.1, or as a Linux
process built from the same sources (to check the test itself). Standard library only.
"""
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.realpath(__file__))
ROOT = os.path.realpath(os.path.join(HERE, "..", "..", ".."))
CAIRN = os.path.join(ROOT, "tools", "cairn")


class TestFailure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise TestFailure(message)


def free_port(kind=socket.SOCK_STREAM):
    """A port nothing listens on now (another process may take it before QEMU does:
    Server.start retries with new ports when forwarding fails)."""
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_linux(example_dir, name, out_dir):
    """The example's sources compiled for Linux with the host's compiler."""
    src = os.path.join(example_dir, "src")
    binary = os.path.join(out_dir, f"{name}-linux")
    sources = sorted(os.path.join(src, f) for f in os.listdir(src) if f.endswith(".c"))
    subprocess.run(["cc", "-O2", "-g", "-Wall", "-o", binary] + sources, check=True)
    return binary


class Server:
    """One run of a server. `command(ports)` gives the command line for a dict of
    forwarded ports; the server is up once a line matches `banner`."""

    def __init__(self, command, port_kinds, banner, start_timeout):
        self.command, self.port_kinds = command, port_kinds
        self.banner, self.start_timeout = re.compile(banner), start_timeout
        self.lines, self.process, self.ports = [], None, {}
        self.changed = threading.Condition()

    def _read(self, process):
        for raw in iter(process.stdout.readline, b""):
            with self.changed:
                self.lines.append(raw.decode(errors="replace").rstrip("\r\n"))
                self.changed.notify_all()
        with self.changed:
            self.changed.notify_all()

    def output(self):
        with self.changed:
            return "\n".join(self.lines)

    def start(self):
        for attempt in range(3):
            self.ports = {name: free_port(kind) for name, kind in self.port_kinds.items()}
            command = self.command(self.ports)
            print("$ " + " ".join(command), flush=True)
            self.lines = []
            # A session of its own, so that stop() ends QEMU with the `cairn run` above it.
            self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL,
                                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                            start_new_session=True)
            self.reader = threading.Thread(target=self._read, args=(self.process,), daemon=True)
            self.reader.start()
            deadline = time.monotonic() + self.start_timeout
            with self.changed:
                while not any(self.banner.search(l) for l in self.lines):
                    left = deadline - time.monotonic()
                    if left <= 0 or self.process.poll() is not None:
                        break
                    self.changed.wait(min(left, 0.2))
                up = any(self.banner.search(l) for l in self.lines)
            if up:
                return
            self.stop()
            if "host forwarding" in self.output() and attempt < 2:
                continue  # a port was taken in the meantime: new ports
            raise TestFailure(f"the server did not start:\n{self.output()}")

    def wait(self, timeout):
        """The exit status once the server ended by itself (None: still running)."""
        try:
            status = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        self.reader.join(10)  # the last lines (reports printed at exit)
        return status

    def stop(self):
        if self.process and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait()


def guest_command(image, machine, mem, forwards, app_args, initrd=None, timeout=600):
    """`cairn run` with one virtio-net card on user networking; forwards are
    (protocol, host port, guest port)."""
    rules = ",".join(f"hostfwd={proto}:127.0.0.1:{host}-:{guest}" for proto, host, guest in forwards)
    command = [sys.executable, CAIRN, "run", image, "--machine", machine, "--mem", mem,
               "--net", f"user,{rules}", "--timeout", str(timeout)]
    if initrd:
        command += ["--initrd", initrd]
    return command + ["--"] + app_args


def run_checks(checks):
    """Runs (name, function) pairs in order; the first failure ends the run."""
    for name, fn in checks:
        started = time.monotonic()
        fn()
        print(f"ok   {name} ({time.monotonic() - started:.1f} s)", flush=True)


def scratch_dir():
    return tempfile.TemporaryDirectory(prefix="cairn-examples-net-")


POOLS = re.compile(r"^lwip: in use at exit:(.*)$", re.M)
POOL = re.compile(r"(\w+) (\d+)/(\d+)(?: \((\d+) closing, (\d+) in TIME-WAIT\))?")


def check_lwip_leaks(output, guest):
    """A debug image (configs/debug.conf) prints lwIP's pools at exit: after the
    server closed everything, no pbuf may be held and no socket (netconn) or TCP pcb
    may remain beyond those lwIP is still closing or holding in TIME-WAIT. Linux
    processes and release images print no such line."""
    m = POOLS.search(output)
    if not guest:
        return
    check(m, "no 'lwip: in use at exit' line (the image should be a debug build)")
    used = {}
    for name, count, _, closing, time_wait in POOL.findall(m.group(1)):
        used[name] = int(count)
        if name == "TCP_PCB":
            check(int(count) == int(closing) + int(time_wait),
                  f"TCP pcbs leaked: {count} in use, {closing} closing, {time_wait} in TIME-WAIT")
    check(used.get("PBUF_POOL") == 0, f"pbufs leaked: {m.group(0)}")
    for pool in ("NETCONN", "TCP_PCB_LISTEN", "NETBUF"):
        check(used.get(pool, 0) == 0, f"{pool} leaked: {m.group(0)}")
