#!/usr/bin/env python3
"""Builds an application repository out of tree against this Cairn checkout, the way a
user does (find_package(Cairn) with -DCairn_DIR), then boots the image with
boot_test.py -- or, with --configure-error, checks that configuring fails with a
message matching the given pattern.

  app_repo_test.py --source APP_DIR --build BUILD_DIR [--configure-error REGEX]
                   [--config FRAGMENT] [boot_test.py options...] [-- app args]
  app_repo_test.py --build-only --source APP_DIR --build BUILD_DIR [--config FRAGMENT]

--config: a fragment merged over the app's own (-DCAIRN_CONFIG).
--build-only: configure and build, no boot (a ctest fixture that other tests boot
the image of: BUILD_DIR/<basename of APP_DIR>).
"""
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.realpath(__file__))
ROOT = os.path.realpath(os.path.join(HERE, "..", ".."))


def main():
    argv = sys.argv[1:]
    build_only = "--build-only" in argv
    if build_only:
        argv.remove("--build-only")
    opts = {}
    for key in ("--source", "--build", "--configure-error", "--config"):
        if key in argv:
            i = argv.index(key)
            opts[key] = argv[i + 1]
            del argv[i:i + 2]
    source, build = opts["--source"], opts["--build"]
    shutil.rmtree(build, ignore_errors=True)
    configure = ["cmake", "-S", source, "-B", build, "-G", "Ninja",
                 f"-DCairn_DIR={ROOT}/cmake", "--log-level=WARNING"]
    if "--config" in opts:  # fragments over the app's own (configs/debug.conf, say)
        configure.append(f"-DCAIRN_CONFIG={os.path.abspath(opts['--config'])}")
    print("$ " + " ".join(configure), flush=True)
    done = subprocess.run(configure, capture_output=True, text=True)
    output = done.stdout + done.stderr
    print(output)
    if "--configure-error" in opts:
        if done.returncode == 0:
            print("FAIL: configuring succeeded; it should have failed")
            return 1
        if not re.search(opts["--configure-error"], output):
            print(f"FAIL: the error does not match {opts['--configure-error']!r}")
            return 1
        return 0
    if done.returncode != 0:
        print("FAIL: configuring the app failed")
        return 1
    done = subprocess.run(["cmake", "--build", build], capture_output=True, text=True)
    if done.returncode != 0:
        print(done.stdout + done.stderr)
        print("FAIL: building the app failed")
        return 1
    if build_only:
        return 0
    name = os.path.basename(os.path.normpath(source))
    image = os.path.join(build, name)
    return subprocess.run([sys.executable, os.path.join(HERE, "boot_test.py"), "--image", image]
                          + argv).returncode


if __name__ == "__main__":
    sys.exit(main())
