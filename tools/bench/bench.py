#!/usr/bin/env python3
"""Cairn's boot, size and memory benchmark (`make bench`).

Prints, with the machine and QEMU version:
  - guest boot time, measured inside the guest with the TSC: PVH entry -> main, and
    main's own run time, for hello (an image built with CONFIG_BOOT_TIME=y);
  - whole-process wall time of QEMU running hello on microvm against the floor kernel
    (tools/bench/floor.S) built in the same run, as a ratio of medians;
  - stripped image sizes of hello and hello-cxx;
  - the least guest RAM (-m) with which hello still runs.
  - heap allocators: the same mixed workload on the host for glibc malloc and Cairn's
    two allocator cores (tools/bench/alloc_bench.cpp, ratio to glibc), and in the guest
    (tools/bench/allocbench) the heap's fragmentation afterwards, for each allocator.
  - threads: thread create+join, yield switch, mutex hand-off and condvar round trip
    (tools/bench/threadbench), the same pthreads program in the guest and as a Linux
    process on one host CPU, as ratios; and how late 1/10/100 ms sleeps wake.
  - HTTP: wrk against examples/httpd in an 8 MiB guest, as a Linux process and in a
    Linux guest on the same QEMU settings (tools/bench/httpbench.py, linux_guest.py),
    with --httpd-build; --only-http runs just that part.
Every guest figure is measured under TCG (-cpu max), and under KVM too when a probe
shows hardware KVM really runs guests here.

  bench.py --build BUILD --bench-build BENCH_BUILD --tlsf-build TLSF_BUILD
           --device-build TEST_BUILD [--httpd-build HTTPD_BUILD] [--runs N]
           [--http-seconds S]
  bench.py --only-http --httpd-build HTTPD_BUILD [--http-seconds S]
"""
import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.realpath(__file__))
ROOT = os.path.realpath(os.path.join(HERE, "..", ".."))
CAIRN = os.path.join(ROOT, "tools", "cairn")
QEMU = "qemu-system-x86_64"
EXIT_DEVICE = "isa-debug-exit,iobase=0xf4,iosize=0x04"
BOOT_TIME = re.compile(r"boot-time entry-to-main-us=([0-9.]+) main-us=([0-9.]+) "
                       r"tsc-hz=(\d+) tsc-source=(\S+)")


def qemu_command(image, machine, accel, mem="64M"):
    cpu = "host" if accel == "kvm" else "max"
    return [QEMU, "-M", machine, "-accel", accel, "-cpu", cpu, "-m", mem, "-nodefaults",
            "-no-user-config", "-display", "none", "-serial", "stdio", "-no-reboot",
            "-kernel", image, "-device", EXIT_DEVICE]


def run_qemu(command, timeout=30):
    """Runs QEMU; returns (seconds, status, output). status None on timeout."""
    start = time.perf_counter()
    try:
        done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired as e:
        return time.perf_counter() - start, None, (e.stdout or b"").decode(errors="replace")
    return time.perf_counter() - start, done.returncode, done.stdout.decode(errors="replace")


def build_floor(directory):
    obj, elf = os.path.join(directory, "floor.o"), os.path.join(directory, "floor.elf")
    subprocess.run(["cc", "-c", "-o", obj, os.path.join(HERE, "floor.S")], check=True)
    subprocess.run(["ld", "-m", "elf_x86_64", "-Ttext=0x100000", "-e", "floor_start",
                    "-o", elf, obj], check=True)
    return elf


def machine_description():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    qemu = subprocess.run([QEMU, "--version"], capture_output=True, text=True).stdout
    return {
        "cpu": f"{model}, {os.cpu_count()} logical CPUs",
        "host": f"{platform.system()} {platform.release()}",
        "qemu": qemu.splitlines()[0] if qemu else "unknown",
    }


def kvm_usable():
    return subprocess.run([sys.executable, CAIRN, "probe-kvm"], capture_output=True).returncode == 0


def boot_times(image, machine, accel, runs):
    to_main, in_main, source = [], [], "?"
    for _ in range(runs):
        _, status, output = run_qemu(qemu_command(image, machine, accel))
        match = BOOT_TIME.search(output)
        if status != 1 or not match:
            raise SystemExit(f"bench: {image} did not report its boot time on {machine}/{accel}")
        to_main.append(float(match.group(1)))
        in_main.append(float(match.group(2)))
        source = match.group(4)
    return statistics.median(to_main), statistics.median(in_main), source


def wall_times(hello, floor, accel, runs):
    """Interleaves the two kernels so drift in the machine's load hits both alike."""
    hello_s, floor_s = [], []
    for _ in range(runs):
        for image, bucket in ((floor, floor_s), (hello, hello_s)):
            seconds, status, _ = run_qemu(qemu_command(image, "microvm", accel))
            if status != 1:
                raise SystemExit(f"bench: {image} failed under {accel} (status {status})")
            bucket.append(seconds)
    return statistics.median(hello_s) * 1000, statistics.median(floor_s) * 1000


def stripped_size(image):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "stripped")
        subprocess.run(["strip", "-o", out, image], check=True)
        return os.path.getsize(out)


def runs_in(image, kib):
    _, status, output = run_qemu(qemu_command(image, "microvm", "tcg", f"{kib}K"), timeout=10)
    return status == 1 and "Hello from Cairn!" in output


def least_ram_kib(image, step=128):
    """Binary search, in `step` KiB, for the least -m that runs hello to a clean exit."""
    low, high = 1024, 64 * 1024  # the image loads at 1 MiB: below that nothing can run
    if not runs_in(image, high):
        raise SystemExit("bench: hello does not run even with 64 MiB")
    while high - low > step:
        middle = (low + high) // 2 // step * step
        if runs_in(image, middle):
            high = middle
        else:
            low = middle
    return high


ALLOCBENCH = re.compile(r"allocbench: held=(\d+) in-use=(\d+) free=(\d+) blocks=(\d+)")


def host_allocators(tmp):
    binary = os.path.join(tmp, "alloc_bench")
    mm = os.path.join(ROOT, "kernel", "mm")
    subprocess.run(["g++", "-std=c++20", "-O2", "-I", os.path.join(mm, "include"),
                    "-I", os.path.join(mm, "src"), os.path.join(HERE, "alloc_bench.cpp"),
                    os.path.join(mm, "src", "size_class_heap.cpp"),
                    os.path.join(mm, "src", "tlsf.cpp"), "-o", binary], check=True)
    return subprocess.run([binary], capture_output=True, text=True, check=True).stdout


def guest_fragmentation(image):
    _, status, output = run_qemu(qemu_command(image, "microvm", "tcg", "256M"), timeout=300)
    match = ALLOCBENCH.search(output)
    if status != 1 or not match:
        raise SystemExit(f"bench: {image} failed (status {status})")
    held, in_use, free = (int(match.group(i)) for i in (1, 2, 3))
    return held, in_use, free


THREADBENCH = re.compile(r"threadbench: create-join-ns=(\d+) yield-switch-ns=(\d+) "
                         r"mutex-handoff-ns=(\d+) condvar-roundtrip-ns=(\d+)")
SLEEPBENCH = re.compile(r"threadbench: sleep-late-us 1ms=(-?\d+) 10ms=(-?\d+) 100ms=(-?\d+)")
THREAD_FIGURES = ("thread create+join", "yield switch", "mutex hand-off", "condvar round trip")


def thread_figures(output, what):
    ops, sleeps = THREADBENCH.search(output), SLEEPBENCH.search(output)
    if not ops or not sleeps:
        raise SystemExit(f"bench: threadbench ({what}) printed no figures:\n{output}")
    return [int(x) for x in ops.groups()], [int(x) for x in sleeps.groups()]


def host_threadbench(tmp, runs):
    """The same program as a Linux process, pinned to one CPU as the guest has one."""
    binary = os.path.join(tmp, "threadbench")
    subprocess.run(["cc", "-O2", "-pthread", "-o", binary,
                    os.path.join(HERE, "threadbench", "main.c")], check=True)
    command = (["taskset", "-c", "0"] if shutil.which("taskset") else []) + [binary]
    results = [thread_figures(subprocess.run(command, capture_output=True, text=True,
                                             check=True).stdout, "host") for _ in range(runs)]
    return median_figures(results)


def guest_threadbench(image, machine, accel, runs):
    results = []
    for _ in range(runs):
        _, status, output = run_qemu(qemu_command(image, machine, accel), timeout=300)
        if status != 1:
            raise SystemExit(f"bench: {image} failed on {machine} (status {status})")
        results.append(thread_figures(output, f"{machine} {accel}"))
    return median_figures(results)


def median_figures(results):
    ops = [statistics.median(r[0][i] for r in results) for i in range(4)]
    sleeps = [statistics.median(r[1][i] for r in results) for i in range(3)]
    return ops, sleeps


FSBENCH = re.compile(r"fsbench: chunk=(\d+) mib=(\d+) write-mib-s=([0-9.]+) read-mib-s=([0-9.]+)")
FSBENCH_ARGS = ["32", str(128 * 1024), "3"]  # MiB, bytes per read/write, rounds (best kept)


def fs_9p_throughput(build, accels):
    """9p share sequential throughput (tools/bench/fsbench): the guest writes (then fsyncs)
    and reads a file on a virtio-9p share of a host tmpfs directory; the same program runs
    on the host against that tmpfs directly."""
    image = os.path.join(build, "tools", "bench", "fsbench")
    tmpfs = "/dev/shm" if os.path.isdir("/dev/shm") else None
    print(f"\n9p share, sequential throughput (tools/bench/fsbench: {FSBENCH_ARGS[0]} MiB in "
          f"{int(FSBENCH_ARGS[1]) // 1024} KiB requests, best of {FSBENCH_ARGS[2]}; host: tmpfs)")
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory(dir=tmpfs) as share:
        binary = os.path.join(tmp, "fsbench")
        subprocess.run(["cc", "-O2", "-o", binary, os.path.join(HERE, "fsbench", "main.c")],
                       check=True)
        out = subprocess.run([binary, share] + FSBENCH_ARGS, capture_output=True, text=True,
                             check=True).stdout
        host = FSBENCH.search(out)
        if not host:
            raise SystemExit(f"bench: fsbench (host) printed no figures:\n{out}")
        host_write, host_read = float(host.group(3)), float(host.group(4))
        print(f"  host tmpfs      write {host_write:8.1f} MiB/s   read {host_read:8.1f} MiB/s")
        for accel in accels:
            for machine in ("microvm", "q35"):
                command = [sys.executable, CAIRN, "run", image, "--machine", machine,
                           "--accel", accel, "--mem", "128M", "--share", f"{share}:bench",
                           "--kernel-option", "vfs.mount=bench:/mnt/bench:9p",
                           "--", "/mnt/bench"] + FSBENCH_ARGS
                done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True,
                                      text=True, timeout=600)
                guest = FSBENCH.search(done.stdout)
                if done.returncode != 0 or not guest:
                    raise SystemExit(f"bench: fsbench failed on {machine} {accel} "
                                     f"(status {done.returncode}):\n{done.stdout}{done.stderr}")
                write, read = float(guest.group(3)), float(guest.group(4))
                print(f"  {accel:3} {machine:8}    write {write:8.1f} MiB/s   read {read:8.1f} MiB/s"
                      f"   ({write / host_write:.2f}x / {read / host_read:.2f}x of the host)")


def block_io(build, accels):
    """Block I/O (virtio-blk, M5): tools/bench/blockbench in the guest against the same
    scratch disk image read and written by the host with O_DIRECT (blockbench/host.py)."""
    sys.path.insert(0, os.path.join(HERE, "blockbench"))
    import host as blockbench_host  # noqa: E402
    image = os.path.join(build, "tools", "bench", "blockbench")
    print("\nBlock I/O, sequential, one request at a time, 64 MiB scratch disk "
          "(guest: virtio-blk, QEMU cache=writeback; host: O_DIRECT)")
    # Scratch space in the build directory: /tmp may be a tmpfs, which refuses O_DIRECT.
    for line in blockbench_host.report(CAIRN, image, build, accels):
        print(f"  {line}")


VFSBENCH = re.compile(r"vfsbench: files=(\d+) (.*)$", re.M)
VFSBENCH_ARGS = ["5000", "3"]  # files, rounds (best kept)


def vfs_rates(build, accels):
    """File create/write/read/stat/unlink rates and sequential throughput on ramfs
    (tools/bench/vfsbench in the guest, /tmp) against the same program on the host's
    tmpfs, as ratios."""
    image = os.path.join(build, "tools", "bench", "vfsbench")

    def figures(output, what):
        m = VFSBENCH.search(output)
        if not m:
            raise SystemExit(f"bench: vfsbench ({what}) printed no figures:\n{output}")
        return dict((k, float(v)) for k, v in (f.split("=") for f in m.group(2).split()))

    tmpfs = "/dev/shm" if os.path.isdir("/dev/shm") else None
    print(f"\nFiles on ramfs (tools/bench/vfsbench: {VFSBENCH_ARGS[0]} files of 4 KiB, then one "
          f"64 MiB file; best of {VFSBENCH_ARGS[1]}; host: the same program on tmpfs)")
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory(dir=tmpfs) as shm:
        binary = os.path.join(tmp, "vfsbench")
        subprocess.run(["cc", "-O2", "-o", binary, os.path.join(HERE, "vfsbench", "main.c")],
                       check=True)
        host = figures(subprocess.run([binary, shm] + VFSBENCH_ARGS, capture_output=True,
                                      text=True, check=True).stdout, "host")
    print("  " + " " * 13 + " ".join(f"{k:>15}" for k in host))
    print("  host tmpfs   " + " ".join(f"{v:15.0f}" for v in host.values()))
    for accel in accels:
        for machine in ("microvm", "q35"):
            command = [sys.executable, CAIRN, "run", image, "--machine", machine, "--accel", accel,
                       "--mem", "256M", "--", "/tmp"] + VFSBENCH_ARGS
            done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True,
                                  text=True, timeout=600)
            if done.returncode != 0:
                raise SystemExit(f"bench: vfsbench failed on {machine} {accel}:\n{done.stdout}")
            guest = figures(done.stdout, f"{machine} {accel}")
            print(f"  {accel:3} {machine:8} " + " ".join(f"{guest[k]:15.0f}" for k in host))
            print("      ratio    " + " ".join(f"{guest[k] / host[k]:14.2f}x" for k in host))


def http_wrk(httpd_build, accels, seconds=10):
    """HTTP (M7): wrk against examples/httpd in the guest (8 MiB, user networking), the
    same sources as a Linux process on the host, and in a Linux guest on the same QEMU
    settings (tools/bench/httpbench.py, tools/bench/linux_guest.py)."""
    sys.path.insert(0, HERE)
    import httpbench  # noqa: E402
    print(f"\nHTTP: wrk -t1 -c{httpbench.CONNECTIONS} -d{seconds}s --latency against "
          f"examples/httpd ({seconds} s per figure; latency in ms; ratios this / base)")
    print("  vhost-net: " + ("/dev/vhost-net exists, but " if os.path.exists("/dev/vhost-net")
                             else "no /dev/vhost-net; and ") +
          "QEMU user networking (slirp) cannot use it: not measured")
    for line in httpbench.report(CAIRN, httpd_build, accels, seconds,
                                 log=lambda text: print(f"  {text}", flush=True)):
        print(f"  {line}", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--build", help="build directory with the default configuration")
    p.add_argument("--bench-build", help="build directory with configs/bench.conf")
    p.add_argument("--tlsf-build", help="build directory with configs/bench-tlsf.conf")
    p.add_argument("--device-build",
                   help="build directory with configs/test.conf (the device drivers, 9p)")
    p.add_argument("--httpd-build",
                   help="build directory of the application repository examples/httpd")
    p.add_argument("--runs", type=int, default=15)
    p.add_argument("--only-http", action="store_true",
                   help="only the HTTP benchmark (needs only --httpd-build)")
    p.add_argument("--http-seconds", type=int, default=10, help="wrk's duration per figure")
    args = p.parse_args()
    needed = ["httpd_build"] if args.only_http else \
        ["build", "bench_build", "tlsf_build", "device_build"]
    missing = [n for n in needed if not getattr(args, n)]
    if missing:
        p.error("missing " + ", ".join("--" + n.replace("_", "-") for n in missing))

    m = machine_description()
    kvm = kvm_usable()
    accels = ["tcg"] + (["kvm"] if kvm else [])
    print("Cairn benchmark")
    print(f"  machine : {m['cpu']}; {m['host']}")
    print(f"  qemu    : {m['qemu']}")
    print(f"  kvm     : {'hardware KVM usable' if kvm else 'not usable here (TCG figures only)'}")
    print(f"  runs    : {args.runs} per figure (medians)")
    if args.only_http:
        http_wrk(args.httpd_build, accels, args.http_seconds)
        return
    hello = os.path.join(args.build, "examples", "hello", "hello")
    hello_cxx = os.path.join(args.build, "examples", "hello-cxx", "hello-cxx")
    timed_hello = os.path.join(args.bench_build, "examples", "hello", "hello")

    print("\nGuest boot time (TSC inside the guest, hello, median)")
    for accel in accels:
        for machine in ("microvm", "q35", "pc"):
            to_main, in_main, source = boot_times(timed_hello, machine, accel, args.runs)
            print(f"  {accel:3} {machine:8} entry->main {to_main:9.1f} us   main {in_main:9.1f} us"
                  f"   (TSC frequency: {source})")

    print("\nWhole-process wall time, QEMU -M microvm -kernel IMAGE (median)")
    with tempfile.TemporaryDirectory() as tmp:
        floor = build_floor(tmp)
        for accel in accels:
            hello_ms, floor_ms = wall_times(hello, floor, accel, args.runs)
            print(f"  {accel:3} hello {hello_ms:7.1f} ms   floor kernel {floor_ms:7.1f} ms"
                  f"   ratio {hello_ms / floor_ms:.2f}x")

    print("\nImage size (stripped)")
    for name, image in (("hello", hello), ("hello-cxx", hello_cxx)):
        print(f"  {name:10} {stripped_size(image) / 1024:7.1f} KiB")

    print("\nLeast guest RAM for hello (microvm, TCG)")
    print(f"  -m {least_ram_kib(hello)}K")

    print("\nHeap allocators, host workload (tools/bench/alloc_bench.cpp)")
    with tempfile.TemporaryDirectory() as tmp:
        for line in host_allocators(tmp).splitlines():
            print(f"  {line}")

    print("\nHeap fragmentation in the guest after the workload (tools/bench/allocbench)")
    for name, build in (("size classes", args.build), ("tlsf", args.tlsf_build)):
        held, in_use, free = guest_fragmentation(
            os.path.join(build, "tools", "bench", "allocbench"))
        print(f"  {name:12} held {held / 1048576:6.1f} MiB, in use {in_use / 1048576:6.1f} MiB,"
              f" free inside the heap {100 * free / held:4.1f}%")

    threadbench = os.path.join(args.build, "tools", "bench", "threadbench")
    thread_runs = max(3, args.runs // 5)
    print(f"\nThreads (tools/bench/threadbench, ns per operation, median of {thread_runs};"
          " host: Linux pthreads on one CPU)")
    with tempfile.TemporaryDirectory() as tmp:
        host_ops, host_sleeps = host_threadbench(tmp, thread_runs)
    for accel in accels:
        for machine in ("microvm", "q35"):
            ops, sleeps = guest_threadbench(threadbench, machine, accel, thread_runs)
            print(f"  {accel} {machine}:")
            for name, guest, host in zip(THREAD_FIGURES, ops, host_ops):
                print(f"    {name:20} guest {guest:8.0f}   host {host:8.0f}   ratio {guest / host:5.2f}x")
            print("    sleeps woke late by   guest " +
                  " ".join(f"{d}={v:.0f}us" for d, v in zip(("1ms", "10ms", "100ms"), sleeps)) +
                  "   host " +
                  " ".join(f"{d}={v:.0f}us" for d, v in zip(("1ms", "10ms", "100ms"), host_sleeps)))

    # 9p share throughput and block I/O need the drivers, which the default
    # configuration leaves out.
    fs_9p_throughput(args.device_build, accels)
    block_io(args.device_build, accels)

    # Files on ramfs (VFS work, M6).
    vfs_rates(args.build, accels)

    # HTTP (M7): wrk against examples/httpd.
    if args.httpd_build:
        http_wrk(args.httpd_build, accels, args.http_seconds)


if __name__ == "__main__":
    main()
