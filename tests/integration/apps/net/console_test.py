#!/usr/bin/env python3
"""boot_test.py with a virtio console port whose output QEMU writes to a file, then
checks that file: `--expect-port REGEX` (repeatable) must match a line of it,
`--reject-port REGEX` must not. Every other argument is boot_test.py's.

  console_test.py [--expect-port REGEX]... [--reject-port REGEX]... BOOT_TEST_ARGS"""
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.realpath(__file__)), "..", ".."))
import boot_test  # noqa: E402


def main():
    expect, reject, rest = [], [], []
    argv = sys.argv[1:]
    i = 0
    while i < len(argv):
        if argv[i] in ("--expect-port", "--reject-port") and i + 1 < len(argv):
            (expect if argv[i] == "--expect-port" else reject).append(argv[i + 1])
            i += 2
        elif argv[i] == "--":
            rest += argv[i:]
            break
        else:
            rest.append(argv[i])
            i += 1
    with tempfile.TemporaryDirectory(prefix="cairn-hvc-") as directory:
        port = os.path.join(directory, "hvc0.txt")
        split = rest.index("--") if "--" in rest else len(rest)
        sys.argv = [sys.argv[0]] + rest[:split] + [f"--run-option=--virtconsole={port}"] + rest[split:]
        status = boot_test.main()
        text = open(port, errors="replace").read() if os.path.exists(port) else ""
    print(f"--- what the host read from the virtio console port ({len(text)} bytes):")
    print(text if len(text) < 4000 else text[:2000] + "\n[...]\n" + text[-1500:])
    failures = [f"port: missing: {p!r}" for p in expect if not re.search(p, text, re.M)]
    failures += [f"port: unexpected: {p!r}" for p in reject if re.search(p, text, re.M)]
    for f in failures:
        print("FAIL: " + f)
    return 1 if status or failures else 0


if __name__ == "__main__":
    sys.exit(main())
