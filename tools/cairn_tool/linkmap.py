"""Parses the memory map part of a GNU ld link map (-Wl,-Map=...).

Only what `cairn size` needs: every output section with its address and size, and
the input sections placed in it with the file each came from. The format's corners:

- Long section names stand alone on a line; address, size and file follow on the next.
- `*fill*` lines are alignment padding; `*(pattern)` lines are script statements;
  lines of one number and text are symbols or assignments; "(size before relaxing)"
  lines repeat a size; none of these are input sections.
- "Discarded input sections" and "Memory Configuration" come before the memory map
  and are skipped entirely; /DISCARD/ is an output section that is not in the image.
- `LOAD file`, `START GROUP`, `END GROUP` and `OUTPUT(...)` are not sections.
"""
import collections
import re

InputSection = collections.namedtuple("InputSection", "name addr size file")


class OutputSection:
    def __init__(self, name, addr, size):
        self.name = name
        self.addr = addr
        self.size = size
        self.inputs = []

    def __repr__(self):
        return (f"OutputSection({self.name!r}, {self.addr:#x}, {self.size:#x}, "
                f"{len(self.inputs)} inputs)")


MEMORY_MAP_START = "Linker script and memory map"
DISCARD = "/DISCARD/"
_NOT_SECTIONS = ("LOAD ", "START GROUP", "END GROUP", "OUTPUT(")

_HEX = r"0x([0-9a-fA-F]+)"
# "<name> <addr> <size> [load address <lma>]" at column 0 (an output section), or the
# name alone.
_OUTPUT = re.compile(rf"^(\S+)(?:\s+{_HEX}\s+{_HEX})?(?:\s+load address .*)?\s*$")
# " <name> <addr> <size> [file]" at column 1 (an input section), or the name alone.
_INPUT = re.compile(rf"^ (\S+)(?:\s+{_HEX}\s+{_HEX}(?:\s+(.*\S))?)?\s*$")
# The second line of a long name: "<spaces> <addr> <size> [file]".
_CONTINUATION = re.compile(rf"^\s+{_HEX}\s+{_HEX}(?:\s+(.*\S))?\s*$")


def parse(text):
    """Returns the output sections of the memory map, in map order."""
    lines = text.splitlines()
    try:
        start = lines.index(MEMORY_MAP_START) + 1
    except ValueError:
        raise ValueError(f"no '{MEMORY_MAP_START}' part: not a GNU ld link map") from None
    sections = []
    current = None
    i = start
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.strip() or line.startswith(_NOT_SECTIONS):
            continue
        if not line[0].isspace():
            name, addr, size, i = _with_continuation(_OUTPUT.match(line), lines, i)
            if name is None:
                current = None
                continue
            current = OutputSection(name, addr or 0, size or 0)
            if name != DISCARD:
                sections.append(current)
            continue
        if current is None or current.name == DISCARD or line.startswith(" *"):
            continue  # statements `*(...)`, `*fill*`, or outside any section
        name, addr, size, i, path = _input_with_continuation(_INPUT.match(line), lines, i)
        if name is not None and addr is not None:
            current.inputs.append(InputSection(name, addr, size, path))
    return sections


def _with_continuation(match, lines, i):
    """Name, address and size of an output section header, joining a long name's
    second line. Returns (None, ...) for lines that are not section headers."""
    if not match:
        return None, None, None, i
    name, addr, size = match.group(1), match.group(2), match.group(3)
    if addr is None and i < len(lines):
        follow = _CONTINUATION.match(lines[i])
        if follow and (follow.group(3) or "load address").startswith("load address"):
            addr, size = follow.group(1), follow.group(2)
            i += 1
    return name, _int(addr), _int(size), i


def _input_with_continuation(match, lines, i):
    if not match:
        return None, None, None, i, None
    name, addr, size, path = match.groups()
    if addr is None and i < len(lines):
        follow = _CONTINUATION.match(lines[i])
        if follow:
            addr, size, path = follow.groups()
            i += 1
    return name, _int(addr), _int(size), i, path


def _int(hex_digits):
    return None if hex_digits is None else int(hex_digits, 16)
