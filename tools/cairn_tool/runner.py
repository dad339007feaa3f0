"""`cairn run`: boots an image under QEMU and exits with the program's own status.

Statuses: the program's N (0-126) decoded from QEMU's 2N+1 (127 is how the kernel
reports a crash); 124 when --timeout stopped the VM; 130 when interrupted (Ctrl-C,
SIGTERM); 2 when the tool or QEMU itself failed."""
import ctypes
import os
import shlex
import signal
import subprocess
import sys
import threading

from . import CairnError, elf, kvm, qemu

TIMEOUT_STATUS = 124
INTERRUPTED_STATUS = 130


def run_command(args):
    spec = vm_spec(args)
    qemu_path = qemu.find_qemu()
    spec.accel = kvm.choose_accel(qemu_path, args.accel)
    command = qemu.command_line(qemu_path, spec)
    if args.dry_run:
        print(" ".join(shlex.quote(c) for c in command))
        return 0
    timeout = args.timeout
    if spec.debug:
        print(f"cairn: QEMU is paused with a gdbstub on :{qemu.GDB_PORT}; attach with: "
              f"gdb {shlex.quote(spec.image)} -ex 'target remote :{qemu.GDB_PORT}'",
              file=sys.stderr, flush=True)
        timeout = None  # a debugging session takes as long as it takes
    return run_vm(command, timeout, spec.exit_device)


def vm_spec(args):
    """The VM described by `cairn run`'s options (option values were checked when parsed)."""
    return qemu.VmSpec(
        image=checked_image(args.image), machine=args.machine, cpu=args.cpu, mem=args.mem,
        initrd=args.initrd, kernel_options=args.kernel_option, app_args=args.app_args,
        exit_device=not args.no_exit_device, disks=args.disk, shares=args.share,
        nets=args.net, rngs=args.rng, debug=args.debug, virtconsole=args.virtconsole)


def checked_image(path):
    if not os.path.isfile(path):
        raise CairnError(f"image not found: {path}")
    if not elf.is_elf(path):
        raise CairnError(f"not an ELF image: {path}")
    return os.path.abspath(path)


def run_vm(command, timeout, exit_device):
    # QEMU gets a session of its own so that stopping it stops everything it started;
    # in exchange, a terminal's Ctrl-C and a SIGTERM reach only us, and we pass them on.
    # And it dies with us: whoever stops `cairn run` with SIGKILL (a test harness, a
    # CI timeout) stops the VM too, instead of leaving QEMU running in its own session.
    process = subprocess.Popen(command, stderr=subprocess.PIPE, start_new_session=True,
                               preexec_fn=_die_with_parent(os.getpid()))
    watch = _StderrWatch(process.stderr, os.path.basename(command[0]))
    watch.start()
    previous = {s: signal.signal(s, _interrupt) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        returncode = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(process, watch)
        print(f"cairn: the VM did not end within {timeout:g} s; stopped it", file=sys.stderr)
        return TIMEOUT_STATUS
    except KeyboardInterrupt:
        _stop(process, watch)
        return INTERRUPTED_STATUS
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    watch.join()
    if returncode == 1 and watch.errors:
        # QEMU exits with 1 when it cannot start the VM, which the exit device would
        # otherwise make look like the program's status 0.
        raise CairnError("QEMU could not run the image: " + "; ".join(watch.errors))
    watch.replay_errors()
    return decode_status(returncode, exit_device)


def decode_status(returncode, used_exit_device):
    """QEMU's isa-debug-exit makes QEMU exit with 2N+1 for guest status N."""
    if returncode < 0:
        raise CairnError(f"QEMU was killed by signal {-returncode}")
    if returncode == 0:
        return 0  # powered off without a status (no exit device)
    if used_exit_device and returncode % 2 == 1:
        return (returncode - 1) // 2
    raise CairnError(f"QEMU failed with status {returncode}")


def _die_with_parent(parent):
    """A preexec_fn asking Linux to SIGKILL the child when its parent exits."""
    def arrange():
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            return  # not Linux: the VM outlives a killed `cairn run`, as before
        if os.getppid() != parent:
            os._exit(1)  # the parent died before the request took effect
    return arrange


PR_SET_PDEATHSIG = 1


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _stop(process, watch):
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    watch.join()
    watch.replay_errors()


class _StderrWatch(threading.Thread):
    """Copies QEMU's stderr through as it comes, holding back QEMU's own error lines
    ("qemu-system-x86_64: ...", not warnings) so a failure to start is one line."""

    def __init__(self, stream, program):
        super().__init__(daemon=True)
        self.stream = stream
        self.prefix = program + ": "
        self.errors = []

    def run(self):
        out = sys.stderr.buffer if hasattr(sys.stderr, "buffer") else None
        for raw in iter(self.stream.readline, b""):
            line = raw.decode(errors="replace").rstrip("\n")
            if line.startswith(self.prefix) and not line[len(self.prefix):].startswith("warning:"):
                self.errors.append(line[len(self.prefix):])
            elif out is not None:
                out.write(raw)
                out.flush()
            else:
                print(line, file=sys.stderr, flush=True)
        self.stream.close()

    def replay_errors(self):
        for e in self.errors:
            print(self.prefix + e, file=sys.stderr, flush=True)
