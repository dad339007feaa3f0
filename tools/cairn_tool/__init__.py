"""The `cairn` command-line tool (tools/cairn), one module per responsibility:

  cli        the command line: subcommands, options, one-line errors
  qemu       finding QEMU and building its command line for an image
  kvm        deciding between KVM and TCG (a real probe, cached)
  runner     running QEMU and turning its exit status into the program's
  build      `cairn build`: configure and build an application repository
  scaffold   `cairn new`: a new application repository
  elf        reading ELF64 section and program headers
  linkmap    parsing GNU ld link maps
  size       `cairn size`: what each component contributes to an image

Standard library only: the tool must run with whatever python3 is on PATH.
"""
import os

# The Cairn checkout this tool belongs to (tools/cairn_tool/ -> the checkout).
TOOLS_DIR = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
CAIRN_ROOT = os.path.dirname(TOOLS_DIR)


class CairnError(Exception):
    """A failure the user can act on: printed as one line `cairn: <message>`, status 2."""
