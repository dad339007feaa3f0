#!/usr/bin/env python3
"""[M5] acceptance: /dev/urandom, /dev/random, getentropy and getrandom in the guest.

  accept_entropy.py --mode random|none -- BOOT_TEST_ARGS...

random: boots the image twice (boot_test.py with BOOT_TEST_ARGS: --image, --machine,
--run-option=--rng, ...); each boot must find every source working and its bytes not
constant, and the samples the guest prints must differ between the two boots (a source
seeded with a constant would repeat itself).
none: one boot, where every source must fail with EIO.
"""
import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.realpath(__file__))
BOOT_TEST = os.path.join(HERE, "..", "..", "boot_test.py")
REJECT = ["--reject", "FAIL|warning|panic|exception"]
RANDOM_EXPECT = [
    "^/dev/urandom: 4096 bytes, 2[0-9][0-9] distinct values, second read different$",
    "^/dev/random: 64 bytes, [0-9]+ distinct values, second read different$",
    "^getentropy: 256 bytes, [0-9]+ distinct values, second call different$",
    "^getrandom: 65536 bytes, 256 distinct values$",
    "^entropy ok$",
]
NONE_EXPECT = ["^no source: read /dev/urandom -1 EIO, getentropy -1 EIO$", "^entropy ok$"]


def boot(boot_args, expect, app_args):
    command = [sys.executable, BOOT_TEST] + REJECT
    for pattern in expect:
        command += ["--expect", pattern]
    command += boot_args + ["--"] + app_args
    done = subprocess.run(command, capture_output=True, text=True)
    print(done.stdout + done.stderr, flush=True)
    return done.returncode, dict(re.findall(r"^sample (\S+) ([0-9a-f]{32})$", done.stdout, re.M))


def main():
    argv = sys.argv[1:]
    if "--" not in argv:
        sys.exit("usage: accept_entropy.py --mode random|none -- BOOT_TEST_ARGS...")
    i = argv.index("--")
    p = argparse.ArgumentParser()
    p.add_argument("--mode", required=True, choices=("random", "none"))
    args = p.parse_args(argv[:i])
    boot_args = argv[i + 1:]

    if args.mode == "none":
        return 1 if boot(boot_args, NONE_EXPECT, ["none"])[0] else 0
    status1, first = boot(boot_args, RANDOM_EXPECT, [])
    status2, second = boot(boot_args, RANDOM_EXPECT, [])
    if status1 or status2:
        return 1
    sources = ("/dev/urandom", "/dev/random", "getentropy")
    missing = [s for s in sources if s not in first or s not in second]
    if missing:
        print(f"FAIL: no sample from {', '.join(missing)}")
        return 1
    same = [s for s in sources if first[s] == second[s]]
    if same:
        print(f"FAIL: {', '.join(same)} gave the same bytes in two boots")
        return 1
    print("host: every source gave different bytes in two boots")
    return 0


if __name__ == "__main__":
    sys.exit(main())
