"""The QEMU command line for a Cairn image: machine, accelerator, console, the exit
device, and virtio devices on the transport the machine has (virtio-mmio on microvm,
virtio-pci on q35 and pc)."""
import collections
import dataclasses
import os
import shlex
import shutil
import typing

from . import CairnError

MACHINES = ("microvm", "q35", "pc")
# The guest writes its status N to port 0xf4; QEMU then exits with 2N+1.
EXIT_DEVICE = "isa-debug-exit,iobase=0xf4,iosize=0x04"
GDB_PORT = 1234   # QEMU's -s

Share = collections.namedtuple("Share", "path tag")


@dataclasses.dataclass
class VmSpec:
    """Everything `cairn run` decided about one VM, with paths already checked."""
    image: str
    machine: str = "microvm"
    accel: str = "tcg"
    cpu: typing.Optional[str] = None
    mem: str = "64M"
    initrd: typing.Optional[str] = None
    kernel_options: typing.List[str] = dataclasses.field(default_factory=list)
    app_args: typing.List[str] = dataclasses.field(default_factory=list)
    exit_device: bool = True
    disks: typing.List[str] = dataclasses.field(default_factory=list)
    shares: typing.List[Share] = dataclasses.field(default_factory=list)
    nets: typing.List[str] = dataclasses.field(default_factory=list)   # netdev options after "user"
    rngs: int = 0   # virtio-rng devices (QEMU's built-in entropy backend)
    virtconsole: typing.Optional[str] = None   # file that receives the virtio console port
    debug: bool = False


def find_qemu():
    name = os.environ.get("CAIRN_QEMU", "qemu-system-x86_64")
    qemu = shutil.which(name)
    if not qemu:
        raise CairnError(f"QEMU not found ({name}); install it with: make deps, "
                         f"or point CAIRN_QEMU at qemu-system-x86_64")
    return qemu


# --- Option values, checked before anything starts -----------------------------------

def existing_file(path):
    if not os.path.isfile(path):
        raise CairnError(f"no such file: {path}")
    return os.path.abspath(path)


class ReadOnlyDisk(str):
    """A --disk-ro path: the device offers VIRTIO_BLK_F_RO and QEMU opens the file read-only."""


def readonly_disk(path):
    return ReadOnlyDisk(existing_file(path))


def output_file(path):
    """A file QEMU creates (or truncates) and writes: its directory must exist."""
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise CairnError(f"no such directory: {directory}")
    if os.path.isdir(path):
        raise CairnError(f"is a directory: {path}")
    return os.path.abspath(path)


def share(value):
    """HOSTDIR:TAG; the tag is what the guest mounts (the last ':' separates it)."""
    path, colon, tag = value.rpartition(":")
    if not colon or not path or not tag:
        raise CairnError(f"expected HOSTDIR:TAG, got '{value}' "
                         f"(the tag names the share in the guest)")
    if not os.path.isdir(path):
        raise CairnError(f"not a directory: {path}")
    return Share(os.path.abspath(path), tag)


def user_net(value):
    """user[,hostfwd=...][,...]: QEMU user networking, the only backend supported (it
    needs no privileges and reaches the guest through forwarded host ports)."""
    backend, _, options = value.partition(",")
    if backend != "user":
        raise CairnError(f"only the 'user' backend is supported, got '{backend}' "
                         f"(e.g. --net user,hostfwd=tcp:127.0.0.1:8080-:80)")
    if any(o.startswith("id=") for o in options.split(",")):
        raise CairnError("do not give id=: cairn names the network devices itself")
    return options


# --- The command line ------------------------------------------------------------------

def command_line(qemu, spec):
    command = [qemu, "-M", spec.machine, "-accel", spec.accel,
               "-cpu", spec.cpu or ("host" if spec.accel == "kvm" else "max"), "-m", spec.mem,
               "-nodefaults", "-no-user-config", "-display", "none", "-serial", "stdio",
               "-no-reboot", "-kernel", spec.image]
    if spec.exit_device:
        command += ["-device", EXIT_DEVICE]
    if spec.initrd:
        command += ["-initrd", spec.initrd]
    if spec.machine == "microvm":
        # QEMU 7.2's microvm makes virtio-mmio devices legacy (version 1) by default;
        # Cairn drives the modern interface (version 2), which Firecracker also offers.
        command += ["-global", "virtio-mmio.force-legacy=false"]
    command += device_arguments(spec)
    if spec.debug:
        command += ["-s", "-S"]
    cmdline = kernel_command_line(spec.kernel_options, spec.app_args)
    if cmdline:
        command += ["-append", cmdline]
    return command



def device_arguments(spec):
    """virtio-blk, virtio-9p, virtio-net and virtio-rng, numbered in the order given. On microvm
    QEMU adds the virtio_mmio.device= entries to the kernel command line itself."""
    transport = "device" if spec.machine == "microvm" else "pci"
    args = []
    for n, disk in enumerate(spec.disks):
        readonly = ",readonly=on" if isinstance(disk, ReadOnlyDisk) else ""
        args += ["-drive", f"file={_opt(disk)},format=raw,if=none,id=disk{n}{readonly}",
                 "-device", f"virtio-blk-{transport},drive=disk{n}"]
    for n, s in enumerate(spec.shares):
        args += ["-fsdev", f"local,id=fs{n},path={_opt(s.path)},security_model=none",
                 "-device", f"virtio-9p-{transport},fsdev=fs{n},mount_tag={_opt(s.tag)}"]
    for n, options in enumerate(spec.nets):
        args += ["-netdev", f"user,id=net{n}" + (f",{options}" if options else ""),
                 "-device", f"virtio-net-{transport},netdev=net{n}"]
    for _ in range(spec.rngs):
        args += ["-device", f"virtio-rng-{transport}"]
    if spec.virtconsole:
        # A virtio-serial device whose port 0 is a console (hvc0) written to a file.
        args += ["-device", f"virtio-serial-{transport}",
                 "-chardev", f"file,id=vcon0,path={_opt(spec.virtconsole)}",
                 "-device", "virtconsole,chardev=vcon0"]
    return args


def kernel_command_line(options, app_args):
    """`kernel options -- application arguments`, quoted as the guest's parser reads
    them (shell-like), so an argument with spaces stays one argument."""
    words = [shlex.quote(o) for o in options]
    if app_args:
        words += ["--"] + [shlex.quote(a) for a in app_args]
    return " ".join(words)


def _opt(value):
    """A value inside a QEMU option list, where ',' must be doubled."""
    return value.replace(",", ",,")
