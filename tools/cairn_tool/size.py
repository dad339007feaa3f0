"""`cairn size`: what each Cairn component, newlib, libgcc and the application
contribute to an image, from its GNU ld link map and its ELF headers.

Every byte of the loaded image is accounted for: input sections go to the file they
came from, and whatever lies between them (alignment inside and between sections) is
a row of its own, so the total equals the sum of the PT_LOAD segments' memory sizes.
The columns follow the permission of the segment a section is loaded in: text is the
executable segment, rodata the read-only ones (tables, .init_array, .eh_frame, notes,
the symbol table), data the writable initialised sections, bss the zero-filled ones.
"""
import os
import re
import shutil
import subprocess
import tempfile

from . import CairnError, elf, linkmap

COLUMNS = ("text", "rodata", "data", "bss")
APP = "app"
LINKER = "linker"
SYMBOL_TABLE = "symbol table"
PADDING = "padding"

# Sections that tools/ksyms.py fills after linking: the map only shows the placeholder,
# so the ELF section header gives the real size.
FILLED_AFTER_LINK = {".cairn_ksyms": SYMBOL_TABLE}

_ARCHIVE_MEMBER = re.compile(r"^(.*?)([^/]+\.a)\((.*)\)$")
_CAIRN_COMPONENT = re.compile(r"^libcairn_(.+)\.a$")


def owner(path):
    """The row an input file counts in: `libcairn_<x>.a` is cairn::<x>, newlib's
    libc.a/libm.a and libgcc.a are named, other archives by their file name, and
    objects outside any archive are the application's own."""
    if not path or path == "linker stubs" or path.startswith("<"):
        return LINKER
    member = _ARCHIVE_MEMBER.match(path)
    if not member:
        return APP
    directory, archive = member.group(1), member.group(2)
    component = _CAIRN_COMPONENT.match(archive)
    if component:
        return f"cairn::{component.group(1)}"
    if archive in ("libc.a", "libm.a") and "newlib" in directory:
        return f"newlib ({archive[:-2]})"
    if archive == "libgcc.a":
        return "libgcc"
    return archive[:-len(".a")]


def column(section, segment):
    if section.type == elf.SHT_NOBITS:
        return "bss"
    if segment is None:
        return "data"  # only TLS sections stand outside a load segment
    if segment.flags & elf.PF_X:
        return "text"
    if segment.flags & elf.PF_W:
        return "data"
    return "rodata"


class SizeReport:
    """Bytes per row and column, plus the image-level numbers they must add up to."""

    def __init__(self, image, map_path):
        self.image = image
        self.map_path = map_path
        self.rows = {}
        self.loaded = 0        # sum of PT_LOAD memsz
        self.tls_bss = 0       # .tbss: per thread, outside the load segments
        self.file_size = os.path.getsize(image)
        self.stripped_size = None

    def add(self, row, col, size):
        if size:
            self.rows.setdefault(row, [0] * len(COLUMNS))[COLUMNS.index(col)] += size

    def total(self):
        return [sum(r[i] for r in self.rows.values()) for i in range(len(COLUMNS))]


def measure(image_path, map_path):
    image = elf.ElfImage(image_path)
    with open(map_path, errors="replace") as f:
        try:
            mapped = {s.name: s for s in linkmap.parse(f.read())}
        except ValueError as e:
            raise CairnError(f"{map_path}: {e}") from None
    report = SizeReport(image_path, map_path)
    for segment in image.load_segments():
        report.loaded += segment.memsz
        _account_segment(report, image, segment, mapped)
    for section in _tls_bss(image):
        report.tls_bss += section.size
        _account_section(report, section, column(section, None), mapped)
    return report


def _account_segment(report, image, segment, mapped):
    """Adds the sections of one load segment, and the gaps between them as padding."""
    members = sorted((s for s in image.sections if _inside(s, segment)), key=lambda s: s.addr)
    cursor = segment.vaddr
    col = _segment_column(segment)
    for section in members:
        col = column(section, segment)
        report.add(PADDING, col, section.addr - cursor)
        _account_section(report, section, col, mapped)
        cursor = section.addr + section.size
    report.add(PADDING, col, segment.vaddr + segment.memsz - cursor)


def _account_section(report, section, col, mapped):
    """Gives each byte of a section to the file it came from, or to padding."""
    if section.name in FILLED_AFTER_LINK:
        report.add(FILLED_AFTER_LINK[section.name], col, section.size)
        return
    out = mapped.get(section.name)
    if out is None or out.addr != section.addr or out.size != section.size:
        raise CairnError(f"the link map does not describe this image (section {section.name} "
                         f"differs); rebuild the image to refresh {report.map_path}")
    # Merged sections (strings, constants) can overlap in the map; clipping each input
    # to the bytes not yet counted keeps every byte counted once.
    cursor, end, counted = section.addr, section.addr + section.size, 0
    for piece in sorted(out.inputs, key=lambda p: p.addr):
        start, stop = max(piece.addr, cursor), min(piece.addr + piece.size, end)
        if stop > start:
            report.add(owner(piece.file), col, stop - start)
            counted += stop - start
            cursor = stop
    report.add(PADDING, col, section.size - counted)


def _inside(section, segment):
    if not section.flags & elf.SHF_ALLOC or section.size == 0 or _is_tls_bss(section):
        return False
    return segment.vaddr <= section.addr < segment.vaddr + segment.memsz


def _is_tls_bss(section):
    return bool(section.flags & elf.SHF_TLS) and section.type == elf.SHT_NOBITS


def _tls_bss(image):
    return [s for s in image.sections if s.flags & elf.SHF_ALLOC and s.size and _is_tls_bss(s)]


def _segment_column(segment):
    if segment.flags & elf.PF_X:
        return "text"
    return "data" if segment.flags & elf.PF_W else "rodata"


def stripped_size(image_path):
    """The image's size without symbols and debug information (what a VMM loads from)."""
    strip = shutil.which("strip")
    if not strip:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "stripped")
        done = subprocess.run([strip, "-o", out, image_path], capture_output=True, text=True)
        if done.returncode != 0:
            raise CairnError(f"strip failed on {image_path}: {done.stderr.strip()}")
        return os.path.getsize(out)


def format_report(report):
    names = sorted((n for n in report.rows if n != PADDING),
                   key=lambda n: (-sum(report.rows[n]), n))
    if PADDING in report.rows:
        names.append(PADDING)
    width = max([len("component")] + [len(n) for n in names])
    lines = [f"{report.image} (link map {report.map_path})", ""]
    row = f"{{:<{width}}}" + "{:>10}" * (len(COLUMNS) + 1)
    lines.append(row.format("component", *COLUMNS, "total"))
    for name in names:
        values = report.rows[name]
        lines.append(row.format(name, *values, sum(values)))
    total = report.total()
    lines.append(row.format("total", *total, sum(total)))
    lines.append("")
    loaded = f"loaded image: {report.loaded} bytes (sum of the PT_LOAD segments' memory sizes)"
    if report.tls_bss:
        loaded += f"; the total also counts .tbss, {report.tls_bss} bytes per thread"
    lines.append(loaded)
    stripped = "unknown (strip not found)" if report.stripped_size is None \
        else f"{report.stripped_size} bytes"
    lines.append(f"file: {report.file_size} bytes; stripped: {stripped}")
    return "\n".join(lines)


def size_command(args):
    image = args.image
    if not os.path.isfile(image):
        raise CairnError(f"image not found: {image}")
    if not elf.is_elf(image):
        raise CairnError(f"not an ELF image: {image}")
    map_path = args.map or image + ".map"
    if not os.path.isfile(map_path):
        raise CairnError(f"no link map {map_path}; rebuild the image (Cairn writes it next to "
                         f"the image) or give one with --map")
    report = measure(image, map_path)
    report.stripped_size = stripped_size(image)
    print(format_report(report))
    return 0
