#!/usr/bin/env python3
"""[M6] acceptance: files from an initrd, ramfs, pipes, dup, /dev/null and a 9p share.

  accept_files.py -- BOOT_TEST_ARGS...

Packs an initrd (cpio newc, as `find . | cpio -o -H newc` writes it) with text files, a
64 KiB binary, a symlink and a script; makes a host directory to share; boots the image
(boot_test.py: --image, --machine, ... come from BOOT_TEST_ARGS) with
`cairn run --initrd FILE --share DIR:share -k vfs.mount=share:/mnt:9p`; and after the VM
has ended checks on the host that every one of the 5000 lines the guest wrote is in
lines.txt, and that the guest's copy of the binary is byte for byte the initrd's.
"""
import os
import random
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.realpath(__file__))
BOOT_TEST = os.path.join(HERE, "..", "..", "boot_test.py")
LINES = 5000


def fnv1a64(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def cpio_newc(entries):
    """entries: (name, mode, data); returns the archive with its trailer."""
    out = bytearray()
    for ino, (name, mode, data) in enumerate(entries + [("TRAILER!!!", 0, b"")], start=1):
        encoded = name.encode() + b"\0"
        fields = (ino, mode, 0, 0, 1, 1700000000, len(data), 0, 0, 0, 0, len(encoded), 0)
        out += b"070701" + b"".join(b"%08X" % v for v in fields) + encoded
        out += b"\0" * (-len(out) % 4) + data
        out += b"\0" * (-len(out) % 4)
    return bytes(out + b"\0" * (-len(out) % 512))


def line(i):
    return f"line {i:04d} of {LINES}: written by the guest through 9p"


def check_share(share, blob):
    failures = []
    try:
        with open(os.path.join(share, "lines.txt")) as f:
            text = f.read()
    except OSError as e:
        return [f"lines.txt: {e}"]
    lines = text.split("\n")
    if lines[-1] != "":
        failures.append("lines.txt does not end with a newline")
    lines = lines[:-1]
    if len(lines) != LINES:
        failures.append(f"lines.txt has {len(lines)} lines, not {LINES}")
    missing = [i for i in range(1, LINES + 1) if i > len(lines) or lines[i - 1] != line(i)]
    if missing:
        failures.append(f"{len(missing)} lines missing or wrong, the first is line {missing[0]}")
    else:
        print(f"host: all {LINES} lines are in lines.txt")
    try:
        with open(os.path.join(share, "blob-copy.bin"), "rb") as f:
            copy = f.read()
        if copy != blob:
            failures.append(f"blob-copy.bin ({len(copy)} bytes) differs from the initrd's blob")
        else:
            print("host: blob-copy.bin is the initrd's 64 KiB binary, byte for byte")
    except OSError as e:
        failures.append(f"blob-copy.bin: {e}")
    return failures


def main():
    argv = sys.argv[1:]
    if not argv or argv[0] != "--":
        sys.exit("usage: accept_files.py -- BOOT_TEST_ARGS...")
    boot_args = argv[1:]
    blob = random.Random(64).randbytes(65536)
    initrd_entries = [
        (".", 0o40755, b""),
        ("etc", 0o40755, b""),
        ("etc/motd", 0o100644, b"Welcome to the initrd\n"),
        ("etc/app/config.ini", 0o100644, b"[app]\nname = accept\nlines = 5000\n"),
        ("data", 0o40755, b""),
        ("data/blob.bin", 0o100644, blob),
        ("data/latest", 0o120777, b"blob.bin"),
        ("data/readme.txt", 0o100644, b"data files\n"),
        ("bin/start.sh", 0o100755, b"#!/bin/sh\nexec app\n"),
    ]
    lines_bytes = sum(len(line(i)) + 1 for i in range(1, LINES + 1))
    expect = [
        "^motd: Welcome to the initrd$",
        "^config.ini: 3 lines$",
        f"^blob.bin: 65536 bytes, read 65536, fnv1a64 {fnv1a64(blob):016x}$",
        "^latest -> blob.bin$",
        "^start.sh: mode 100755$",
        "^/data: blob.bin latest readme.txt$",
        "^ramfs: errno cases done$",
        "^ramfs: /work holds 4 entries after the calls$",
        f"^pipe: {1024 * 1024} bytes between threads, intact, then end of file$",
        "^dup: shared offsets, stdout into a file and /dev/null and back$",
        "^from the host: made on the host$",
        f"^share: {LINES} lines, {lines_bytes} bytes, fsynced$",
        "^files ok$",
    ]
    with tempfile.TemporaryDirectory(prefix="cairn-accept-files-") as tmp:
        initrd = os.path.join(tmp, "initrd.cpio")
        with open(initrd, "wb") as f:
            f.write(cpio_newc(initrd_entries))
        share = os.path.join(tmp, "share")
        os.mkdir(share)
        with open(os.path.join(share, "from-host.txt"), "w") as f:
            f.write("made on the host\n")
        command = [sys.executable, BOOT_TEST, "--run-option=--initrd", f"--run-option={initrd}",
                   "--run-option=--share", f"--run-option={share}:share",
                   "--kernel-option", "vfs.mount=share:/mnt:9p",
                   "--reject", "FAIL|warning|panic|exception|SWALLOWED|went into a file"]
        for pattern in expect:
            command += ["--expect", pattern]
        status = subprocess.run(command + boot_args).returncode
        failures = check_share(share, blob)
    for failure in failures:
        print(f"FAIL: {failure}")
    return 1 if status or failures else 0


if __name__ == "__main__":
    sys.exit(main())
