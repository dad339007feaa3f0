"""`cairn build`: configures (when needed) and builds an application repository
against the Cairn checkout this tool lives in, then names the images it holds."""
import os
import re
import shutil
import subprocess

from . import CAIRN_ROOT, CairnError, elf

CAIRN_CMAKE_DIR = os.path.join(CAIRN_ROOT, "cmake")


def build_command(args):
    source = os.path.abspath(args.dir)
    if not os.path.isfile(os.path.join(source, "CMakeLists.txt")):
        raise CairnError(f"{args.dir} has no CMakeLists.txt "
                         f"(create an application with: cairn new DIR)")
    build_dir = os.path.abspath(args.build_dir or os.path.join(source, "build"))
    cmake = shutil.which("cmake")
    if not cmake:
        raise CairnError("cmake not found; install it with: make deps")
    configure = configure_command(cmake, source, build_dir)
    if configure:
        _step(configure, f"configuring {args.dir}")
    _step([cmake, "--build", build_dir], f"building {args.dir}")
    images = find_images(build_dir)
    if not images:
        raise CairnError(f"no image in {build_dir} (does CMakeLists.txt call "
                         f"cairn_add_unikernel()?)")
    for image in images:
        print(f"cairn: built {_shown(image)}")
    return 0


def configure_command(cmake, source, build_dir):
    """The configure step, or None when the build directory is already configured for
    this Cairn checkout (`cmake --build` re-runs CMake by itself when inputs change)."""
    cached = cached_cairn_dir(build_dir)
    if cached is None:
        return [cmake, "-S", source, "-B", build_dir, "-G", "Ninja",
                f"-DCairn_DIR={CAIRN_CMAKE_DIR}"]
    if os.path.realpath(cached) != os.path.realpath(CAIRN_CMAKE_DIR):
        # Configured against another checkout: point it at this one.
        return [cmake, "-S", source, "-B", build_dir, f"-DCairn_DIR={CAIRN_CMAKE_DIR}"]
    return None


def cached_cairn_dir(build_dir):
    """Cairn_DIR from the build directory's CMakeCache.txt: None if it is not configured
    (or a failed configure left no build files), "" if it is set some other way."""
    cache = os.path.join(build_dir, "CMakeCache.txt")
    if not os.path.isfile(cache) or not os.path.isfile(os.path.join(build_dir, "build.ninja")):
        return None
    with open(cache, errors="replace") as f:
        for line in f:
            match = re.match(r"^Cairn_DIR:[A-Z]+=(.*)$", line.rstrip("\n"))
            if match:
                return match.group(1)
    return ""


def find_images(build_dir):
    """Images are the ELF files that have a link map next to them (cairn_add_unikernel
    writes <image>.map)."""
    images = []
    for directory, _, files in os.walk(build_dir):
        for name in files:
            if name.endswith(".map"):
                image = os.path.join(directory, name[:-len(".map")])
                if os.path.isfile(image) and elf.is_elf(image):
                    images.append(image)
    return sorted(images)


def _step(command, what):
    status = subprocess.run(command).returncode
    if status != 0:
        raise CairnError(f"{what} failed (cmake exited with status {status})")


def _shown(path):
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative
