"""Choosing the accelerator: KVM only after a probe shows it really runs a guest like
ours, otherwise TCG.

/dev/kvm may exist yet be unable to run such a guest (nested set-ups that emulate
instructions badly), so the probe boots a tiny guest (tools/kvm-probe.S) that uses SSE
and XSAVE and ends with a known status. The verdict is cached per boot of the host and
per QEMU binary, so only the first run on a boot pays for it."""
import hashlib
import os
import subprocess
import tempfile

from . import TOOLS_DIR, CairnError
from .qemu import EXIT_DEVICE

PROBE_STATUS = (0x2A << 1) | 1   # the probe guest exits with 0x2a through isa-debug-exit


def cache_dir():
    base = os.environ.get("CAIRN_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "cairn")
    os.makedirs(base, exist_ok=True)
    return base


def build_probe():
    """Assembles the probe guest once (cached by the source's hash)."""
    source = os.path.join(TOOLS_DIR, "kvm-probe.S")
    with open(source, "rb") as f:
        key = hashlib.sha256(f.read()).hexdigest()[:16]
    elf = os.path.join(cache_dir(), f"kvm-probe-{key}.elf")
    if not os.path.exists(elf):
        with tempfile.TemporaryDirectory() as tmp:
            obj = os.path.join(tmp, "probe.o")
            subprocess.run(["cc", "-c", "-o", obj, source], check=True)
            subprocess.run(["ld", "-m", "elf_x86_64", "-Ttext=0x100000", "-e", "probe_start",
                            "-o", elf + ".tmp", obj], check=True)
            os.replace(elf + ".tmp", elf)
    return elf


def kvm_usable(qemu):
    """True when KVM really runs a guest that uses SSE and XSAVE (cached verdict)."""
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return False
    verdict = _verdict_path(qemu)
    if os.path.exists(verdict):
        with open(verdict) as f:
            return f.read().strip() == "yes"
    ok = _run_probe(qemu)
    with open(verdict, "w") as f:
        f.write("yes\n" if ok else "no\n")
    return ok


def _verdict_path(qemu):
    try:
        with open("/proc/sys/kernel/random/boot_id") as f:
            boot = f.read().strip()
    except OSError:
        boot = "unknown"
    key = hashlib.sha256(f"{boot}|{qemu}|{os.stat(qemu).st_mtime}".encode()).hexdigest()[:16]
    return os.path.join(cache_dir(), f"kvm-probe-result-{key}")


def _run_probe(qemu):
    command = [qemu, "-M", "microvm", "-accel", "kvm", "-cpu", "host", "-m", "16M",
               "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
               "-device", EXIT_DEVICE, "-kernel", build_probe()]
    try:
        status = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, timeout=10).returncode
    except subprocess.TimeoutExpired:
        return False
    return status == PROBE_STATUS


def choose_accel(qemu, requested):
    """auto: KVM when usable, else TCG. kvm: KVM or a one-line error. tcg: TCG."""
    if requested == "tcg":
        return "tcg"
    if kvm_usable(qemu):
        return "kvm"
    if requested == "kvm":
        raise CairnError("--accel kvm: KVM cannot run this guest here "
                         "(no usable /dev/kvm, or it failed the SSE/XSAVE probe)")
    return "tcg"
