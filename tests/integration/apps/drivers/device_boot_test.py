#!/usr/bin/env python3
"""boot_test.py with devices: `--run-option OPT` (repeatable) is added to the
`cairn run` command that boot_test.py builds, e.g. `--run-option=--rng`. Every other
argument is boot_test.py's. Interim: boot_test.py has no pass-through for `cairn run`
options yet; once it has, these tests can call it directly."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.realpath(__file__)), "..", ".."))
import boot_test  # noqa: E402


def main():
    extra, rest = [], []
    for arg in sys.argv[1:]:
        if arg.startswith("--run-option="):
            extra.append(arg.split("=", 1)[1])
        else:
            rest.append(arg)
    real_run = subprocess.run

    def run_with_devices(command, *args, **kwargs):
        # [python, cairn, "run", IMAGE, options...]: the devices go after the image.
        if isinstance(command, list) and command[1:3] == [boot_test.CAIRN, "run"]:
            command = command[:4] + extra + command[4:]
        return real_run(command, *args, **kwargs)

    subprocess.run = run_with_devices
    sys.argv = [sys.argv[0]] + rest
    return boot_test.main()


if __name__ == "__main__":
    sys.exit(main())
