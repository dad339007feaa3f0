"""`cairn new`: a new application repository, ready for `cairn build`."""
import os
import re

from . import CAIRN_ROOT, CairnError

# Names CMake or Cairn already use for targets in an application's build directory.
RESERVED_NAMES = {"all", "clean", "help", "install", "test", "package", "package_source",
                  "edit_cache", "rebuild_cache", "run", "menuconfig", "defconfig",
                  "olddefconfig", "savedefconfig", "cairn"}
_NAME = re.compile(r"^[A-Za-z0-9_-]+$")

CMAKELISTS = """\
cmake_minimum_required(VERSION 3.20)
project({name} {languages})
find_package(Cairn REQUIRED)
cairn_add_unikernel({name} SOURCES {source} CONFIG ${{CMAKE_CURRENT_SOURCE_DIR}}/app.conf)
"""

MAIN_C = """\
// {name}: an ordinary C program that Cairn links into a bootable image. What main
// returns ends the VM and becomes the exit status of `cairn run` (use 0-126).
#include <stdio.h>

int main(int argc, char** argv) {{
  printf("Hello from {name}!\\n");
  for (int i = 1; i < argc; ++i) printf("argv[%d] = %s\\n", i, argv[i]);
  return 0;
}}
"""

MAIN_CPP = """\
// {name}: an ordinary C++ program that Cairn links into a bootable image. What main
// returns ends the VM and becomes the exit status of `cairn run` (use 0-126).
#include <cstdio>
#include <span>

int main(int argc, char** argv) {{
  std::printf("Hello from {name}!\\n");
  std::span<char*> args(argv, static_cast<std::size_t>(argc));
  for (std::size_t i = 1; i < args.size(); ++i) std::printf("argv[%zu] = %s\\n", i, args[i]);
  return 0;
}}
"""

APP_CONF = """\
# Configuration fragment for {name}: merged over Cairn's defaults when the build
# directory is configured. One CONFIG_<SYMBOL>=<value> per line, for example:
# CONFIG_STACK_PROTECTOR_STRONG=y
# The symbols: {root}/docs/configuration.md, or `cmake --build build --target menuconfig`.
"""

GITIGNORE = "build/\n"

README = """\
# {name}

A Cairn unikernel: `{source}` is linked with the operating-system
libraries that `app.conf` selects into one bootable image.

Build and run it (`cairn` is `{root}/tools/cairn`):

```sh
{commands}```

`cairn run` exits with the status `main` returns; `cairn run --help` lists the devices
(disks, shared directories, networking) and `--debug` for gdb.

The same with plain CMake:

```sh
cmake -S . -B build -G Ninja -DCairn_DIR={root}/cmake
cmake --build build
```

`app.conf` holds configuration fragments (`CONFIG_...=y`) merged over Cairn's defaults.
"""


def new_command(args):
    directory = args.dir
    name = args.name or os.path.basename(os.path.normpath(os.path.abspath(directory)))
    check_name(name, given=args.name is not None)
    check_directory(directory)
    for filename, contents in files(name, args.lang).items():
        _write(os.path.join(directory, filename), contents)
    print(f"cairn: created {name} in {directory}; build it with: cd {directory} && cairn build")
    return 0


def files(name, lang):
    """The repository's files, name -> contents."""
    source = "main.cpp" if lang == "cxx" else "main.c"
    values = {"name": name, "source": source, "root": CAIRN_ROOT,
              "languages": "C CXX" if lang == "cxx" else "C",
              "commands": _commented([
                  ("cairn build", f"configure (first time) and build: writes build/{name}"),
                  (f"cairn run build/{name} -- a b", "boot it under QEMU; main gets a, b")])}
    return {
        "CMakeLists.txt": CMAKELISTS.format(**values),
        source: (MAIN_CPP if lang == "cxx" else MAIN_C).format(**values),
        "app.conf": APP_CONF.format(**values),
        ".gitignore": GITIGNORE,
        "README.md": README.format(**values),
    }


def check_name(name, given):
    """The name becomes a CMake project and target name, and the image's file name."""
    origin = "" if given else " (taken from the directory; choose one with --name)"
    if not _NAME.match(name):
        raise CairnError(f"invalid name '{name}'{origin}: use letters, digits, '_' and '-'")
    if name.startswith("-"):
        raise CairnError(f"invalid name '{name}'{origin}: it must not start with '-'")
    if name in RESERVED_NAMES or name.startswith("cairn_"):
        raise CairnError(f"the name '{name}'{origin} is reserved for a build target")


def check_directory(directory):
    if os.path.exists(directory):
        if not os.path.isdir(directory):
            raise CairnError(f"{directory} exists and is not a directory")
        if os.listdir(directory):
            raise CairnError(f"{directory} exists and is not empty")
    else:
        os.makedirs(directory)


def _commented(lines):
    """Shell lines with their comments aligned."""
    width = max(len(command) for command, _ in lines) + 2
    return "".join(f"{command:<{width}}# {comment}\n" for command, comment in lines)


def _write(path, contents):
    with open(path, "w") as f:
        f.write(contents)
