#!/usr/bin/env python3
"""Block-device boot test with the host's side: creates disk images filled with the
pattern of pattern.h, boots the image with them attached (through boot_test.py), and
after the VM has ended checks every byte of every image against what the guest's
subcommand must have left there.

  disk_test.py --mode pattern|two|readonly|bounds|async [--size BYTES] -- BOOT_TEST_ARGS...

BOOT_TEST_ARGS are boot_test.py's (--image, --machine, --expect, ...); the disks and the
guest's subcommand are added here.
"""
import argparse
import os
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.realpath(__file__))
BOOT_TEST = os.path.join(HERE, "..", "..", "boot_test.py")
MIB = 1024 * 1024
A, B = 0x9E3779B97F4A7C15, 0xD1B54A32D192ED03
MASK = (1 << 64) - 1


def pattern(offset, length, seed):
    """The bytes [offset, offset + length) of a disk filled with pattern `seed`."""
    first = offset // 8
    words = [((first + i) * A + seed * B) & MASK for i in range(length // 8)]
    return struct.pack(f"<{len(words)}Q", *words)


def expected_images(mode, size):
    """(seed, read_only) for each disk, and a function giving each disk's final bytes."""
    if mode == "two":
        disks = [(1, False), (3, False)]

        def final(n):
            name = b"vda" if n == 0 else b"vdb"
            first = (name * 171)[:512]
            return first + pattern(512, size - 512, disks[n][0])
        return disks, final
    if mode == "pattern":
        def final(n):
            image = bytearray(pattern(0, size, 1))
            image[MIB:3 * MIB] = pattern(MIB, 2 * MIB, 2)
            image[3 * MIB + 1019:3 * MIB + 1029] = b"CAIRN-10B!"
            return bytes(image)
        return [(1, False)], final
    read_only = mode == "readonly"
    return [(1, read_only)], lambda n: pattern(0, size, 1)


def main():
    argv = sys.argv[1:]
    if "--" not in argv:
        sys.exit("usage: disk_test.py --mode MODE [--size BYTES] -- BOOT_TEST_ARGS...")
    i = argv.index("--")
    p = argparse.ArgumentParser()
    p.add_argument("--mode", required=True,
                   choices=("pattern", "two", "readonly", "bounds", "async"))
    p.add_argument("--size", type=int, default=4 * MIB)
    args = p.parse_args(argv[:i])
    boot_args = argv[i + 1:]

    disks, final = expected_images(args.mode, args.size)
    with tempfile.TemporaryDirectory(prefix="cairn-disk-") as tmp:
        paths, run_options = [], []
        for n, (seed, read_only) in enumerate(disks):
            path = os.path.join(tmp, f"disk{n}.img")
            with open(path, "wb") as f:
                f.write(pattern(0, args.size, seed))
            paths.append(path)
            run_options += ["--run-option=--disk-ro" if read_only else "--run-option=--disk",
                            f"--run-option={path}"]
        status = subprocess.run([sys.executable, BOOT_TEST] + run_options + boot_args +
                                ["--", args.mode]).returncode
        failures = 0
        for n, path in enumerate(paths):
            with open(path, "rb") as f:
                actual = f.read()
            want = final(n)
            if actual == want:
                print(f"disk {n}: all {len(actual)} bytes as expected")
                continue
            failures += 1
            if len(actual) != len(want):
                print(f"FAIL: disk {n} is {len(actual)} bytes, expected {len(want)}")
                continue
            bad = next(k for k in range(len(want)) if actual[k] != want[k])
            print(f"FAIL: disk {n} differs first at byte {bad}: "
                  f"{actual[bad:bad + 16].hex()} instead of {want[bad:bad + 16].hex()}")
    return 1 if status or failures else 0


if __name__ == "__main__":
    sys.exit(main())
