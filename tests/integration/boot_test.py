#!/usr/bin/env python3
"""Boots a Cairn image under QEMU (through tools/cairn) and checks what it printed and
how it ended. Used by ctest; prints the console output so failures can be read.

  boot_test.py --image IMG [--machine M] [--cpu C] [--kernel-option K]...
               [--expect REGEX]... [--expect-in-order] [--reject REGEX]... [--status N]
               [--no-exit-device [--power-off]] [--run-option=ARG]... [-- app args]

--run-option=ARG: one more word for the `cairn run` command (repeatable, in order), for
devices: `--run-option=--rng`, `--run-option=--disk --run-option=disk.img`. Give it with
`=`, since ARG usually starts with `--`.

--power-off: without the exit device, require that the VM powers itself off (QEMU is
run without -no-reboot, so a reset instead of an ACPI power-off would loop and time out).

--host-clock REGEX: every output line matching REGEX, whose first group is a Unix time in
seconds (e.g. "realtime=([0-9.]+)"), must be within --host-clock-tolerance seconds
(default 2) of the host's clock when the line arrived; at least one line must match.
--timestamps: print each output line after the host time (seconds since the VM started)
at which it arrived, e.g. to see how long the guest really slept.
"""
import argparse
import os
import re
import shlex
import resource
import subprocess
import sys
import threading
import time

CAIRN = os.path.join(os.path.dirname(os.path.realpath(__file__)), "..", "..", "tools", "cairn")


def run_streaming(command, timeout):
    """subprocess.run(command, capture_output=True) that also notes the host's clock as
    each output line arrives. Returns (CompletedProcess, [(time.time(), line)])."""
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    arrivals = []

    def read():
        for line in iter(proc.stdout.readline, b""):
            arrivals.append((time.time(), line))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise
    reader.join()
    output = b"".join(line for _, line in arrivals)
    return subprocess.CompletedProcess(command, proc.returncode, output, b""), arrivals


def check_host_clock(patterns, tolerance, arrivals):
    """--host-clock: the guest's printed Unix times against the host's when they arrived."""
    failures = []
    for pattern in patterns:
        matches = 0
        for arrived, line in arrivals:
            m = re.search(pattern, line.decode(errors="replace"))
            if not m:
                continue
            matches += 1
            difference = float(m.group(1)) - arrived
            print(f"host clock: guest {float(m.group(1)):.3f} s, host {arrived:.3f} s, "
                  f"guest - host {difference:+.3f} s (tolerance {tolerance} s)")
            if abs(difference) > tolerance:
                failures.append(f"guest clock off by {difference:+.3f} s: {line.decode().strip()!r}")
        if not matches:
            failures.append(f"missing (for --host-clock): {pattern!r}")
    return failures


def main():
    argv = sys.argv[1:]
    app_args = []
    if "--" in argv:
        i = argv.index("--")
        argv, app_args = argv[:i], argv[i + 1:]
    p = argparse.ArgumentParser()
    p.add_argument("--image", required=True)
    p.add_argument("--machine", default="microvm")
    p.add_argument("--cpu")
    p.add_argument("--mem", default="64M")
    p.add_argument("--kernel-option", action="append", default=[])
    p.add_argument("--expect", action="append", default=[])
    p.add_argument("--expect-in-order", action="store_true")
    p.add_argument("--reject", action="append", default=[])
    p.add_argument("--status", type=int, default=0)
    p.add_argument("--timeout", type=float, default=120)
    p.add_argument("--no-exit-device", action="store_true")
    p.add_argument("--power-off", action="store_true")
    p.add_argument("--host-clock", action="append", default=[], metavar="REGEX")
    p.add_argument("--host-clock-tolerance", type=float, default=2.0, metavar="SECONDS")
    p.add_argument("--timestamps", action="store_true")
    p.add_argument("--run-option", action="append", default=[], metavar="ARG")
    p.add_argument("--max-host-cpu", type=float, metavar="SECONDS",
                   help="fail when QEMU (and the cairn tool) used more host CPU time than "
                        "this: an idle guest must halt, not spin")
    args = p.parse_args(argv)

    run = [sys.executable, CAIRN, "run", args.image, "--machine", args.machine,
           "--mem", args.mem, "--timeout", str(args.timeout)]
    if args.cpu:
        run += ["--cpu", args.cpu]
    for k in args.kernel_option:
        run += ["--kernel-option", k]
    if args.no_exit_device:
        run += ["--no-exit-device"]
    run += args.run_option
    if app_args:
        run += ["--"] + app_args
    if args.power_off:
        dry = subprocess.run(run + ["--dry-run"] if not app_args else
                             run[:run.index("--")] + ["--dry-run", "--"] + app_args,
                             capture_output=True, text=True, check=True).stdout
        run = [a for a in shlex.split(dry) if a != "-no-reboot"]
    print("$ " + " ".join(shlex.quote(a) for a in run), flush=True)
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        arrivals = []  # (host time, line), when the output is streamed
        if args.host_clock or args.timestamps:
            done, arrivals = run_streaming(run, args.timeout + 10)
        else:
            done = subprocess.run(run, stdin=subprocess.DEVNULL, capture_output=True,
                                  timeout=args.timeout + 10)
    except subprocess.TimeoutExpired:
        print(f"FAIL: the VM did not end within {args.timeout} s")
        return 1
    output = (done.stdout + done.stderr).decode(errors="replace").replace("\r\n", "\n")
    if args.timestamps and arrivals:
        start = arrivals[0][0]
        print("".join(f"[{t - start:9.3f}] {line.decode(errors='replace')}" for t, line in arrivals))
    else:
        print(output)
    status = done.returncode
    if args.power_off and status != 0:
        print(f"FAIL: QEMU exited with {status}; the VM did not power off cleanly")
        return 1

    failures = []
    if args.max_host_cpu is not None:
        cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        used = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
        print(f"host CPU time of the run: {used:.2f} s (limit {args.max_host_cpu} s)")
        if used > args.max_host_cpu:
            failures.append(f"used {used:.2f} s of host CPU, more than {args.max_host_cpu} s")
    if status != args.status:
        failures.append(f"exit status {status}, expected {args.status}")
    position = 0
    for pattern in args.expect:
        match = re.compile(pattern, re.M).search(output, position if args.expect_in_order else 0)
        if not match:
            failures.append(f"missing{' (in order)' if args.expect_in_order else ''}: {pattern!r}")
        elif args.expect_in_order:
            position = match.end()
    for pattern in args.reject:
        if re.search(pattern, output, re.M):
            failures.append(f"unexpected: {pattern!r}")
    failures += check_host_clock(args.host_clock, args.host_clock_tolerance, arrivals)
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
