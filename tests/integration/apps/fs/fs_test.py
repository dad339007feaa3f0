#!/usr/bin/env python3
"""Filesystem boot tests with the host's side.

  fs_test.py --mode initrd|share -- BOOT_TEST_ARGS...

initrd: builds a cpio newc archive (files, a 64 KiB binary, directories given and
implied, symlinks, hard links, modes and times, and hostile entries that must be
skipped), boots the image with it as the initrd, and expects the guest to see exactly
what was packed.

share: fills a host temp directory, shares it over virtio-9p (mounted with
vfs.mount=hostshare:/mnt/host:9p), lets the guest write 5000 lines and fsync, read the
host's files, and mkdir/rename/unlink/rmdir/symlink/chmod/utimes/append/truncate; after
the VM has ended, checks every line and every change on the host.

BOOT_TEST_ARGS are boot_test.py's (--image, --machine, ...); the devices, kernel options,
expectations and the guest's subcommand are added here.
"""
import argparse
import os
import random
import stat
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.realpath(__file__))
BOOT_TEST = os.path.join(HERE, "..", "..", "boot_test.py")
LINE = "the quick brown fox jumps over the lazy dog"


def fnv1a64(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


class Cpio:
    """A cpio "newc" archive, as `cpio -o -H newc` writes it."""

    def __init__(self):
        self.data = bytearray()
        self.ino = 100

    def add(self, name, mode, data=b"", mtime=0, ino=None, nlink=1):
        if ino is None:
            self.ino += 1
            ino = self.ino
        encoded = name.encode() + b"\0"
        fields = (ino, mode, 0, 0, nlink, mtime, len(data), 0, 0, 0, 0, len(encoded), 0)
        self.data += b"070701" + b"".join(b"%08X" % v for v in fields) + encoded
        self.data += b"\0" * (-len(self.data) % 4)
        self.data += data
        self.data += b"\0" * (-len(self.data) % 4)

    def finish(self):
        self.add("TRAILER!!!", 0, ino=0, nlink=1)
        self.data += b"\0" * (-len(self.data) % 512)
        return bytes(self.data)


def build_initrd(path):
    blob = random.Random(7).randbytes(65536)
    a = Cpio()
    a.add(".", 0o40755)
    a.add("initrd", 0o40755)
    a.add("initrd/hello.txt", 0o100644, b"Hello from the initrd\n", mtime=1700000000)
    a.add("initrd/data", 0o40755)
    a.add("initrd/data/blob.bin", 0o100644, blob)
    a.add("initrd/link", 0o120777, b"hello.txt")
    a.add("initrd/private", 0o40700)
    a.add("initrd/bin/tool", 0o100755, b"#!/bin/true\n")      # parent not in the archive
    a.add("initrd/deep/a/b/c/file.txt", 0o100644, b"deep inside\n")
    a.add("/initrd/abs.txt", 0o100644, b"absolute name\n")     # lands under the root
    a.add("./initrd/dotslash.txt", 0o100644, b"dot slash\n")
    # GNU cpio's hard links: every name shares the inode; the data comes with the last.
    a.add("initrd/hard1", 0o100644, b"", ino=500, nlink=2)
    a.add("initrd/hard2", 0o100644, b"linked\n", ino=500, nlink=2)
    # Hostile or unsupported entries: each must be skipped with a warning.
    a.add("../escape.txt", 0o100644, b"escaped\n")
    a.add("initrd/fifo", 0o10644)
    a.add("initrd/evil", 0o120777, b"/tmp")
    a.add("initrd/evil/through-link", 0o100644, b"through a link\n")
    with open(path, "wb") as f:
        f.write(a.finish())
    expect = [
        "^hello: Hello from the initrd$",
        "^hello.txt: mode 100644 size 22 mtime 1700000000$",
        f"^blob: 65536 bytes fnv1a64 {fnv1a64(blob):016x}$",
        "^link -> hello.txt$",
        "^private: mode 40700$",
        "^tool: mode 100755$",
        "^deep: deep inside$",
        "^hard links: same inode 1 nlink 2$",
        "^initrd: abs.txt bin data deep dotslash.txt evil hard1 hard2 hello.txt link private$",
        r"initrd: \.\./escape\.txt: bad name",
        "initrd: initrd/fifo: not unpacked",
        "initrd: initrd/evil/through-link: skipped",
        "^initrd ok$",
    ]
    return expect


def fill_share(share):
    big = random.Random(9).randbytes(100 * 1024 + 17)
    files = {"from-host.txt": b"made on the host\n", "big.bin": big, "renameme": b"r\n",
             "deleteme": b"d\n", "fulldir/keep": b"k\n", "append.txt": b"host\n"}
    for name, data in files.items():
        os.makedirs(os.path.dirname(os.path.join(share, name)), exist_ok=True)
        with open(os.path.join(share, name), "wb") as f:
            f.write(data)
    os.mkdir(os.path.join(share, "emptydir"))
    os.symlink("from-host.txt", os.path.join(share, "host-link"))
    lines_size = sum(len(f"line {i:04d}: {LINE}\n") for i in range(5000))
    return [
        f"^wrote 5000 lines, {lines_size} bytes, fsynced$",
        "^from host: made on the host$",
        f"^big.bin: {len(big)} bytes fnv1a64 {fnv1a64(big):016x}$",
        "^host-link -> from-host.txt$",
        "^threads: 4 of 4 wrote and read back 262144 bytes each$",
        "^share: append.txt big.bin from-host.txt fulldir guest-link host-link lines.txt "
        "made-by-guest renamed trunc.txt$",
        "^share ok$",
    ]


def check_share(share):
    """What the guest must have left on the host; returns the failures."""
    failures = []

    def check(cond, what):
        if not cond:
            failures.append(what)

    for name in ("lines.txt", "unsynced.txt"):
        lines_path = os.path.join(share, name)
        if not os.path.exists(lines_path):
            failures.append(f"{name} is missing")
            continue
        with open(lines_path) as f:
            lines = f.read().split("\n")
        check(lines[-1] == "", f"{name} does not end with a newline")
        lines = lines[:-1]
        check(len(lines) == 5000, f"{name} has {len(lines)} lines, not 5000")
        for i, line in enumerate(lines[:5000]):
            if line != f"line {i:04d}: {LINE}":
                failures.append(f"{name} line {i + 1} is {line!r}")
                break
        else:
            if len(lines) == 5000:
                print(f"host: all 5000 lines of {name} are there")
    check(not any(n.startswith("thread-") for n in os.listdir(share)), "thread files left over")
    made = os.path.join(share, "made-by-guest")
    check(os.path.isdir(made), "made-by-guest is not a directory")
    if os.path.isdir(made):
        check(stat.S_IMODE(os.stat(made).st_mode) == 0o750,
              f"made-by-guest has mode {stat.S_IMODE(os.stat(made).st_mode):o}")
    note = os.path.join(made, "note.txt")
    if os.path.exists(note):
        with open(note, "rb") as f:
            check(f.read() == b"written in the guest\n", "note.txt contents")
        st = os.stat(note)
        check(stat.S_IMODE(st.st_mode) == 0o600, f"note.txt has mode {stat.S_IMODE(st.st_mode):o}")
        check(int(st.st_mtime) == 1234567890, f"note.txt has mtime {st.st_mtime}")
    else:
        failures.append("note.txt is missing")
    check(os.path.exists(os.path.join(share, "renamed")), "renamed is missing")
    check(not os.path.exists(os.path.join(share, "renameme")), "renameme is still there")
    check(not os.path.exists(os.path.join(share, "deleteme")), "deleteme is still there")
    check(not os.path.exists(os.path.join(share, "emptydir")), "emptydir is still there")
    check(os.path.exists(os.path.join(share, "fulldir", "keep")), "fulldir lost its file")
    link = os.path.join(share, "guest-link")
    check(os.path.islink(link) and os.readlink(link) == "lines.txt", "guest-link")
    with open(os.path.join(share, "append.txt"), "rb") as f:
        data = f.read()
        check(data == b"host\nguest\n", f"append.txt is {data!r}")
    trunc = os.path.join(share, "trunc.txt")
    if os.path.exists(trunc):
        with open(trunc, "rb") as f:
            data = f.read()
            check(data == b"the quick", f"trunc.txt is {data!r}")
    else:
        failures.append("trunc.txt is missing")
    return failures


def main():
    argv = sys.argv[1:]
    if "--" not in argv:
        sys.exit("usage: fs_test.py --mode initrd|share -- BOOT_TEST_ARGS...")
    i = argv.index("--")
    p = argparse.ArgumentParser()
    p.add_argument("--mode", required=True, choices=("initrd", "share"))
    args = p.parse_args(argv[:i])
    boot_args = argv[i + 1:]

    with tempfile.TemporaryDirectory(prefix="cairn-fs-") as tmp:
        if args.mode == "initrd":
            initrd = os.path.join(tmp, "initrd.cpio")
            expect = build_initrd(initrd)
            extra = ["--run-option=--initrd", f"--run-option={initrd}"]
            app = ["initrd"]
        else:
            share = os.path.join(tmp, "share")
            os.mkdir(share)
            expect = fill_share(share)
            extra = ["--run-option=--share", f"--run-option={share}:hostshare",
                     "--kernel-option", "vfs.mount=hostshare:/mnt/host:9p"]
            app = ["share", "/mnt/host"]
        for e in expect:
            extra += ["--expect", e]
        status = subprocess.run([sys.executable, BOOT_TEST] + extra + boot_args +
                                ["--"] + app).returncode
        failures = check_share(share) if args.mode == "share" else []
        for f in failures:
            print(f"FAIL (host): {f}")
    return 1 if status or failures else 0


if __name__ == "__main__":
    sys.exit(main())
