"""The host side of the block benchmark: the guest's sequence (tools/bench/blockbench/
main.cpp) on the same disk image file, with O_DIRECT (no page cache), one request at a
time; and the driver that runs both and compares them. Used by bench.py."""
import mmap
import os
import re
import subprocess
import sys
import time

FIGURE = re.compile(r"blockbench: (read|write) (\d+) requests=(\d+) bytes=(\d+) "
                    r"seconds=([0-9.]+) mib_s=([0-9.]+) mean_us=([0-9.]+) "
                    r"p50_us=([0-9.]+) p99_us=([0-9.]+)")
SIZES = (4096, 1024 * 1024)


def make_disk(path, mib):
    with open(path, "wb") as f:
        chunk = bytes(range(256)) * 4096
        for _ in range(mib):
            f.write(chunk)


def host_figures(path, budget):
    """{(op, size): (mib_s, mean_us, p50_us, p99_us)} with O_DIRECT on the host."""
    fd = os.open(path, os.O_RDWR | os.O_DIRECT)
    try:
        disk = os.fstat(fd).st_size
        buffer = mmap.mmap(-1, SIZES[-1])  # page-aligned, as O_DIRECT needs
        buffer.write(b"\x5a" * SIZES[-1])
        results = {}
        for op in ("write", "read"):
            for size in SIZES:
                view = [memoryview(buffer)[:size]]
                call = os.pwritev if op == "write" else os.preadv
                samples, n = [], 0
                start = time.perf_counter()
                while (n + 1) * size <= disk and time.perf_counter() - start < budget:
                    t0 = time.perf_counter()
                    if call(fd, view, n * size) != size:
                        raise OSError(f"short {op} at {n * size}")
                    samples.append(time.perf_counter() - t0)
                    n += 1
                seconds = time.perf_counter() - start
                samples.sort()
                results[(op, size)] = (n * size / seconds / 1048576,
                                       sum(samples) / n * 1e6, samples[n // 2] * 1e6,
                                       samples[n * 99 // 100] * 1e6)
                view[0].release()
        return results
    finally:
        os.close(fd)


def guest_figures(cairn, image, path, machine, accel, budget):
    done = subprocess.run([sys.executable, cairn, "run", image, "--machine", machine,
                           "--accel", accel, "--mem", "128M", "--timeout", "120",
                           "--disk", path, "--", str(budget)],
                          capture_output=True, text=True, timeout=180)
    results = {}
    for m in FIGURE.finditer(done.stdout):
        results[(m.group(1), int(m.group(2)))] = tuple(float(m.group(i)) for i in (6, 7, 8, 9))
    if done.returncode != 0 or len(results) != 4:
        raise RuntimeError(f"blockbench failed ({done.returncode}): {done.stdout}{done.stderr}")
    return results


def report(cairn, image, scratch_dir, accels, mib=64, budget=2.0):
    """Lines for bench.py: guest (per accelerator and machine) against host O_DIRECT."""
    path = os.path.join(scratch_dir, "blockbench-disk.img")
    make_disk(path, mib)
    lines = []
    try:
        host = host_figures(path, budget)
        for accel in accels:
            for machine in ("microvm", "q35"):
                guest = guest_figures(cairn, image, path, machine, accel, budget)
                lines.append(f"{accel} {machine}:")
                for op in ("write", "read"):
                    for size in SIZES:
                        g, h = guest[(op, size)], host[(op, size)]
                        label = f"{op} {'4 KiB' if size == 4096 else '1 MiB'}"
                        lines.append(
                            f"  {label:11} guest {g[0]:8.1f} MiB/s {g[1]:8.1f} us"
                            f" (p99 {g[3]:8.1f})   host {h[0]:8.1f} MiB/s {h[1]:8.1f} us"
                            f" (p99 {h[3]:8.1f})   throughput ratio {g[0] / h[0]:5.2f}x")
    finally:
        os.unlink(path)
    return lines
