#!/usr/bin/env python3
"""Fails when an object in one of the given static libraries has a static constructor
or destructor (an .init_array, .ctors, .fini_array or .dtors section), naming it.

  static_initialisers.py LIBRARY...
"""
import subprocess
import sys

SECTIONS = (".init_array", ".ctors", ".fini_array", ".dtors")


def offenders(library):
    out = subprocess.run(["objdump", "-h", library], capture_output=True, text=True,
                         check=True).stdout
    member = None
    for line in out.splitlines():
        if "file format" in line:
            member = line.split(":")[0].strip()
        fields = line.split()
        if len(fields) > 1 and fields[1].startswith(SECTIONS):
            yield member, fields[1]


def main():
    found = [(lib, member, section) for lib in sys.argv[1:] for member, section in offenders(lib)]
    for lib, member, section in found:
        print(f"{lib}: {member} has {section}: a global needs a constructor or destructor "
              "(make it constinit, or give it a trivial destructor)")
    print(f"checked {len(sys.argv) - 1} libraries")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
