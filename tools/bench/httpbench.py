"""HTTP benchmark for `make bench` (bench.py's http_wrk): wrk against examples/httpd in
the guest (QEMU user networking, a host port forwarded from 127.0.0.1), against the
same sources built as a Linux process on the host, and against them in a Linux guest on
the same QEMU settings (tools/bench/linux_guest.py: Debian's cloud kernel, fetched into
the cache; skipped, with the reason printed, when it cannot be had), in the same run.

Per server: requests/s and latency percentiles (wrk --latency) for a small file
(index.html, 965 bytes) and the 64 KiB blob, the socket errors and non-2xx responses
wrk counted, and for the guest its RAM: QEMU's peak RSS during the run, and the page
allocator's figures the image prints when it ends (CONFIG_MEMORY_STATS in the
example's app.conf; the heap does not give pages back, so its size at the end is its
high-water mark); for the Linux guest QEMU's peak RSS and /proc/meminfo when the server
ends.
"""
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.realpath(__file__))
ROOT = os.path.realpath(os.path.join(HERE, "..", ".."))
EXAMPLE = os.path.join(ROOT, "examples", "httpd")
GUEST_PORT = 8080
GUEST_MEM = "8M"
# The Linux guest (Debian's cloud kernel): 72M runs out of memory while the kernel
# initialises, 76M boots and serves; 80M leaves a little margin. The kernel keeps ~35 MiB
# for itself (MemTotal 44 MiB with -m 80M).
LINUX_GUEST_MEM = "80M"
CONNECTIONS = 16
PATHS = ("/index.html", "/data/blob.bin")

LATENCY = re.compile(r"^\s+(50|75|90|99)%\s+([0-9.]+)(us|ms|s)\s*$", re.M)
RATE = re.compile(r"^Requests/sec:\s+([0-9.]+)", re.M)
SOCKET_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
NON_2XX = re.compile(r"Non-2xx or 3xx responses: (\d+)")
MEMORY = re.compile(r"cairn: memory: (\d+) KiB RAM, (\d+) KiB managed, (\d+) KiB free")
HEAP = re.compile(r"cairn: memory:\s+heap\s+(\d+) KiB")
LINUX_MEMORY = re.compile(r"linux-guest: memory: MemTotal (\d+) KiB, MemFree (\d+) KiB, "
                          r"MemAvailable (\d+) KiB")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(port, path, seconds):
    """One wrk run; returns requests/s, {percentile: ms}, errors, what the errors were."""
    out = subprocess.run(["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency",
                          f"http://127.0.0.1:{port}{path}"],
                         capture_output=True, text=True, timeout=seconds + 60).stdout
    rate = RATE.search(out)
    if not rate:
        raise SystemExit(f"bench: wrk printed no rate:\n{out}")
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    latency = {int(p): float(v) * scale[u] for p, v, u in LATENCY.findall(out)}
    socket_errors, non_2xx = SOCKET_ERRORS.search(out), NON_2XX.search(out)
    kinds = dict(zip(("connect", "read", "write", "timeout"),
                     (int(x) for x in socket_errors.groups()))) if socket_errors else {}
    kinds["non-2xx"] = int(non_2xx.group(1)) if non_2xx else 0
    detail = ", ".join(f"{k} {v}" for k, v in kinds.items() if v)
    return float(rate.group(1)), latency, sum(kinds.values()), detail


def wait_serving(port, process, within=120):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/hello.txt", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("bench: httpd did not start serving")


def child_pids(pid):
    """Direct children of pid, from /proc (QEMU is the child of `cairn run`)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    return found


def peak_rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            m = re.search(r"^VmHWM:\s+(\d+) kB", f.read(), re.M)
            return int(m.group(1)) if m else None
    except OSError:
        return None


def serve_and_measure(command, port, seconds, qemu_is_child=True):
    """Starts the server, runs wrk for each path, stops it with GET /__quit. Returns
    ({path: figures}, QEMU's peak RSS in KiB or None, the server's output, a problem or
    None). QEMU is the child of `cairn run`, or the command itself when not
    qemu_is_child. A server that stops answering is killed and the problem reported
    (the benchmark goes on)."""
    output = []
    problem = None
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    reader = threading.Thread(target=lambda: output.extend(process.stdout), daemon=True)
    reader.start()
    qemus = []
    try:
        try:
            wait_serving(port, process)
        except SystemExit as e:
            time.sleep(1)
            raise SystemExit(f"{e}; its output ended with:\n" + "".join(output)[-1500:])
        results = {path: wrk(port, path, seconds) for path in PATHS}
        qemus = child_pids(process.pid) if qemu_is_child else [process.pid]
        rss = [r for r in (peak_rss_kib(p) for p in qemus) if r]
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/__quit", timeout=10).read()
        except OSError as e:
            problem = f"GET /__quit after the wrk runs failed ({e})"
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            problem = (problem or "GET /__quit answered") + "; did not exit within 60 s: killed"
    finally:
        if process.poll() is None:
            for pid in [p for p in qemus if p != process.pid]:
                try:
                    os.kill(pid, 9)
                except OSError:
                    pass
            process.kill()
            process.wait()
        reader.join(5)
    return results, max(rss) if rss else None, "".join(output), problem


def format_figures(figures, bases=()):
    """figures as text, with ratios (this / base) against each (name, base figures)."""
    rate, latency, errors, detail = figures
    bases = [(name, base) for name, base in bases if base and base[0]]
    text = f"{rate:9.0f} req/s"
    if bases:
        text += " (" + ", ".join(f"{rate / base[0]:.2f}x {name}" for name, base in bases) + ")"
    text += "  p50/p90/p99 " + "/".join(f"{latency.get(p, float('nan')):.2f}" for p in (50, 90, 99))
    text += " ms"
    for name, base in bases:
        text += f" ({name} " + "/".join(f"{latency.get(p, 0) / base[1][p]:.1f}"
                                        for p in (50, 90, 99) if base[1].get(p)) + "x)"
    return text + f"  errors {errors}" + (f" ({detail})" if detail else "")


def guest_memory(output):
    m, heap = MEMORY.search(output), HEAP.search(output)
    if not m:
        return "no memory figures printed"
    ram, managed, free = (int(x) for x in m.groups())
    return (f"guest at exit: {managed - free} KiB of {ram} KiB in use"
            + (f", heap {heap.group(1)} KiB" if heap else ""))


def linux_guest_memory(output):
    m = LINUX_MEMORY.search(output)
    if not m:
        return "no memory figures printed"
    total, free, available = (int(x) for x in m.groups())
    return (f"guest at exit: MemTotal {total} KiB (what the kernel leaves), "
            f"{total - free} KiB of it in use, MemAvailable {available} KiB")


def linux_guests(httpd_build, accels, seconds, tmp, log):
    """{(accel, machine): (results, rss, output) or None}, and notes (str) to print."""
    sys.path.insert(0, HERE)
    import linux_guest  # noqa: E402
    try:
        guest = linux_guest.prepare(os.path.join(httpd_build, "www"), tmp,
                                    ["--test", str(GUEST_PORT), "/www"], log=log)
    except linux_guest.Unavailable as e:
        return {}, [f"Linux guest: not measured: {e}"]
    except Exception as e:  # never fail the whole benchmark over the comparison
        return {}, [f"Linux guest: not measured: {type(e).__name__}: {e}"]
    notes = [f"Linux guest: {guest.description}; -m {LINUX_GUEST_MEM}"]
    results = {}
    for accel in accels:
        for machine in ("microvm", "q35"):
            port = free_port()
            command = guest.command(machine, accel, LINUX_GUEST_MEM,
                                    f"hostfwd=tcp:127.0.0.1:{port}-:{GUEST_PORT}")
            try:
                results[(accel, machine)] = serve_and_measure(command, port, seconds,
                                                              qemu_is_child=False)
            except (SystemExit, Exception) as e:
                results[(accel, machine)] = None
                notes.append(f"Linux guest {accel} {machine}: failed: {e}")
    return results, notes


def report(cairn, httpd_build, accels, seconds=10, linux=True, log=print):
    """Yields the report's lines. linux=False leaves the Linux guest out."""
    image = os.path.join(httpd_build, "httpd")
    cpio = os.path.join(httpd_build, "httpd-site.cpio")
    www = os.path.join(httpd_build, "www")
    with tempfile.TemporaryDirectory() as tmp:
        binary = os.path.join(tmp, "httpd-linux")
        sources = sorted(os.path.join(EXAMPLE, "src", f)
                         for f in os.listdir(os.path.join(EXAMPLE, "src")) if f.endswith(".c"))
        subprocess.run(["cc", "-O2", "-o", binary] + sources, check=True)
        port = free_port()
        host = serve_and_measure([binary, "--test", str(port), www], port, seconds)[0]
        guests = {}
        for accel in accels:
            for machine in ("microvm", "q35"):
                port = free_port()
                command = [sys.executable, cairn, "run", image, "--machine", machine,
                           "--accel", accel, "--mem", GUEST_MEM, "--initrd", cpio,
                           "--net", f"user,hostfwd=tcp:127.0.0.1:{port}-:{GUEST_PORT}",
                           "--timeout", "600", "--", "--test", str(GUEST_PORT), "/www"]
                guests[(accel, machine)] = serve_and_measure(command, port, seconds)
        linux_results, notes = (linux_guests(httpd_build, accels, seconds, tmp, log)
                                if linux else ({}, ["Linux guest: left out (linux=False)"]))
    yield from notes
    for kind, runs in (("Cairn", guests), ("Linux", linux_results)):
        for (accel, machine), run in runs.items():
            if run and run[3]:
                yield f"{kind} guest {accel} {machine}: PROBLEM: {run[3]}"
    for path in PATHS:
        yield f"GET {path}"
        yield f"  host Linux process       {format_figures(host[path])}"
        for (accel, machine), (results, _, _, _) in guests.items():
            linux_run = linux_results.get((accel, machine))
            bases = [("host", host[path])]
            if linux_run:
                bases.append(("Linux guest", linux_run[0][path]))
            yield f"  {accel} {machine:8} Cairn guest {format_figures(results[path], bases)}"
        for (accel, machine), run in linux_results.items():
            if run:
                yield (f"  {accel} {machine:8} Linux guest "
                       f"{format_figures(run[0][path], [('host', host[path])])}")
    yield f"Guest RAM (Cairn -m {GUEST_MEM}, Linux -m {LINUX_GUEST_MEM})"
    for (accel, machine), (_, rss, output, _) in guests.items():
        rss_text = f"QEMU peak RSS {rss // 1024} MiB" if rss else "QEMU RSS unknown"
        yield f"  {accel} {machine:8} Cairn guest {rss_text}; {guest_memory(output)}"
    for (accel, machine), run in linux_results.items():
        if run:
            rss_text = f"QEMU peak RSS {run[1] // 1024} MiB" if run[1] else "QEMU RSS unknown"
            yield f"  {accel} {machine:8} Linux guest {rss_text}; {linux_guest_memory(run[2])}"
