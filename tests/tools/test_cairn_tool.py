#!/usr/bin/env python3
"""Tests for the cairn command-line tool (tools/cairn).

ctest runs this file as `tools.cairn` with the images of this build in the environment:

  CAIRN_TEST_IMAGE        a C image that prints its arguments (examples/hello)
  CAIRN_TEST_IMAGE_CXX    a C++ image (examples/hello-cxx)
  CAIRN_TEST_ROOT         the Cairn checkout (default: two directories up from here)

Run it by hand the same way, e.g.
  CAIRN_TEST_IMAGE=build/examples/hello/hello python3 tests/tools/test_cairn_tool.py -v
Tests that need an image are skipped when it is not given and not found in build/.
"""
import os
import re
import shlex
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True   # importing the tool's modules must not litter tools/

ROOT = os.path.realpath(os.environ.get("CAIRN_TEST_ROOT") or
                        os.path.join(os.path.dirname(os.path.realpath(__file__)), "..", ".."))
CAIRN = os.path.join(ROOT, "tools", "cairn")
sys.path.insert(0, os.path.join(ROOT, "tools"))

from cairn_tool import linkmap, runner, size  # noqa: E402


def _image(variable, default):
    path = os.environ.get(variable) or os.path.join(ROOT, "build", default)
    return os.path.abspath(path) if os.path.isfile(path) else None


IMAGE = _image("CAIRN_TEST_IMAGE", "examples/hello/hello")
IMAGE_CXX = _image("CAIRN_TEST_IMAGE_CXX", "examples/hello-cxx/hello-cxx")
needs_image = unittest.skipUnless(IMAGE, "no image: set CAIRN_TEST_IMAGE")
needs_cxx_image = unittest.skipUnless(IMAGE_CXX, "no C++ image: set CAIRN_TEST_IMAGE_CXX")


def cairn(*args, env=None, cwd=None, timeout=300):
    """Runs the tool with this Python, the way a user would run it."""
    full_env = dict(os.environ, **(env or {}))
    return subprocess.run([sys.executable, CAIRN] + list(args), capture_output=True, text=True,
                          env=full_env, cwd=cwd, timeout=timeout)


def option_values(command, option):
    """Every value that follows `option` in a command line."""
    return [command[i + 1] for i, word in enumerate(command[:-1]) if word == option]


class TempDirTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="cairn-tool-test-")
        self.tmp = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def make_file(self, name, contents=b"\0" * 4096):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(contents)
        return path


@needs_image
class DryRunTest(TempDirTest):
    """The QEMU command lines `cairn run --dry-run` prints, for each machine type."""

    def dry_run(self, *args):
        done = cairn("run", IMAGE, "--dry-run", *args)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stderr, "")
        return shlex.split(done.stdout)

    def devices_command(self, machine):
        self.disk0, self.disk1 = self.make_file("disk0.img"), self.make_file("disk,1.img")
        self.initrd = self.make_file("initrd.cpio", b"070701")
        self.share = os.path.join(self.tmp, "share")
        os.mkdir(self.share)
        return self.dry_run(
            "--machine", machine, "--disk", self.disk0, "--disk", self.disk1,
            "--share", f"{self.share}:hostshare", "--net", "user,hostfwd=tcp:127.0.0.1:8080-:80",
            "--net", "user", "--initrd", self.initrd, "--debug",
            "--kernel-option", "vfs.mount=/dev/vda", "-k", "net.ip=10.0.2.15",
            "--", "one", "two words", "it's")

    def check_devices(self, machine, transport):
        command = self.devices_command(machine)
        self.assertEqual(option_values(command, "-M"), [machine])
        self.assertEqual(option_values(command, "-kernel"), [IMAGE])
        self.assertEqual(option_values(command, "-initrd"), [self.initrd])
        self.assertEqual(option_values(command, "-drive"), [
            f"file={self.disk0},format=raw,if=none,id=disk0",
            # A comma in a path is doubled inside a QEMU option list.
            f"file={self.disk1.replace(',', ',,')},format=raw,if=none,id=disk1"])
        self.assertEqual(option_values(command, "-fsdev"),
                         [f"local,id=fs0,path={self.share},security_model=none"])
        self.assertEqual(option_values(command, "-netdev"), [
            "user,id=net0,hostfwd=tcp:127.0.0.1:8080-:80", "user,id=net1"])
        self.assertEqual(option_values(command, "-device"), [
            "isa-debug-exit,iobase=0xf4,iosize=0x04",
            f"virtio-blk-{transport},drive=disk0", f"virtio-blk-{transport},drive=disk1",
            f"virtio-9p-{transport},fsdev=fs0,mount_tag=hostshare",
            f"virtio-net-{transport},netdev=net0", f"virtio-net-{transport},netdev=net1"])
        self.assertIn("-s", command)
        self.assertIn("-S", command)
        (append,) = option_values(command, "-append")
        self.assertEqual(shlex.split(append), ["vfs.mount=/dev/vda", "net.ip=10.0.2.15", "--",
                                               "one", "two words", "it's"])
        return command

    def test_microvm_uses_virtio_mmio_devices(self):
        command = self.check_devices("microvm", "device")
        # QEMU appends the virtio_mmio.device= entries itself (auto-kernel-cmdline).
        self.assertFalse([w for w in command if "auto-kernel-cmdline" in w])

    def test_q35_uses_virtio_pci_devices(self):
        self.check_devices("q35", "pci")

    def test_pc_uses_virtio_pci_devices(self):
        self.check_devices("pc", "pci")

    def test_defaults(self):
        command = self.dry_run()
        self.assertEqual(option_values(command, "-M"), ["microvm"])
        self.assertEqual(option_values(command, "-m"), ["64M"])
        self.assertEqual(option_values(command, "-serial"), ["stdio"])
        self.assertIn("-no-reboot", command)
        self.assertNotIn("-append", command)
        for absent in ("-s", "-S", "-initrd", "-drive", "-fsdev", "-netdev"):
            self.assertNotIn(absent, command)

    def test_existing_options_keep_their_meaning(self):
        command = self.dry_run("--machine", "q35", "--mem", "128M", "--cpu", "qemu64",
                               "--accel", "tcg", "--timeout", "5", "--no-exit-device")
        self.assertEqual(option_values(command, "-cpu"), ["qemu64"])
        self.assertEqual(option_values(command, "-m"), ["128M"])
        self.assertEqual(option_values(command, "-accel"), ["tcg"])
        self.assertFalse([w for w in command if w.startswith("isa-debug-exit")])

    def test_readonly_disk_keeps_its_place_among_disks(self):
        disk0, disk1 = self.make_file("a.img"), self.make_file("b.img")
        command = self.dry_run("--disk", disk0, "--disk-ro", disk1)
        self.assertEqual(option_values(command, "-drive"), [
            f"file={disk0},format=raw,if=none,id=disk0",
            f"file={disk1},format=raw,if=none,id=disk1,readonly=on"])

    def test_virtconsole_on_each_transport(self):
        port = os.path.join(self.tmp, "hvc0,log.txt")
        for machine, transport in (("microvm", "device"), ("q35", "pci")):
            command = self.dry_run("--machine", machine, "--virtconsole", port)
            self.assertEqual(option_values(command, "-chardev"),
                             [f"file,id=vcon0,path={port.replace(',', ',,')}"])
            self.assertEqual(option_values(command, "-device")[1:], [
                f"virtio-serial-{transport}", "virtconsole,chardev=vcon0"])
            # microvm keeps ACPI: Cairn finds virtio-mmio devices in the DSDT too.
            self.assertNotIn("acpi=off", option_values(command, "-machine"))

    def test_virtconsole_needs_an_existing_directory(self):
        done = cairn("run", IMAGE, "--dry-run", "--virtconsole", os.path.join(self.tmp, "no", "f"))
        self.assertEqual(done.returncode, 2)
        self.assertRegex(done.stderr, r"argument --virtconsole: no such directory")


class ErrorTest(TempDirTest):
    """Every error is one line `cairn: ...` on stderr with status 2, nothing on stdout."""

    def assert_one_line_error(self, done, pattern):
        self.assertEqual(done.returncode, 2, done.stdout + done.stderr)
        self.assertEqual(done.stdout, "")
        lines = done.stderr.splitlines()
        self.assertEqual(len(lines), 1, done.stderr)
        self.assertTrue(lines[0].startswith("cairn: "), lines[0])
        self.assertRegex(lines[0], pattern)

    def test_missing_image(self):
        self.assert_one_line_error(cairn("run", os.path.join(self.tmp, "nope")),
                                   r"^cairn: run: image not found: .*nope$")

    def test_not_an_elf_image(self):
        text = self.make_file("notes.txt", b"hello\n")
        self.assert_one_line_error(cairn("run", text), r"not an ELF image: .*notes\.txt$")

    def test_unrecognized_option(self):
        self.assert_one_line_error(cairn("run", "image", "--bogus"),
                                   r"^cairn: run: unrecognized arguments: --bogus$")

    def test_invalid_choice(self):
        self.assert_one_line_error(cairn("run", "image", "--machine", "foo"),
                                   r"^cairn: run: argument --machine.*invalid choice: 'foo'")

    def test_missing_command(self):
        self.assert_one_line_error(cairn(), r"^cairn: .*required")

    @needs_image
    def test_net_backend_other_than_user(self):
        self.assert_one_line_error(cairn("run", IMAGE, "--net", "tap,ifname=tap0"),
                                   r"^cairn: run: argument --net: only the 'user' backend")

    @needs_image
    def test_missing_disk_file(self):
        self.assert_one_line_error(cairn("run", IMAGE, "--disk", os.path.join(self.tmp, "x.img")),
                                   r"^cairn: run: argument --disk: no such file: .*x\.img$")

    @needs_image
    def test_missing_initrd_file(self):
        self.assert_one_line_error(cairn("run", IMAGE, "--initrd", os.path.join(self.tmp, "i")),
                                   r"^cairn: run: argument --initrd: no such file")

    @needs_image
    def test_share_without_tag(self):
        for value in (self.tmp, self.tmp + ":"):
            self.assert_one_line_error(cairn("run", IMAGE, "--share", value),
                                       r"^cairn: run: argument --share: expected HOSTDIR:TAG")

    @needs_image
    def test_share_of_missing_directory(self):
        self.assert_one_line_error(cairn("run", IMAGE, "--share", self.tmp + "/no:tag"),
                                   r"^cairn: run: argument --share: not a directory")

    @needs_image
    def test_qemu_missing(self):
        self.assert_one_line_error(cairn("run", IMAGE, env={"CAIRN_QEMU": "/nonexistent"}),
                                   r"^cairn: run: QEMU not found \(/nonexistent\)")

    @needs_image
    def test_qemu_refusing_an_option_is_a_tool_error(self):
        # QEMU exits with 1 when it cannot start; that must not read as main's status 0.
        self.assert_one_line_error(cairn("run", IMAGE, "--net", "user,bogus=1", "--timeout", "60"),
                                   r"^cairn: run: QEMU could not run the image: .*bogus")

    def test_size_without_map(self):
        image = self.make_file("image", b"\x7fELF" + b"\0" * 60)
        self.assert_one_line_error(cairn("size", image), r"^cairn: size: no link map .*image\.map")

    def test_help_is_full(self):
        done = cairn("run", "--help")
        self.assertEqual(done.returncode, 0)
        for option in ("--disk", "--share", "--net", "--initrd", "--debug", "--timeout"):
            self.assertIn(option, done.stdout)
        done = cairn("--help")
        for command in ("new", "build", "run", "size", "probe-kvm"):
            self.assertIn(command, done.stdout)


class StatusTest(unittest.TestCase):
    def test_decode_status(self):
        self.assertEqual(runner.decode_status(0, True), 0)
        self.assertEqual(runner.decode_status(7, True), 3)
        self.assertEqual(runner.decode_status(255, True), 127)
        self.assertEqual(runner.decode_status(0, False), 0)

    def test_probe_kvm_answers(self):
        done = cairn("probe-kvm")
        self.assertIn(done.returncode, (0, 1))
        self.assertRegex(done.stdout, r"^kvm: (usable|not usable)")


@needs_image
class RunTest(unittest.TestCase):
    def test_hello_gets_its_arguments_and_returns_0(self):
        done = cairn("run", IMAGE, "--timeout", "120", "--", "one", "two words")
        output = done.stdout.replace("\r\n", "\n")
        self.assertEqual(done.returncode, 0, output + done.stderr)
        self.assertRegex(output, r"(?m)^argv\[1\] = one$")
        self.assertRegex(output, r"(?m)^argv\[2\] = two words$")

    def test_timeout(self):
        done = cairn("run", IMAGE, "--timeout", "0.001")
        self.assertEqual(done.returncode, 124, done.stderr)
        self.assertIn("did not end within", done.stderr)


def load_segments_memsz(path):
    """The sum of PT_LOAD memory sizes and of TLS NOBITS section sizes, read here
    independently of the tool's own ELF reader."""
    with open(path, "rb") as f:
        data = f.read()
    phoff, shoff = struct.unpack_from("<QQ", data, 0x20)
    phentsize, phnum, shentsize, shnum = struct.unpack_from("<HHHH", data, 0x36)
    loaded = 0
    for i in range(phnum):
        p_type, = struct.unpack_from("<I", data, phoff + i * phentsize)
        p_memsz, = struct.unpack_from("<Q", data, phoff + i * phentsize + 0x28)
        if p_type == 1:
            loaded += p_memsz
    tls_bss = 0
    for i in range(shnum):
        sh_type, sh_flags = struct.unpack_from("<IQ", data, shoff + i * shentsize + 4)
        sh_size, = struct.unpack_from("<Q", data, shoff + i * shentsize + 0x20)
        if sh_type == 8 and sh_flags & 0x400:   # SHT_NOBITS, SHF_TLS
            tls_bss += sh_size
    return loaded, tls_bss


def parse_size_table(output):
    """{row name: [text, rodata, data, bss, total]} from `cairn size` output."""
    rows, in_table = {}, False
    for line in output.splitlines():
        if line.startswith("component "):
            in_table = True
            continue
        if in_table:
            if not line.strip():
                break
            words = line.split()
            rows[" ".join(words[:-5])] = [int(w) for w in words[-5:]]
    return rows


def check_size_report(test, image):
    """Runs `cairn size` on image and checks its rows against each other and the ELF."""
    done = cairn("size", image)
    test.assertEqual(done.returncode, 0, done.stderr)
    rows = parse_size_table(done.stdout)
    total = rows.pop("total")
    for group in ("cairn::kernel", "newlib (libc)", "app", "symbol table"):
        test.assertIn(group, rows)
    for name, values in rows.items():
        test.assertTrue(all(v >= 0 for v in values), name)
        test.assertEqual(sum(values[:4]), values[4], name)
    test.assertEqual(total, [sum(r[i] for r in rows.values()) for i in range(5)])
    loaded, tls_bss = load_segments_memsz(image)
    test.assertEqual(total[4], loaded + tls_bss)
    test.assertGreater(rows["cairn::kernel"][0], 0)
    test.assertGreater(rows["app"][0], 0)
    # The symbol table's size comes from the ELF (tools/ksyms.py fills it after linking).
    test.assertGreater(rows["symbol table"][1], 0x10)
    stripped = re.search(r"stripped: (\d+) bytes", done.stdout)
    test.assertIsNotNone(stripped, done.stdout)
    test.assertLess(int(stripped.group(1)), os.path.getsize(image))


class SizeTest(TempDirTest):
    @needs_image
    def test_size_of_c_image(self):
        check_size_report(self, IMAGE)

    @needs_cxx_image
    def test_size_of_cxx_image(self):
        check_size_report(self, IMAGE_CXX)

    @needs_image
    def test_map_option(self):
        moved = os.path.join(self.tmp, "elsewhere.map")
        shutil.copy(IMAGE + ".map", moved)
        image = os.path.join(self.tmp, "image")
        shutil.copy(IMAGE, image)
        done = cairn("size", image, "--map", moved)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("cairn::kernel", done.stdout)


SAMPLE_MAP = """\
Archive member included to satisfy reference by file (symbol)

/c/newlib-1/lib/libc.a(lib_a-impure.o)
                              main.o (_impure_ptr)

Discarded input sections

 .text          0x0000000000000000       0x10 main.o
 .text.unused   0x0000000000000000       0x20 kernel/libcairn_kernel.a(boot.cpp.o)

Memory Configuration

Name             Origin             Length             Attributes
*default*        0x0000000000000000 0xffffffffffffffff

Linker script and memory map

                0x0000000000100000                . = 0x100000

.text           0x0000000000100000       0x40
 *(.text .text.*)
 .text.main     0x0000000000100000       0x10 main.o
                0x0000000000100000                main
 *fill*         0x0000000000100010       0x10 
 .text._ZN5cairn11a_long_function_nameEv
                0x0000000000100020       0x18 kernel/libcairn_kernel.a(boot.cpp.o)
                                         0x1c (size before relaxing)
 .text.empty    0x0000000000100038        0x0 main.o
 .text.__divti3 0x0000000000100038        0x8 /usr/lib/gcc/x86_64-linux-gnu/12/libgcc.a(_divti3.o)
                0x0000000000100040                . = ALIGN (0x1000)

.a_long_output_section_name
                0x0000000000101000        0x8
 .data.impure   0x0000000000101000        0x8 /c/newlib-1/lib/libc.a(lib_a-impure.o)

.eh_frame
 *(.eh_frame)

/DISCARD/
 *(.comment)
 .comment       0x0000000000000000       0x28 main.o
LOAD main.o
LOAD kernel/libcairn_kernel.a
START GROUP
LOAD /c/newlib-1/lib/libc.a
END GROUP
OUTPUT(image elf64-x86-64)
"""


class LinkMapTest(unittest.TestCase):
    def test_parse(self):
        sections = {s.name: s for s in linkmap.parse(SAMPLE_MAP)}
        self.assertEqual(sorted(sections), [".a_long_output_section_name", ".eh_frame", ".text"])
        text = sections[".text"]
        self.assertEqual((text.addr, text.size), (0x100000, 0x40))
        self.assertEqual(text.inputs, [
            linkmap.InputSection(".text.main", 0x100000, 0x10, "main.o"),
            linkmap.InputSection(".text._ZN5cairn11a_long_function_nameEv", 0x100020, 0x18,
                                 "kernel/libcairn_kernel.a(boot.cpp.o)"),
            linkmap.InputSection(".text.empty", 0x100038, 0, "main.o"),
            linkmap.InputSection(".text.__divti3", 0x100038, 0x8,
                                 "/usr/lib/gcc/x86_64-linux-gnu/12/libgcc.a(_divti3.o)")])
        long_name = sections[".a_long_output_section_name"]
        self.assertEqual((long_name.addr, long_name.size, len(long_name.inputs)), (0x101000, 8, 1))
        self.assertEqual((sections[".eh_frame"].size, sections[".eh_frame"].inputs), (0, []))

    def test_not_a_map(self):
        with self.assertRaises(ValueError):
            linkmap.parse("hello\n")

    def test_owner(self):
        self.assertEqual(size.owner("CMakeFiles/app.dir/main.c.o"), "app")
        self.assertEqual(size.owner("app_app_info.c.o"), "app")
        self.assertEqual(size.owner("kernel/libcairn_kernel.a(boot.cpp.o)"), "cairn::kernel")
        self.assertEqual(size.owner("x/libcairn_platform_kvm.a(pvh.cpp.o)"), "cairn::platform_kvm")
        self.assertEqual(size.owner("/c/newlib-1/lib/libc.a(lib_a-impure.o)"), "newlib (libc)")
        self.assertEqual(size.owner("/c/newlib-1/lib/libm.a(lib_a-s_sin.o)"), "newlib (libm)")
        self.assertEqual(size.owner("/usr/lib/gcc/x86_64-linux-gnu/12/libgcc.a(_divti3.o)"),
                         "libgcc")
        self.assertEqual(size.owner("build/libgreeting.a(greeting.c.o)"), "libgreeting")
        self.assertEqual(size.owner(None), "linker")
        self.assertEqual(size.owner("linker stubs"), "linker")


class NewTest(TempDirTest):
    def test_scaffold_files(self):
        app = os.path.join(self.tmp, "my_app-1")
        done = cairn("new", app)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(sorted(os.listdir(app)),
                         [".gitignore", "CMakeLists.txt", "README.md", "app.conf", "main.c"])
        with open(os.path.join(app, "CMakeLists.txt")) as f:
            self.assertEqual(f.read(), (
                "cmake_minimum_required(VERSION 3.20)\n"
                "project(my_app-1 C)\n"
                "find_package(Cairn REQUIRED)\n"
                "cairn_add_unikernel(my_app-1 SOURCES main.c CONFIG "
                "${CMAKE_CURRENT_SOURCE_DIR}/app.conf)\n"))
        with open(os.path.join(app, ".gitignore")) as f:
            self.assertIn("build/", f.read().split())
        with open(os.path.join(app, "README.md")) as f:
            readme = f.read()
        for expected in ("cairn build", "cairn run build/my_app-1", f"-DCairn_DIR={ROOT}/cmake"):
            self.assertIn(expected, readme)

    def test_cxx_scaffold_files(self):
        app = os.path.join(self.tmp, "app")
        done = cairn("new", app, "--name", "other", "--lang", "cxx")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertTrue(os.path.isfile(os.path.join(app, "main.cpp")))
        with open(os.path.join(app, "CMakeLists.txt")) as f:
            cmakelists = f.read()
        self.assertIn("project(other C CXX)\n", cmakelists)
        self.assertIn("cairn_add_unikernel(other SOURCES main.cpp CONFIG", cmakelists)

    def test_refuses_non_empty_directory(self):
        self.make_file("existing")
        done = cairn("new", self.tmp, "--name", "x")
        self.assertEqual(done.returncode, 2)
        self.assertEqual(done.stderr.splitlines(),
                         [f"cairn: new: {self.tmp} exists and is not empty"])
        self.assertEqual(os.listdir(self.tmp), ["existing"])

    def test_refuses_bad_names(self):
        for args in ([os.path.join(self.tmp, "has space")],
                     [os.path.join(self.tmp, "x"), "--name", "a.b"],
                     [os.path.join(self.tmp, "y"), "--name", "run"]):
            done = cairn("new", *args)
            self.assertEqual(done.returncode, 2, args)
            self.assertEqual(len(done.stderr.splitlines()), 1, done.stderr)
            self.assertRegex(done.stderr, r"^cairn: new: .*name")
        self.assertEqual(os.listdir(self.tmp), [])


class AppRepositoryTest(TempDirTest):
    """A scaffolded repository builds against this checkout and boots."""

    def boot(self, image, expected_name):
        done = cairn("run", image, "--timeout", "120", "--", "first", "second arg")
        output = done.stdout.replace("\r\n", "\n")
        self.assertEqual(done.returncode, 0, output + done.stderr)
        self.assertRegex(output, rf"(?m)^Hello from {expected_name}!$")
        self.assertRegex(output, r"(?m)^argv\[2\] = second arg$")

    def test_c_app_with_plain_cmake(self):
        app = os.path.join(self.tmp, "hello_c")
        self.assertEqual(cairn("new", app).returncode, 0)
        build = os.path.join(self.tmp, "build")
        for command in (["cmake", "-S", app, "-B", build, "-G", "Ninja",
                         f"-DCairn_DIR={ROOT}/cmake", "--log-level=WARNING"],
                        ["cmake", "--build", build]):
            done = subprocess.run(command, capture_output=True, text=True, timeout=900)
            self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        self.boot(os.path.join(build, "hello_c"), "hello_c")

    def test_cxx_app_with_cairn_build(self):
        app = os.path.join(self.tmp, "hello-cxx-app")
        self.assertEqual(cairn("new", app, "--lang", "cxx").returncode, 0)
        done = cairn("build", app, timeout=900)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        image = os.path.join(app, "build", "hello-cxx-app")
        self.assertRegex(done.stdout, r"(?m)^cairn: built .*hello-cxx-app/build/hello-cxx-app$")
        self.boot(image, "hello-cxx-app")
        # A second build needs no configure step and still names the image.
        done = cairn("build", "--build-dir", os.path.join(app, "build"), cwd=app)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        self.assertNotIn("-- Configuring", done.stdout)
        self.assertIn("cairn: built build/hello-cxx-app", done.stdout)

    def test_size_counts_thread_local_bss(self):
        # .tbss is allocated per thread, outside the load segments: the report adds it.
        app = os.path.join(self.tmp, "tls")
        self.assertEqual(cairn("new", app).returncode, 0)
        with open(os.path.join(app, "main.c"), "w") as f:
            f.write("#include <stdio.h>\n"
                    "static __thread long counters[64];\n"
                    "int main(int argc, char** argv) {\n"
                    "  counters[argc] += 5;\n"
                    "  printf(\"counter %ld\\n\", counters[argc]);\n"
                    "  return 0;\n"
                    "}\n")
        done = cairn("build", app, timeout=900)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        image = os.path.join(app, "build", "tls")
        loaded, tls_bss = load_segments_memsz(image)
        # The C library keeps a word or two of its own per thread.
        self.assertGreaterEqual(tls_bss, 64 * 8)
        self.assertLess(tls_bss, 64 * 8 + 64)
        check_size_report(self, image)
        rows = parse_size_table(cairn("size", image).stdout)
        self.assertGreaterEqual(rows["app"][3], 64 * 8)

    def test_build_outside_an_app_repository(self):
        done = cairn("build", self.tmp)
        self.assertEqual(done.returncode, 2)
        self.assertRegex(done.stderr, r"^cairn: build: .* has no CMakeLists\.txt")


if __name__ == "__main__":
    unittest.main()
