#!/usr/bin/env python3
"""[M5] acceptance: a program writes /dev/vda through POSIX calls; the host checks the
disk image byte for byte after the VM has ended.

  accept_disk.py --mode rw|readonly -- BOOT_TEST_ARGS...

Creates an 8 MiB disk image of random bytes, boots the image (boot_test.py: --image,
--machine, ... come from BOOT_TEST_ARGS) with it attached (`cairn run --disk`, or
`--disk-ro` for readonly), then compares every byte of the image with what main.c must
have left there: its 2 MiB at 1 MiB, the unaligned 10 bytes at 3 MiB + 1019, 100000
bytes at 5 MiB + 333, "TAIL" in the last 4 bytes -- and the host's bytes everywhere
else (readonly: nothing changed). rw also attaches a second disk, /dev/vdb, and
checks the 11 bytes written at 700.
"""
import argparse
import os
import random
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.realpath(__file__))
BOOT_TEST = os.path.join(HERE, "..", "..", "boot_test.py")
MIB = 1024 * 1024
SIZE = 8 * MIB
MASK = (1 << 64) - 1


def generate(length, seed):
    """main.c's generate(): xorshift64* words, little-endian."""
    x, words = seed, []
    for _ in range((length + 7) // 8):
        x ^= x >> 12
        x ^= (x << 25) & MASK
        x ^= x >> 27
        words.append((x * 2685821657736338717) & MASK)
    return struct.pack(f"<{len(words)}Q", *words)[:length]


def fnv1a64(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & MASK
    return h


def expected_image(original, mode):
    if mode == "readonly":
        return original
    image = bytearray(original)
    image[MIB:3 * MIB] = generate(2 * MIB, 1)
    image[3 * MIB + 1019:3 * MIB + 1029] = b"CAIRN-10B!"
    image[5 * MIB + 333:5 * MIB + 333 + 100000] = generate(100000, 2)
    image[SIZE - 4:] = b"TAIL"
    return bytes(image)


def main():
    argv = sys.argv[1:]
    if "--" not in argv:
        sys.exit("usage: accept_disk.py --mode rw|readonly -- BOOT_TEST_ARGS...")
    i = argv.index("--")
    p = argparse.ArgumentParser()
    p.add_argument("--mode", required=True, choices=("rw", "readonly"))
    args = p.parse_args(argv[:i])
    boot_args = argv[i + 1:]

    original = random.Random(11).randbytes(SIZE)
    expect = [
        f"^/dev/vda: block device, {SIZE} bytes, sector 512, st_blksize 512$",
        f"^host data: first 64 KiB fnv1a64 {fnv1a64(original[:65536]):016x}$",
        "^disk ok$",
    ]
    if args.mode == "rw":
        expect += ["^wrote 2 MiB and 10 bytes, synced$", "^read back ok$",
                   "^/dev/vdb: written$"]
    else:
        expect += ["^read-only disk: reads ok, writes refused$"]
    with tempfile.TemporaryDirectory(prefix="cairn-accept-disk-") as tmp:
        disk = os.path.join(tmp, "disk.img")
        with open(disk, "wb") as f:
            f.write(original)
        disk_option = "--disk-ro" if args.mode == "readonly" else "--disk"
        command = [sys.executable, BOOT_TEST, f"--run-option={disk_option}",
                   f"--run-option={disk}", "--reject", "FAIL|warning|panic|exception"]
        second = os.path.join(tmp, "second.img")
        if args.mode == "rw":  # /dev/vdb, 1 MiB of zeros
            with open(second, "wb") as f:
                f.write(bytes(MIB))
            command += ["--run-option=--disk", f"--run-option={second}"]
        for pattern in expect:
            command += ["--expect", pattern]
        command += boot_args + ["--"] + (["readonly"] if args.mode == "readonly" else [])
        status = subprocess.run(command).returncode
        with open(disk, "rb") as f:
            actual = f.read()
        if args.mode == "rw":
            with open(second, "rb") as f:
                if f.read() != bytes(700) + b"this is vdb" + bytes(MIB - 711):
                    print("FAIL: the second disk (vdb) does not hold what the guest wrote")
                    status = 1
                else:
                    print("host: the second disk (vdb) holds what the guest wrote")
    want = expected_image(original, args.mode)
    if actual == want:
        print(f"host: all {len(actual)} bytes of the disk image as expected")
        return 1 if status else 0
    if len(actual) != len(want):
        print(f"FAIL: the disk image is {len(actual)} bytes, expected {len(want)}")
        return 1
    bad = next(k for k in range(len(want)) if actual[k] != want[k])
    print(f"FAIL: the disk image differs first at byte {bad}: "
          f"{actual[bad:bad + 16].hex()} instead of {want[bad:bad + 16].hex()}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
