#!/usr/bin/env python3
"""Writes an image's own symbol table into its .cairn_ksyms segment, so crash reports
inside the VM can name functions (see kernel/include/cairn/kernel/ksyms_format.h).

The linker script puts .cairn_ksyms in the last loadable segment, holding an empty
table. This tool reads the linked image's symbols (nm, demangled), appends the table
to the file and points that segment and section at it. Nothing else moves: the
segment is last in memory, so the code and data addresses stay as linked.

Usage: ksyms.py IMAGE
"""
import struct
import subprocess
import sys

MAGIC = 0x4D59534B
KEPT_TYPES = set("TtWwDdBbRrVv")


def read_symbols(image):
    out = subprocess.run(["nm", "-n", "-S", "--defined-only", "-C", image],
                         check=True, capture_output=True, text=True).stdout
    by_address = {}
    for line in out.splitlines():
        parts = line.split(None, 3)
        if len(parts) == 4 and len(parts[2]) == 1:
            address, size, kind, name = int(parts[0], 16), int(parts[1], 16), parts[2], parts[3]
        elif len(parts) >= 3 and len(parts[1]) == 1:
            address, size, kind, name = int(parts[0], 16), 0, parts[1], " ".join(parts[2:])
        else:
            continue
        if kind not in KEPT_TYPES or name.startswith(".L"):
            continue
        # One name per address: prefer a sized, global symbol over a label.
        score = (size > 0, kind.isupper())
        if address not in by_address or score > by_address[address][0]:
            by_address[address] = (score, size, name)
    # Keep what lies inside the loaded image: TLS symbols, for one, hold offsets into
    # the TLS segment, not addresses, and would name address 0.
    bounds = {n: a for a, (_, _, n) in by_address.items() if n in ("__image_start", "__image_end")}
    low, high = bounds.get("__image_start", 0), bounds.get("__image_end", 1 << 64)
    return sorted((a, s, n) for a, (_, s, n) in by_address.items() if low <= a < high)


def build_table(symbols):
    strings = bytearray()
    entries = bytearray()
    for address, size, name in symbols:
        entries += struct.pack("<QII", address, min(size, 0xFFFFFFFF), len(strings))
        strings += name.encode() + b"\0"
    header_size = 16
    strings_offset = header_size + len(entries)
    total = strings_offset + len(strings)
    return struct.pack("<IIII", MAGIC, len(symbols), strings_offset, total) + entries + strings


def patch(image, table):
    with open(image, "r+b") as f:
        data = bytearray(f.read())
        if data[:4] != b"\x7fELF" or data[4] != 2:
            sys.exit(f"ksyms: {image}: not an ELF64 file")
        phoff, shoff = struct.unpack_from("<QQ", data, 0x20)
        phentsize, phnum, shentsize, shnum, shstrndx = struct.unpack_from("<HHHHH", data, 0x36)
        shstr_offset = struct.unpack_from("<Q", data, shoff + shstrndx * shentsize + 0x18)[0]

        def section_name(index):
            name_off = struct.unpack_from("<I", data, shoff + index * shentsize)[0]
            end = data.index(b"\0", shstr_offset + name_off)
            return data[shstr_offset + name_off:end].decode()

        section = next((i for i in range(shnum) if section_name(i) == ".cairn_ksyms"), None)
        if section is None:
            sys.exit(f"ksyms: {image}: no .cairn_ksyms section (not a Cairn image?)")
        sh = shoff + section * shentsize
        address = struct.unpack_from("<Q", data, sh + 0x10)[0]
        segment = None
        for i in range(phnum):
            ph = phoff + i * phentsize
            p_type, _, _, p_vaddr = struct.unpack_from("<IIQQ", data, ph)
            if p_type == 1 and p_vaddr == address:
                segment = ph
        if segment is None:
            sys.exit(f"ksyms: {image}: .cairn_ksyms is not at the start of its own segment")

        # Append, keeping file offset and address congruent modulo the page size.
        page = 0x1000
        offset = (len(data) + page - 1) // page * page + address % page
        data += b"\0" * (offset - len(data)) + table
        struct.pack_into("<Q", data, segment + 0x08, offset)             # p_offset
        struct.pack_into("<QQ", data, segment + 0x20, len(table), len(table))  # filesz, memsz
        struct.pack_into("<QQ", data, sh + 0x18, offset, len(table))      # sh_offset, sh_size
        f.seek(0)
        f.write(data)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[-1])
    image = sys.argv[1]
    patch(image, build_table(read_symbols(image)))


if __name__ == "__main__":
    main()
