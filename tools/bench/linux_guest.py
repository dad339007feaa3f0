"""A Linux guest serving examples/httpd, for the HTTP benchmark (httpbench.py) to compare
Cairn's guest with a Linux guest on the same QEMU settings.

The kernel is Debian's cloud kernel (the package `linux-image-cloud-amd64` depends on),
fetched with `apt-get download` and unpacked with `dpkg-deb -x` into the cache (nothing
is installed on the host), once per package version: <cache>/linux-guest-<package>_<version>,
<cache> being $CAIRN_CACHE_DIR, else $XDG_CACHE_HOME/cairn, else ~/.cache/cairn, as for
lwIP (libs/lwip/fetch-lwip.sh). Only the kernel, its config and the virtio modules are
kept.

The initramfs (cpio newc, written here) holds a static /init (linux_guest/init.c), the
httpd sources built with `cc -static`, the site under /www and the modules virtio-net
needs on either transport (virtio_mmio for microvm, virtio_pci for q35) with their
dependencies, in load order. /init loads them, configures eth0 as QEMU user networking's
DHCP would (10.0.2.15/24 via 10.0.2.2), runs the server and powers off when it exits.

The QEMU command line is `cairn run`'s (tools/cairn_tool/qemu.py: same -M, -accel,
-cpu, devices, and on microvm the same virtio-mmio settings), with the Linux kernel as
-kernel and no exit device. On microvm the kernel finds the virtio-mmio devices through
ACPI (this kernel lacks CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES, so QEMU's automatic
virtio_mmio.device= entries are ignored).

prepare() raises Unavailable with the reason when something is missing (no apt, no
network, no static libc); the benchmark then goes on without the Linux guest.
"""
import fcntl
import glob
import gzip
import lzma
import os
import shutil
import stat
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.realpath(__file__))
ROOT = os.path.realpath(os.path.join(HERE, "..", ".."))
META_PACKAGE = "linux-image-cloud-amd64"
# What virtio-net needs on microvm (virtio-mmio) and q35 (virtio-pci); their
# dependencies are added from the modules' own metadata.
WANTED_MODULES = ("virtio_mmio", "virtio_pci", "virtio_net")
KERNEL_OPTIONS = ["console=ttyS0", "quiet", "panic=-1"]


class Unavailable(Exception):
    """The Linux guest cannot be built here; str() says why."""


def cache_root():
    if os.environ.get("CAIRN_CACHE_DIR"):
        return os.environ["CAIRN_CACHE_DIR"]
    if os.environ.get("XDG_CACHE_HOME"):
        return os.path.join(os.environ["XDG_CACHE_HOME"], "cairn")
    return os.path.join(os.path.expanduser("~"), ".cache", "cairn")


def _run(command, **kwargs):
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=300, **kwargs)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise Unavailable(f"{command[0]} failed: {e}")


def resolve_package():
    """(package, version) of the kernel the meta-package currently depends on."""
    if not shutil.which("apt-cache"):
        raise Unavailable("no apt-cache on this machine")
    deps = _run(["apt-cache", "depends", META_PACKAGE]).stdout
    package = None
    for line in deps.splitlines():
        word = line.strip()
        if word.startswith("Depends:") and "linux-image-" in word:
            package = word.split(":", 1)[1].strip()
            break
    if not package:
        raise Unavailable(f"apt-cache does not know {META_PACKAGE} (no Debian package lists?)")
    show = _run(["apt-cache", "show", "--no-all-versions", package]).stdout
    version = next((l.split(":", 1)[1].strip() for l in show.splitlines()
                    if l.startswith("Version:")), None)
    if not version:
        raise Unavailable(f"apt-cache shows no version of {package}")
    return package, version


def _cached_any():
    found = sorted(glob.glob(os.path.join(cache_root(), "linux-guest-*", ".complete")))
    return os.path.dirname(found[-1]) if found else None


def fetch_kernel(log=print):
    """The cache directory holding boot/vmlinuz-* and the modules; fetched if needed.
    When apt cannot give the current version, an older one in the cache will do."""
    try:
        return _fetch_current(log)
    except Unavailable:
        cached = _cached_any()
        if cached:
            return cached
        raise


def _fetch_current(log):
    package, version = resolve_package()
    root = cache_root()
    out = os.path.join(root, f"linux-guest-{package}_{version}")
    if os.path.exists(os.path.join(out, ".complete")):
        return out
    os.makedirs(root, exist_ok=True)
    with open(out + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if os.path.exists(os.path.join(out, ".complete")):
            return out
        for tool in ("apt-get", "dpkg-deb"):
            if not shutil.which(tool):
                raise Unavailable(f"no {tool} on this machine")
        log(f"fetching {package} {version} (apt-get download) into {out}")
        with tempfile.TemporaryDirectory(dir=root) as tmp:
            done = _run(["apt-get", "download", f"{package}={version}"], cwd=tmp)
            debs = glob.glob(os.path.join(tmp, "*.deb"))
            if done.returncode != 0 or not debs:
                raise Unavailable(f"apt-get download {package}={version} failed: "
                                  + (done.stderr.strip().splitlines() or ["?"])[-1])
            tree = os.path.join(tmp, "tree")
            done = _run(["dpkg-deb", "-x", debs[0], tree])
            if done.returncode != 0:
                raise Unavailable(f"dpkg-deb -x failed: {done.stderr.strip()}")
            shutil.rmtree(out, ignore_errors=True)
            _keep_what_is_needed(tree, out)
        with open(os.path.join(out, ".complete"), "w") as f:
            f.write(f"{package} {version}\n")
    return out


def _module_dir(tree):
    dirs = glob.glob(os.path.join(tree, "lib", "modules", "*"))
    if len(dirs) != 1:
        raise Unavailable(f"expected one lib/modules/<version> in the kernel package, found {dirs}")
    return dirs[0]


def _keep_what_is_needed(tree, out):
    """Copies boot/ (vmlinuz, config, System.map) and the wanted modules with their
    dependencies (paths kept) from the unpacked package to out."""
    shutil.copytree(os.path.join(tree, "boot"), os.path.join(out, "boot"))
    moddir = _module_dir(tree)
    target = os.path.join(out, os.path.relpath(moddir, tree))
    os.makedirs(target)
    for name in ("modules.dep", "modules.builtin", "modules.order"):
        if os.path.exists(os.path.join(moddir, name)):
            shutil.copy(os.path.join(moddir, name), target)
    for path in load_order(moddir):
        rel = os.path.relpath(path, moddir)
        os.makedirs(os.path.dirname(os.path.join(target, rel)), exist_ok=True)
        shutil.copy(path, os.path.join(target, rel))


# --- Modules -----------------------------------------------------------------------------

MODULE_SUFFIXES = (".ko", ".ko.xz", ".ko.gz", ".ko.zst")


def _module_name(path):
    base = os.path.basename(path)
    for suffix in MODULE_SUFFIXES:
        if base.endswith(suffix):
            return base[:-len(suffix)].replace("-", "_")
    return None


def _module_bytes(path):
    """The module's ELF; compressed modules are decompressed (finit_module of a
    compressed module needs the kernel to support that format)."""
    if path.endswith(".xz"):
        return lzma.decompress(open(path, "rb").read())
    if path.endswith(".gz"):
        return gzip.decompress(open(path, "rb").read())
    if path.endswith(".zst"):
        if not shutil.which("zstd"):
            raise Unavailable(f"{os.path.basename(path)} is zstd-compressed and there is no zstd")
        return subprocess.run(["zstd", "-dc", path], capture_output=True, check=True).stdout
    return open(path, "rb").read()


def _modinfo_depends(data):
    """The depends= field of an ELF64 module's .modinfo section."""
    if data[:4] != b"\x7fELF" or data[4] != 2:
        raise Unavailable("a kernel module is not ELF64")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    headers = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
               for i in range(shnum)]
    names = headers[shstrndx][4]
    for h in headers:
        name = data[names + h[0]:data.index(b"\0", names + h[0])]
        if name == b".modinfo":
            for field in data[h[4]:h[4] + h[5]].split(b"\0"):
                if field.startswith(b"depends="):
                    return [d for d in field[8:].decode().split(",") if d]
            return []
    return []


def load_order(moddir, wanted=WANTED_MODULES):
    """Paths of the wanted modules and what they depend on, dependencies first. From
    modules.dep when the package has it (Debian's is written by depmod at install
    time, so usually not), else from each module's .modinfo."""
    builtin = set()
    if os.path.exists(os.path.join(moddir, "modules.builtin")):
        with open(os.path.join(moddir, "modules.builtin")) as f:
            builtin = {_module_name(l.strip()) for l in f if l.strip()}
    paths = {}
    for directory, _, files in os.walk(moddir):
        for f in files:
            name = _module_name(f)
            if name:
                paths[name] = os.path.join(directory, f)
    dep_file = {}
    if os.path.exists(os.path.join(moddir, "modules.dep")):
        with open(os.path.join(moddir, "modules.dep")) as f:
            for line in f:
                module, _, deps = line.partition(":")
                dep_file[_module_name(module)] = [_module_name(d) for d in deps.split()]

    order = []

    def visit(name, chain):
        if name in order or name in builtin:
            return
        if name in chain:
            raise Unavailable(f"module dependency loop through {name}")
        if name not in paths:
            raise Unavailable(f"the kernel has no module {name} (and it is not built in)")
        deps = dep_file[name] if name in dep_file else _modinfo_depends(_module_bytes(paths[name]))
        for d in deps:
            visit(d, chain + [name])
        order.append(name)

    for name in wanted:
        visit(name, [])
    return [paths[n] for n in order]


# --- The initramfs -----------------------------------------------------------------------

class Cpio:
    """cpio newc, as examples/httpd/mksite.py writes it, plus device nodes."""

    def __init__(self):
        self.data = bytearray()
        self.ino = 0

    def add(self, name, mode, data=b"", rdev=(0, 0)):
        self.ino += 1
        encoded = name.encode() + b"\0"
        fields = (self.ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1],
                  len(encoded), 0)
        self.data += b"070701" + b"".join(b"%08X" % v for v in fields) + encoded
        self.data += b"\0" * (-len(self.data) % 4)
        self.data += data
        self.data += b"\0" * (-len(self.data) % 4)

    def add_tree(self, source, prefix):
        for directory, subdirs, files in os.walk(source):
            subdirs.sort()
            rel = os.path.relpath(directory, source)
            here = prefix if rel == "." else f"{prefix}/{rel}"
            self.add(here, 0o40755)
            for name in sorted(files):
                with open(os.path.join(directory, name), "rb") as f:
                    self.add(f"{here}/{name}", 0o100644, f.read())

    def finish(self):
        self.ino = -1
        self.add("TRAILER!!!", 0)
        self.data += b"\0" * (-len(self.data) % 512)
        return bytes(self.data)


def _static_binary(sources, out):
    done = _run(["cc", "-O2", "-static", "-o", out] + sources)
    if done.returncode != 0:
        raise Unavailable("cc -static failed (is libc6-dev's libc.a installed?): "
                          + done.stderr.strip()[-300:])
    return out


def host_tsc_khz(workdir):
    """The host's TSC frequency (linux_guest/tsc_khz.c), or None."""
    binary = os.path.join(workdir, "tsc_khz")
    if _run(["cc", "-O2", "-o", binary, os.path.join(HERE, "linux_guest", "tsc_khz.c")]).returncode:
        return None
    out = _run([binary]).stdout.strip()
    return int(out) if out.isdigit() and int(out) > 0 else None


class LinuxGuest:
    def __init__(self, kernel, initrd, description, tsc_khz=None):
        self.kernel, self.initrd, self.description = kernel, initrd, description
        self.tsc_khz = tsc_khz

    def kernel_options(self, accel):
        """Under TCG the guest's TSC is the host's: tell the kernel its frequency
        (tsc_early_khz=) instead of letting it calibrate against the PIT, which under
        TCG fails now and then and stalls the boot on microvm (linux_guest/tsc_khz.c).
        Under KVM the kernel has kvm-clock."""
        options = list(KERNEL_OPTIONS)
        if accel == "tcg" and self.tsc_khz:
            options.append(f"tsc_early_khz={self.tsc_khz}")
        return options

    def command(self, machine, accel, mem, net_options):
        """The QEMU command line `cairn run` would build for these settings."""
        sys.path.insert(0, os.path.join(ROOT, "tools"))
        from cairn_tool import qemu  # noqa: E402
        spec = qemu.VmSpec(image=self.kernel, machine=machine, accel=accel, mem=mem,
                           initrd=self.initrd, kernel_options=self.kernel_options(accel),
                           exit_device=False, nets=[net_options])
        return qemu.command_line(qemu.find_qemu(), spec)


def prepare(www, workdir, httpd_args, log=print):
    """Fetches the kernel (cached) and writes workdir/linux-initramfs.cpio: the
    returned LinuxGuest runs `/httpd httpd_args...` serving www as /www."""
    cache = fetch_kernel(log)
    kernels = glob.glob(os.path.join(cache, "boot", "vmlinuz-*"))
    if not kernels:
        raise Unavailable(f"no boot/vmlinuz-* in {cache}")
    moddir = _module_dir(cache)
    modules = load_order(moddir)

    example = os.path.join(ROOT, "examples", "httpd", "src")
    httpd = _static_binary(sorted(glob.glob(os.path.join(example, "*.c"))),
                           os.path.join(workdir, "httpd-static"))
    init = _static_binary([os.path.join(HERE, "linux_guest", "init.c")],
                          os.path.join(workdir, "init-static"))
    cpio = Cpio()
    for directory in ("dev", "proc", "modules"):
        cpio.add(directory, 0o40755)
    cpio.add("dev/console", stat.S_IFCHR | 0o600, rdev=(5, 1))
    cpio.add("dev/null", stat.S_IFCHR | 0o666, rdev=(1, 3))
    listed = []
    for path in modules:
        name = f"modules/{_module_name(path)}.ko"
        cpio.add(name, 0o100644, _module_bytes(path))
        listed.append("/" + name)
    cpio.add("modules.list", 0o100644, ("\n".join(listed) + "\n").encode())
    cpio.add("httpd.args", 0o100644, ("\n".join(httpd_args) + "\n").encode())
    for name, path in (("init", init), ("httpd", httpd)):
        with open(path, "rb") as f:
            cpio.add(name, 0o100755, f.read())
    cpio.add_tree(www, "www")
    initrd = os.path.join(workdir, "linux-initramfs.cpio")
    with open(initrd, "wb") as f:
        f.write(cpio.finish())
    with open(os.path.join(cache, ".complete")) as f:
        package = f.read().strip()
    names = ", ".join(_module_name(p) for p in modules)
    tsc_khz = host_tsc_khz(workdir)
    guest = LinuxGuest(kernels[0], initrd, "", tsc_khz)
    guest.description = (f"Debian {package}, modules {names}; "
                         f"cmdline under TCG '{' '.join(guest.kernel_options('tcg'))}'")
    return guest


if __name__ == "__main__":
    # Build only: linux_guest.py WWW WORKDIR [httpd args...]
    guest = prepare(sys.argv[1], sys.argv[2], sys.argv[3:] or ["--test", "8080", "/www"])
    print(guest.kernel, guest.initrd, guest.description, sep="\n")
