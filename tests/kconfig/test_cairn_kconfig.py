"""Tests for Cairn's Kconfig engine (tools/kconfig/cairn_kconfig.py).

Run with a Python that can import Kconfiglib, e.g.
`/usr/bin/python3 tests/kconfig/test_cairn_kconfig.py`; ctest does this through
tests/kconfig/CMakeLists.txt. The engine runs as a subprocess, the way CMake runs it, against
the self-contained tree in fixtures/.
"""

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
TREE = os.path.join(FIXTURES, "tree", "Kconfig")
APP_KCONFIG = os.path.join(FIXTURES, "app.Kconfig")
REPO = os.path.dirname(os.path.dirname(HERE))
TOOL = os.path.join(REPO, "tools", "kconfig", "cairn_kconfig.py")
WRAPPER = os.path.join(REPO, "tools", "kconfig", "kconfig")


def setUpModule():
    # The engine runs under this interpreter; without Kconfiglib every test would fail alike.
    if importlib.util.find_spec("kconfiglib") is None:
        raise RuntimeError("{} cannot import kconfiglib; run the tests with /usr/bin/python3 "
                           "or $CAIRN_PYTHON".format(sys.executable))


class EngineTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="cairn-kconfig-test-")
        self.addCleanup(shutil.rmtree, self.tmp)
        self.build = os.path.join(self.tmp, "build")
        self.config = os.path.join(self.build, ".config")
        self.header = os.path.join(self.build, "include", "cairn", "config.h")
        self.cmake = os.path.join(self.build, "cairn_config.cmake")

    # -- helpers ---------------------------------------------------------------------------

    def fragment(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(textwrap.dedent(text).lstrip("\n"))
        return path

    def run_tool(self, command, *extra, kconfig=TREE, fragments=(), app_kconfig=None, stdin=None):
        args = [sys.executable, TOOL, command, "--kconfig", kconfig, "--config", self.config]
        if app_kconfig:
            args += ["--app-kconfig", app_kconfig]
        for fragment in fragments:
            args += ["--fragment", fragment]
        args += list(extra)
        return subprocess.run(args, stdin=stdin if stdin is not None else subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True)

    def genconfig(self, *fragments, **kwargs):
        return self.run_tool("genconfig", "--header", self.header, "--cmake", self.cmake,
                             fragments=fragments, **kwargs)

    def assert_ok(self, result):
        self.assertEqual(result.returncode, 0, result.stderr)

    def assert_fragment_error(self, result, where, symbol, *words):
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
        lines = [l for l in result.stderr.splitlines() if l.startswith(where + ": error: ")]
        self.assertEqual(len(lines), 1, result.stderr)
        self.assertTrue(lines[0].endswith(", symbol " + symbol), lines[0])
        for word in words:
            self.assertIn(word, lines[0])
        self.assertFalse(os.path.exists(self.config), "outputs must not be written on error")
        self.assertFalse(os.path.exists(self.header))
        self.assertFalse(os.path.exists(self.cmake))

    def read(self, path):
        with open(path) as f:
            return f.read()

    def config_lines(self):
        return self.read(self.config).splitlines()

    # -- defaults and generated files ------------------------------------------------------

    def test_defaults_produce_header_and_cmake(self):
        self.assert_ok(self.genconfig())
        header = self.read(self.header)
        self.assertIn("#pragma once", header)
        self.assertIn("Generated", header)
        self.assertIn("#define CONFIG_SERIAL_8250 1\n", header)
        self.assertIn("#define CONFIG_HEAP_SIZE_MB 8\n", header)
        self.assertIn("#define CONFIG_LOAD_ADDR 0x100000\n", header)
        self.assertIn('#define CONFIG_HOSTNAME "cairn"\n', header)
        self.assertIn("#define CONFIG_SCHED_COOP 1\n", header)
        self.assertNotIn("CONFIG_VIRTIO", header)
        self.assertNotIn("CONFIG_SCHED_PREEMPT", header)

        cmake = self.read(self.cmake)
        self.assertIn('set(CONFIG_SERIAL_8250 "y")\n', cmake)
        self.assertIn('set(CONFIG_HEAP_SIZE_MB "8")\n', cmake)
        self.assertIn('set(CONFIG_LOAD_ADDR "0x100000")\n', cmake)
        self.assertIn('set(CONFIG_HOSTNAME "cairn")\n', cmake)
        self.assertNotIn("set(CONFIG_VIRTIO ", cmake)  # n symbols stay unset
        self.assertIn('set(CAIRN_CONFIG_SYMBOLS "CONFIG_SERIAL_8250;CONFIG_HEAP_SIZE_MB;'
                      'CONFIG_LOAD_ADDR;CONFIG_HOSTNAME;CONFIG_PCI;CONFIG_HIDDEN_FEATURE;'
                      'CONFIG_SCHED_COOP")\n', cmake)
        self.assertIn(os.path.join(FIXTURES, "tree", "sub", "Kconfig"), cmake)

    def test_header_values_for_each_type(self):
        app = self.fragment("app.conf", r'''
            CONFIG_DEBUG=y
            CONFIG_DEBUG_LEVEL=3
            CONFIG_LOAD_ADDR=200000
            CONFIG_HOSTNAME="say \"hi\" \\ there"
        ''')
        self.assert_ok(self.genconfig(app))
        header = self.read(self.header)
        self.assertIn("#define CONFIG_DEBUG 1\n", header)
        self.assertIn("#define CONFIG_DEBUG_LEVEL 3\n", header)
        self.assertIn("#define CONFIG_LOAD_ADDR 0x200000\n", header)  # hex always gets 0x
        self.assertIn(r'#define CONFIG_HOSTNAME "say \"hi\" \\ there"' + "\n", header)
        self.assertIn('set(CONFIG_LOAD_ADDR "0x200000")', self.read(self.cmake))

    def test_cmake_string_escaping_round_trips(self):
        cmake = shutil.which("cmake")
        if not cmake:
            self.skipTest("cmake not installed")
        value = r'a "quoted" ; semi \ back ${NOT_A_VAR} $ENV{HOME} @AT@'
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        app = self.fragment("app.conf", 'CONFIG_HOSTNAME="{}"\n'.format(escaped))
        self.assert_ok(self.genconfig(app))
        out = os.path.join(self.tmp, "value.txt")
        script = self.fragment("dump.cmake", '''
            include("{}")
            file(WRITE "{}" "${{CONFIG_HOSTNAME}}")
        '''.format(self.cmake, out))
        subprocess.run([cmake, "-P", script], check=True)
        self.assertEqual(self.read(out), value)

    def test_outputs_untouched_when_nothing_changed(self):
        app = self.fragment("app.conf", "CONFIG_VIRTIO=y\n")
        self.assert_ok(self.genconfig(app))
        old = 1000000000
        for path in (self.config, self.header, self.cmake):
            os.utime(path, (old, old))
        self.assert_ok(self.genconfig(app))
        for path in (self.config, self.header, self.cmake):
            self.assertEqual(os.stat(path).st_mtime, old, path)

    def test_stamp_is_touched(self):
        stamp = os.path.join(self.tmp, "kconfig.stamp")
        self.assert_ok(self.run_tool("genconfig", "--header", self.header, "--cmake", self.cmake,
                                     "--stamp", stamp))
        self.assertTrue(os.path.exists(stamp))

    # -- merging fragments -----------------------------------------------------------------

    def test_later_fragment_overrides_earlier(self):
        base = self.fragment("base.conf", """
            CONFIG_HEAP_SIZE_MB=16
            CONFIG_VIRTIO=y
            CONFIG_SCHED_PREEMPT=y
            CONFIG_HOSTNAME="base"
        """)
        app = self.fragment("app.conf", """
            CONFIG_HEAP_SIZE_MB=32
            CONFIG_SCHED_COOP=y
            CONFIG_VIRTIO_NET=y
        """)
        result = self.genconfig(base, app)
        self.assert_ok(result)
        self.assertEqual(result.stderr, "")  # an override is not even a warning
        lines = self.config_lines()
        self.assertIn("CONFIG_HEAP_SIZE_MB=32", lines)
        self.assertIn('CONFIG_HOSTNAME="base"', lines)
        self.assertIn("CONFIG_VIRTIO_NET=y", lines)
        self.assertIn("CONFIG_SCHED_COOP=y", lines)
        self.assertIn("# CONFIG_SCHED_PREEMPT is not set", lines)

        # The other order gives the other result.
        os.remove(self.config)
        self.assert_ok(self.genconfig(app, base))
        self.assertIn("CONFIG_HEAP_SIZE_MB=16", self.config_lines())
        self.assertIn("CONFIG_SCHED_PREEMPT=y", self.config_lines())

    def test_not_set_after_choice_pick_falls_back_to_default(self):
        base = self.fragment("base.conf", "CONFIG_SCHED_PREEMPT=y\n")
        app = self.fragment("app.conf", "# CONFIG_SCHED_PREEMPT is not set\n")
        self.assert_ok(self.genconfig(base, app))
        self.assertIn("CONFIG_SCHED_COOP=y", self.config_lines())

    def test_app_kconfig_symbols(self):
        app = self.fragment("app.conf", 'CONFIG_APP_GREETING="bonjour"\n')
        self.assert_fragment_error(self.genconfig(app), app + ":1", "CONFIG_APP_GREETING",
                                   "unknown symbol")
        self.assert_ok(self.genconfig(app, app_kconfig=APP_KCONFIG))
        self.assertIn('#define CONFIG_APP_GREETING "bonjour"', self.read(self.header))

    def test_missing_app_kconfig_is_an_error(self):
        result = self.genconfig(app_kconfig=os.path.join(self.tmp, "nope.Kconfig"))
        self.assertEqual(result.returncode, 2)
        self.assertIn("nope.Kconfig", result.stderr)

    # -- fragment errors -------------------------------------------------------------------

    def test_unknown_symbol(self):
        app = self.fragment("app.conf", """
            # comment
            CONFIG_HEAP_SIZ_MB=4
        """)
        self.assert_fragment_error(self.genconfig(app), app + ":2", "CONFIG_HEAP_SIZ_MB",
                                   "unknown symbol", "did you mean CONFIG_HEAP_SIZE_MB?")

    def test_bad_int_value(self):
        app = self.fragment("app.conf", "CONFIG_HEAP_SIZE_MB=abc\n")
        self.assert_fragment_error(self.genconfig(app), app + ":1", "CONFIG_HEAP_SIZE_MB",
                                   "'abc'", "int")

    def test_bad_bool_values(self):
        for value in ("m", "maybe", "yes", ""):
            with self.subTest(value=value):
                app = self.fragment("app.conf", "# PCI\nCONFIG_PCI={}\n".format(value))
                self.assert_fragment_error(self.genconfig(app), app + ":2", "CONFIG_PCI",
                                           "'{}'".format(value), "bool")

    def test_bad_hex_and_string_values(self):
        app = self.fragment("app.conf", "CONFIG_LOAD_ADDR=0xZZ\n")
        self.assert_fragment_error(self.genconfig(app), app + ":1", "CONFIG_LOAD_ADDR", "hex")
        app = self.fragment("app.conf", "CONFIG_HOSTNAME=unquoted\n")
        self.assert_fragment_error(self.genconfig(app), app + ":1", "CONFIG_HOSTNAME", "string")

    def test_out_of_range_int(self):
        app = self.fragment("app.conf", "CONFIG_HEAP_SIZE_MB=100\n")
        self.assert_fragment_error(self.genconfig(app), app + ":1", "CONFIG_HEAP_SIZE_MB",
                                   "range [1, 64]")

    def test_unmet_dependency(self):
        app = self.fragment("app.conf", "CONFIG_VIRTIO_NET=y\n")
        self.assert_fragment_error(self.genconfig(app), app + ":1", "CONFIG_VIRTIO_NET",
                                   "unmet dependency", "VIRTIO", "VIRTIO=n")

    def test_unmet_dependency_from_menu_file(self):
        app = self.fragment("app.conf", "CONFIG_DEBUG_LEVEL=2\n")
        self.assert_fragment_error(self.genconfig(app), app + ":1", "CONFIG_DEBUG_LEVEL",
                                   "unmet dependency", "DEBUG=n")

    def test_select_overrides_n(self):
        app = self.fragment("app.conf", "CONFIG_NET_LWIP=y\nCONFIG_VIRTIO=n\n")
        self.assert_fragment_error(self.genconfig(app), app + ":2", "CONFIG_VIRTIO",
                                   "select", "NET_LWIP")

    def test_promptless_symbol(self):
        app = self.fragment("app.conf", "CONFIG_HIDDEN_FEATURE=n\n")
        self.assert_fragment_error(self.genconfig(app), app + ":1", "CONFIG_HIDDEN_FEATURE",
                                   "no prompt")

    def test_malformed_lines(self):
        app = self.fragment("app.conf", "CONFIG_PCI = y\n")
        self.assert_fragment_error(self.genconfig(app), app + ":1", "CONFIG_PCI", "malformed")
        app = self.fragment("app.conf", "# comment\n\nPCI=y\n")
        result = self.genconfig(app)
        self.assertEqual(result.returncode, 2)
        self.assertIn(app + ":3: error: malformed line 'PCI=y'", result.stderr)

    def test_every_error_is_reported(self):
        app = self.fragment("app.conf", "CONFIG_NOPE=y\nCONFIG_PCI=maybe\nCONFIG_HEAP_SIZE_MB=x\n")
        result = self.genconfig(app)
        self.assertEqual(result.returncode, 2)
        for n in (1, 2, 3):
            self.assertIn("{}:{}: error:".format(app, n), result.stderr)

    def test_kconfig_syntax_error_is_fatal_with_location(self):
        broken = os.path.join(self.tmp, "Kconfig")
        with open(broken, "w") as f:
            f.write('config A\n\tbool "a"\n\tdepends on\n')
        result = self.genconfig(kconfig=broken)
        self.assertEqual(result.returncode, 2)
        self.assertIn("Kconfig:3: error:", result.stderr)

    # -- hand edits and regeneration -------------------------------------------------------

    def edit_config(self, old, new):
        text = self.read(self.config)
        self.assertIn(old, text)
        with open(self.config, "w") as f:
            f.write(text.replace(old, new))

    def test_hand_edit_survives_while_fragments_unchanged(self):
        app = self.fragment("app.conf", "CONFIG_HEAP_SIZE_MB=16\n")
        self.assert_ok(self.genconfig(app))
        self.edit_config("CONFIG_HEAP_SIZE_MB=16", "CONFIG_HEAP_SIZE_MB=20")
        result = self.genconfig(app)
        self.assert_ok(result)
        self.assertIn("hand-edited", result.stdout)
        self.assertIn("CONFIG_HEAP_SIZE_MB=20", self.config_lines())
        self.assertIn("#define CONFIG_HEAP_SIZE_MB 20", self.read(self.header))

        # Changing the fragment regenerates from defaults + fragments.
        app = self.fragment("app.conf", "CONFIG_HEAP_SIZE_MB=24\n")
        result = self.genconfig(app)
        self.assert_ok(result)
        self.assertIn("fragments changed", result.stdout)
        self.assertIn("CONFIG_HEAP_SIZE_MB=24", self.config_lines())
        self.assertIn("CONFIG_HEAP_SIZE_MB=20", self.read(self.config + ".old"))

    def test_adding_a_fragment_regenerates(self):
        self.assert_ok(self.genconfig())
        self.edit_config("CONFIG_HEAP_SIZE_MB=8", "CONFIG_HEAP_SIZE_MB=9")
        app = self.fragment("app.conf", "CONFIG_VIRTIO=y\n")
        self.assert_ok(self.genconfig(app))
        self.assertIn("CONFIG_HEAP_SIZE_MB=8", self.config_lines())
        self.assertIn("CONFIG_VIRTIO=y", self.config_lines())

    def test_untouched_config_follows_kconfig_default_changes(self):
        tree = os.path.join(self.tmp, "tree")
        shutil.copytree(os.path.join(FIXTURES, "tree"), tree)
        kconfig = os.path.join(tree, "Kconfig")
        self.assert_ok(self.genconfig(kconfig=kconfig))
        self.assertIn("CONFIG_HEAP_SIZE_MB=8", self.config_lines())
        with open(kconfig) as f:
            text = f.read()
        with open(kconfig, "w") as f:
            f.write(text.replace("default 8", "default 12"))
        self.assert_ok(self.genconfig(kconfig=kconfig))
        self.assertIn("CONFIG_HEAP_SIZE_MB=12", self.config_lines())

    def test_defconfig_discards_hand_edits(self):
        app = self.fragment("app.conf", "CONFIG_VIRTIO=y\n")
        self.assert_ok(self.genconfig(app))
        self.edit_config("CONFIG_HEAP_SIZE_MB=8", "CONFIG_HEAP_SIZE_MB=9")
        self.assert_ok(self.run_tool("defconfig", fragments=[app]))
        self.assertIn("CONFIG_HEAP_SIZE_MB=8", self.config_lines())
        # ...and genconfig then sees a generated, not hand-edited, .config.
        self.assertNotIn("hand-edited", self.genconfig(app).stdout)

    def test_defconfig_validates_fragments(self):
        app = self.fragment("app.conf", "CONFIG_VIRTIO_NET=y\n")
        self.assert_fragment_error(self.run_tool("defconfig", fragments=[app]), app + ":1",
                                   "CONFIG_VIRTIO_NET", "unmet dependency")

    def test_olddefconfig_fills_in_new_symbols(self):
        os.makedirs(self.build)
        with open(self.config, "w") as f:
            f.write("CONFIG_HEAP_SIZE_MB=40\nCONFIG_REMOVED_LONG_AGO=y\n")
        result = self.run_tool("olddefconfig")
        self.assert_ok(result)
        self.assertIn("REMOVED_LONG_AGO", result.stderr)  # a warning, not an error
        lines = self.config_lines()
        self.assertIn("CONFIG_HEAP_SIZE_MB=40", lines)
        self.assertIn("CONFIG_SERIAL_8250=y", lines)
        self.assertNotIn("CONFIG_REMOVED_LONG_AGO=y", lines)

    # -- savedefconfig and check -----------------------------------------------------------

    def test_savedefconfig_round_trip(self):
        app = self.fragment("app.conf", """
            CONFIG_HEAP_SIZE_MB=32
            CONFIG_NET_LWIP=y
            CONFIG_SCHED_PREEMPT=y
            CONFIG_SERIAL_8250=y
        """)
        self.assert_ok(self.genconfig(app))
        full = self.read(self.config)
        minimal = os.path.join(self.tmp, "defconfig")
        self.assert_ok(self.run_tool("savedefconfig", "--out", minimal))
        self.assertEqual(self.read(minimal).splitlines(),
                         ["CONFIG_HEAP_SIZE_MB=32", "CONFIG_NET_LWIP=y", "CONFIG_SCHED_PREEMPT=y"])
        os.remove(self.config)
        self.assert_ok(self.genconfig(minimal))
        self.assertEqual(self.read(self.config), full)

    def test_check_reports_mismatches(self):
        self.assert_ok(self.genconfig(self.fragment("base.conf", "CONFIG_VIRTIO=y\n")))
        wanted = self.fragment("want.conf", """
            CONFIG_VIRTIO=y
            CONFIG_HEAP_SIZE_MB=16
            CONFIG_VIRTIO_NET=y
            CONFIG_HOSTNAME="other"
        """)
        result = self.run_tool("check", fragments=[wanted])
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual(result.stdout.splitlines(), [
            wanted + ":2: CONFIG_HEAP_SIZE_MB wants 16 but this build has 8",
            wanted + ":3: CONFIG_VIRTIO_NET wants y but this build has n",
            wanted + ':4: CONFIG_HOSTNAME wants "other" but this build has "cairn"',
        ])

    def test_check_satisfied_and_malformed(self):
        self.assert_ok(self.genconfig())
        ok = self.fragment("ok.conf", "CONFIG_HEAP_SIZE_MB=8\n# CONFIG_VIRTIO is not set\n")
        result = self.run_tool("check", fragments=[ok])
        self.assertEqual((result.returncode, result.stdout), (0, ""))
        bad = self.fragment("bad.conf", "CONFIG_NOPE=y\n")
        result = self.run_tool("check", fragments=[bad])
        self.assertEqual(result.returncode, 2)
        self.assertIn(bad + ":1: error:", result.stderr)

    def test_check_without_config(self):
        result = self.run_tool("check", fragments=[self.fragment("a.conf", "CONFIG_PCI=y\n")])
        self.assertEqual(result.returncode, 2)
        self.assertIn("does not exist", result.stderr)

    # -- menuconfig and the wrapper --------------------------------------------------------

    def test_menuconfig_without_terminal_fails_cleanly(self):
        self.assert_ok(self.genconfig())
        result = self.run_tool("menuconfig")
        self.assertEqual(result.returncode, 2)
        self.assertIn("needs an interactive terminal", result.stderr)
        self.assertIn("savedefconfig", result.stderr)
        self.assertNotIn("Traceback", result.stderr)

    def test_wrapper_skips_an_unusable_cairn_python(self):
        env = dict(os.environ, CAIRN_PYTHON=os.path.join(self.tmp, "no-such-python"))
        result = subprocess.run(["sh", WRAPPER, "olddefconfig", "--kconfig", TREE,
                                 "--config", self.config], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                universal_newlines=True)
        self.assert_ok(result)
        self.assertTrue(os.path.exists(self.config))


if __name__ == "__main__":
    unittest.main()
