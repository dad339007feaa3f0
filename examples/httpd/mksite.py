#!/usr/bin/env python3
"""Packs the sample site into an initrd for httpd.

  mksite.py SITE_DIR STAGING_DIR CPIO

Copies SITE_DIR to STAGING_DIR/www, adds data/blob.bin (64 KiB of deterministic
bytes, generated here so that no binary file lives in the repository), and writes CPIO:
a cpio "newc" archive (what `cpio -o -H newc` writes) of www/, which Cairn's initrd
unpacks into the root, so the image serves /www. STAGING_DIR/www is the same site for
httpd as a Linux process and for tests that compare what was served. Only the Python
standard library; nothing is downloaded.
"""
import hashlib
import os
import shutil
import sys

BLOB_SIZE = 64 * 1024


def blob_bytes(size=BLOB_SIZE):
    """SHA-256 in counter mode: every byte value occurs, nothing compresses."""
    out = bytearray()
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(b"cairn-httpd-blob-%d" % counter).digest()
        counter += 1
    return bytes(out[:size])


class Cpio:
    """newc: a 110-byte ASCII header per entry, name and data padded to 4 bytes."""

    def __init__(self):
        self.data = bytearray()
        self.ino = 0

    def add(self, name, mode, data=b""):
        self.ino += 1
        encoded = name.encode() + b"\0"
        # ino mode uid gid nlink mtime filesize devmajor devminor rdevmajor rdevminor
        # namesize check
        fields = (self.ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(encoded), 0)
        self.data += b"070701" + b"".join(b"%08X" % v for v in fields) + encoded
        self.data += b"\0" * (-len(self.data) % 4)
        self.data += data
        self.data += b"\0" * (-len(self.data) % 4)

    def finish(self):
        self.ino = -1
        self.add("TRAILER!!!", 0)
        self.data += b"\0" * (-len(self.data) % 512)
        return bytes(self.data)


def stage(site, staging):
    www = os.path.join(staging, "www")
    shutil.rmtree(www, ignore_errors=True)
    shutil.copytree(site, www)
    os.makedirs(os.path.join(www, "data"), exist_ok=True)
    with open(os.path.join(www, "data", "blob.bin"), "wb") as f:
        f.write(blob_bytes())
    return www


def archive(staging):
    """Every directory and regular file below staging/www, in a stable order."""
    cpio = Cpio()
    for directory, subdirs, files in os.walk(os.path.join(staging, "www")):
        subdirs.sort()
        rel = os.path.relpath(directory, staging)
        cpio.add(rel, 0o40755)
        for name in sorted(files):
            with open(os.path.join(directory, name), "rb") as f:
                cpio.add(os.path.join(rel, name), 0o100644, f.read())
    return cpio.finish()


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    site, staging, cpio_path = argv
    stage(site, staging)
    data = archive(staging)
    tmp = cpio_path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, cpio_path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
