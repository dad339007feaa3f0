"""Reads what `cairn` needs from an ELF64 little-endian image: section headers (with
names) and program headers. No symbol tables, no relocation: just the layout."""
import collections
import struct

from . import CairnError

SHT_NOBITS = 8
SHF_WRITE = 0x1
SHF_ALLOC = 0x2
SHF_EXECINSTR = 0x4
SHF_TLS = 0x400
PT_LOAD = 1
PF_X = 0x1
PF_W = 0x2

Section = collections.namedtuple("Section", "name type flags addr offset size")
Segment = collections.namedtuple("Segment", "type flags vaddr offset filesz memsz")

_IDENT = struct.Struct("<4sBB")                    # magic, class, data encoding
_HEADER = struct.Struct("<16sHHIQQQIHHHHHH")       # Elf64_Ehdr
_SECTION = struct.Struct("<IIQQQQIIQQ")            # Elf64_Shdr
_SEGMENT = struct.Struct("<IIQQQQQQ")              # Elf64_Phdr


def is_elf(path):
    """True when the file starts with the ELF magic (any class or machine)."""
    with open(path, "rb") as f:
        return f.read(4) == b"\x7fELF"


class ElfImage:
    """The section and program headers of one ELF64 little-endian file."""

    def __init__(self, path):
        with open(path, "rb") as f:
            data = f.read()
        try:
            self._parse(path, data)
        except (struct.error, IndexError):
            raise CairnError(f"truncated or corrupt ELF image: {path}") from None

    def _parse(self, path, data):
        magic, elf_class, encoding = _IDENT.unpack_from(data, 0)
        if magic != b"\x7fELF":
            raise CairnError(f"not an ELF image: {path}")
        if elf_class != 2 or encoding != 1:
            raise CairnError(f"not a 64-bit little-endian ELF image: {path}")
        header = _HEADER.unpack_from(data, 0)
        phoff, shoff = header[5], header[6]
        phentsize, phnum, shentsize, shnum, shstrndx = header[9:14]
        self.path = path
        self.segments = [Segment(*_pick(_SEGMENT.unpack_from(data, phoff + i * phentsize),
                                        (0, 1, 3, 2, 5, 6)))
                         for i in range(phnum)]
        raw = [_SECTION.unpack_from(data, shoff + i * shentsize) for i in range(shnum)]
        names = raw[shstrndx] if shstrndx < len(raw) else None
        self.sections = [Section(_string_at(data, names, r[0]), r[1], r[2], r[3], r[4], r[5])
                         for r in raw]

    def section(self, name):
        """The section called `name`, or None."""
        return next((s for s in self.sections if s.name == name), None)

    def load_segments(self):
        return [s for s in self.segments if s.type == PT_LOAD]


def _pick(values, indices):
    return [values[i] for i in indices]


def _string_at(data, strtab, offset):
    if strtab is None:
        return ""
    start = strtab[4] + offset   # sh_offset of the string table
    end = data.find(b"\0", start)
    return data[start:end].decode("ascii", "replace")
