#!/usr/bin/env python3
"""Boots a Cairn image under QEMU (through tools/cairn) and checks what it printed and
how it ended. Used by ctest; prints the console output so failures can be read.

  boot_test.py --image IMG [--machine M] [--cpu C] [--kernel-option K]...
               [--expect REGEX]... [--expect-in-order] [--reject REGEX]... [--status N]
               [--no-exit-device [--power-off]] [-- app args]

--power-off: without the exit device, require that the VM powers itself off (QEMU is
run without -no-reboot, so a reset instead of an ACPI power-off would loop and time out).
"""
import argparse
import os
import re
import shlex
import subprocess
import sys

CAIRN = os.path.join(os.path.dirname(os.path.realpath(__file__)), "..", "..", "tools", "cairn")


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
    args = p.parse_args(argv)

    run = [sys.executable, CAIRN, "run", args.image, "--machine", args.machine,
           "--mem", args.mem, "--timeout", str(args.timeout)]
    if args.cpu:
        run += ["--cpu", args.cpu]
    for k in args.kernel_option:
        run += ["--kernel-option", k]
    if args.no_exit_device:
        run += ["--no-exit-device"]
    if app_args:
        run += ["--"] + app_args
    if args.power_off:
        dry = subprocess.run(run + ["--dry-run"] if not app_args else
                             run[:run.index("--")] + ["--dry-run", "--"] + app_args,
                             capture_output=True, text=True, check=True).stdout
        run = [a for a in shlex.split(dry) if a != "-no-reboot"]
    print("$ " + " ".join(shlex.quote(a) for a in run), flush=True)
    try:
        done = subprocess.run(run, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=args.timeout + 10)
    except subprocess.TimeoutExpired:
        print(f"FAIL: the VM did not end within {args.timeout} s")
        return 1
    output = (done.stdout + done.stderr).decode(errors="replace").replace("\r\n", "\n")
    print(output)
    status = done.returncode
    if args.power_off and status != 0:
        print(f"FAIL: QEMU exited with {status}; the VM did not power off cleanly")
        return 1

    failures = []
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
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
