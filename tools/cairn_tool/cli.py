"""The command line: subcommands and their options, and the rule that every error is
one line `cairn: <message>` with status 2 (argparse's usage dumps included)."""
import argparse
import os
import subprocess
import sys

from . import CairnError, build, kvm, qemu, runner, scaffold, size

TOOL_ERROR = 2

DESCRIPTION = """\
Build, run and measure Cairn unikernel images.

  cairn new DIR [--name NAME] [--lang c|cxx]     scaffold an application repository
  cairn build [DIR] [--build-dir B]              configure and build it
  cairn run IMAGE [options] [-- app arguments]   boot an image under QEMU
  cairn size IMAGE [--map MAP]                   what each component contributes
  cairn probe-kvm                                can KVM run images here?

`cairn COMMAND --help` describes each command; docs/cairn-tool.md has examples."""

RUN_EPILOG = """\
exit status: the program's own (0-126); 127 the image crashed; 124 --timeout
stopped the VM; 2 a tool error. Everything after `--` is passed to main()."""


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """Reports bad usage as one line naming the subcommand, not a usage dump."""

    def error(self, message):
        command = self.prog.split()[1:]   # "cairn run" -> ["run"]
        raise UsageError(": ".join(command + [message]))


def _checked(check):
    """An argparse type from a checker that raises CairnError, so a bad value is
    reported as `argument --opt: <why>`."""
    def convert(value):
        try:
            return check(value)
        except CairnError as e:
            raise argparse.ArgumentTypeError(str(e)) from None
    convert.__name__ = check.__name__
    return convert


def build_parser():
    parser = _Parser(prog="cairn", description=DESCRIPTION,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    _add_new(commands)
    _add_build(commands)
    _add_run(commands)
    _add_size(commands)
    commands.add_parser("probe-kvm", help="say whether KVM can run Cairn images here "
                                          "(status 0 if it can, 1 if images run under TCG)")
    return parser, commands.choices


def _add_new(commands):
    p = commands.add_parser("new", help="scaffold an application repository")
    p.add_argument("dir", metavar="DIR", help="where to create it (must not exist or be empty)")
    p.add_argument("--name", help="image and project name (default: DIR's base name)")
    p.add_argument("--lang", choices=("c", "cxx"), default="c",
                   help="write main.c or main.cpp (default: c)")


def _add_build(commands):
    p = commands.add_parser("build", help="configure (if needed) and build an application "
                                          "repository against this Cairn checkout")
    p.add_argument("dir", metavar="DIR", nargs="?", default=".",
                   help="the application repository (default: .)")
    p.add_argument("--build-dir", "-B", metavar="B", help="build directory (default: DIR/build)")


def _add_run(commands):
    p = commands.add_parser("run", help="boot an image under QEMU; exits with the program's status",
                            usage="cairn run IMAGE [options] [-- app arguments]",
                            epilog=RUN_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("image", metavar="IMAGE", help="the image (ELF) to boot")
    p.add_argument("--machine", "-M", choices=qemu.MACHINES, default="microvm",
                   help="QEMU machine type (default: microvm)")
    p.add_argument("--accel", choices=("auto", "kvm", "tcg"), default="auto",
                   help="auto (default): KVM when a probe shows it works, else TCG")
    p.add_argument("--cpu", help="QEMU CPU model (default: host under KVM, max under TCG)")
    p.add_argument("--mem", "-m", default="64M", help="guest RAM, QEMU -m syntax (default: 64M)")
    p.add_argument("--initrd", type=_checked(qemu.existing_file), metavar="FILE",
                   help="file handed to the image as its boot module")
    p.add_argument("--disk", type=_checked(qemu.existing_file), action="append", default=[],
                   metavar="FILE", help="raw disk image as a virtio-blk device (repeatable)")
    p.add_argument("--disk-ro", type=_checked(qemu.readonly_disk), action="append", dest="disk",
                   metavar="FILE", help="the same, read-only (counts among the --disk devices)")
    p.add_argument("--share", type=_checked(qemu.share), action="append", default=[],
                   metavar="HOSTDIR:TAG", help="host directory as a virtio-9p share "
                                               "mounted by TAG (repeatable)")
    p.add_argument("--net", type=_checked(qemu.user_net), action="append", default=[],
                   metavar="user[,hostfwd=...]", help="a virtio-net NIC on QEMU user "
                                                      "networking (repeatable, one NIC each)")
    p.add_argument("--rng", action="count", default=0,
                   help="a virtio-rng entropy device (repeatable, one device each)")
    p.add_argument("--virtconsole", type=_checked(qemu.output_file), metavar="FILE",
                   help="a virtio console (hvc0) whose output QEMU writes to FILE")
    p.add_argument("--kernel-option", "-k", action="append", default=[], metavar="NAME=VALUE",
                   help="kernel command-line option (repeatable)")
    p.add_argument("--timeout", type=float, metavar="SECONDS",
                   help="stop the VM after this long (status 124); ignored with --debug")
    p.add_argument("--debug", action="store_true",
                   help=f"start paused with a gdbstub on :{qemu.GDB_PORT} (QEMU -s -S)")
    p.add_argument("--no-exit-device", action="store_true",
                   help="leave out isa-debug-exit: the image powers off through ACPI")
    p.add_argument("--dry-run", action="store_true", help="print the QEMU command line only")


def _add_size(commands):
    p = commands.add_parser("size", help="what each component, newlib, libgcc and the app "
                                         "contribute to an image")
    p.add_argument("image", metavar="IMAGE", help="the image (ELF) to measure")
    p.add_argument("--map", metavar="MAP", help="GNU ld link map (default: IMAGE.map)")


def parse_args(argv):
    """Parses argv; everything after the first standalone `--` is the application's."""
    app_args = []
    if "--" in argv:
        i = argv.index("--")
        argv, app_args = argv[:i], argv[i + 1:]
    parser, commands = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        commands[args.command].error(f"unrecognized arguments: {' '.join(extra)}")
    if app_args and args.command != "run":
        commands[args.command].error("arguments after '--' are only for run")
    args.app_args = app_args
    return args


def probe_kvm_command(args):
    ok = kvm.kvm_usable(qemu.find_qemu())
    print("kvm: usable" if ok else "kvm: not usable; images run under TCG")
    return 0 if ok else 1


COMMANDS = {
    "new": scaffold.new_command,
    "build": build.build_command,
    "run": runner.run_command,
    "size": size.size_command,
    "probe-kvm": probe_kvm_command,
}


def main(argv):
    try:
        args = parse_args(argv)
    except UsageError as e:
        return _fail(e)
    try:
        return COMMANDS[args.command](args)
    except CairnError as e:
        return _fail(e, args.command)
    except subprocess.CalledProcessError as e:
        return _fail(f"{' '.join(e.cmd)} failed with status {e.returncode}", args.command)
    except BrokenPipeError:
        # The reader went away (`cairn size IMAGE | head`): nothing worth a message.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as e:
        where = f"{e.filename}: " if e.filename else ""
        return _fail(f"{where}{e.strerror or e}", args.command)


def _fail(message, command=None):
    """Prints the one-line error, naming the subcommand it came from."""
    print(f"cairn: {command + ': ' if command else ''}{message}", file=sys.stderr)
    return TOOL_ERROR
