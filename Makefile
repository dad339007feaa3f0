# The front door. Everything happens in $(BUILD) (default: build/), one configuration
# per build directory. See README.md.
#
#   make run                  build examples/hello and boot it under QEMU
#   make test                 build everything in $(BUILD)-test (configs/test.conf: the
#                             defaults plus the drivers and filesystems) and run every test
#   make                      build everything
#   make menuconfig | defconfig | olddefconfig | savedefconfig
#   make size [IMAGE=...]     what each library contributes to an image (default: hello)
#   make debug [IMAGE=...]    boot paused under QEMU's gdbstub; prints the gdb command
#   make new DIR=path         scaffold a new application repository
#   make bench                boot time, image size and memory figures (docs/PERFORMANCE.md)
#   make deps                 install missing Debian packages
#   make clean | distclean

BUILD ?= build
CONFIG ?=
MACHINE ?= microvm
IMAGE ?= $(BUILD)/examples/hello/hello
JOBS ?= $(shell nproc)

CMAKE_FLAGS := -G Ninja -Wno-dev --log-level=WARNING
ifneq ($(CONFIG),)
CMAKE_FLAGS += -DCAIRN_CONFIG="$(abspath $(CONFIG))"
endif

.PHONY: all deps configure run test bench size debug new menuconfig defconfig olddefconfig savedefconfig clean distclean

all: configure
	@echo "==> Building ($(BUILD)/; the first build also compiles newlib, about a minute)"
	@cmake --build $(BUILD) -- --quiet

deps:
	@tools/install-deps

configure: deps
	@if [ ! -f $(BUILD)/build.ninja ]; then \
	  echo "==> Configuring $(BUILD)/ (defaults$(if $(CONFIG), + $(CONFIG)))"; \
	  cmake -S . -B $(BUILD) $(CMAKE_FLAGS); \
	elif [ -n "$(CONFIG)" ]; then \
	  cmake -S . -B $(BUILD) $(CMAKE_FLAGS); \
	fi

run: configure
	@echo "==> Building examples/hello"
	@cmake --build $(BUILD) --target hello -- --quiet
	@echo "==> Booting examples/hello on QEMU ($(MACHINE))"
	@tools/cairn run --machine $(MACHINE) $(BUILD)/examples/hello/hello

# The tests need the device drivers and filesystems, which the defaults leave out: they
# get a build directory of their own, so that make run keeps building the default image.
TEST_BUILD ?= $(BUILD)-test

test: deps
	@if [ ! -f $(TEST_BUILD)/build.ninja ]; then \
	  echo "==> Configuring $(TEST_BUILD)/ (defaults + configs/test.conf)"; \
	  cmake -S . -B $(TEST_BUILD) $(CMAKE_FLAGS) -DCAIRN_CONFIG="$(abspath configs/test.conf)"; \
	fi
	@echo "==> Building ($(TEST_BUILD)/; the first build also compiles newlib, about a minute)"
	@cmake --build $(TEST_BUILD) -- --quiet
	@echo "==> Running the tests"
	@cd $(TEST_BUILD) && ctest --output-on-failure -j $(JOBS) --progress

size: all
	@tools/cairn size $(IMAGE)

debug: all
	@tools/cairn run --debug --machine $(MACHINE) $(IMAGE)

new:
	@test -n "$(DIR)" || { echo "cairn: make new needs DIR=<path>" >&2; exit 2; }
	@tools/cairn new $(DIR)

# Boot-time figures need CONFIG_BOOT_TIME, so they come from a second build directory.
bench: all
	@if [ ! -f $(BUILD)-bench/build.ninja ]; then \
	  echo "==> Configuring $(BUILD)-bench/ (defaults + configs/bench.conf)"; \
	  cmake -S . -B $(BUILD)-bench $(CMAKE_FLAGS) -DCAIRN_CONFIG="$(abspath configs/bench.conf)"; \
	fi
	@cmake --build $(BUILD)-bench --target hello -- --quiet
	@if [ ! -f $(BUILD)-bench-tlsf/build.ninja ]; then \
	  echo "==> Configuring $(BUILD)-bench-tlsf/ (defaults + configs/bench-tlsf.conf)"; \
	  cmake -S . -B $(BUILD)-bench-tlsf $(CMAKE_FLAGS) -DCAIRN_CONFIG="$(abspath configs/bench-tlsf.conf)"; \
	fi
	@cmake --build $(BUILD)-bench-tlsf --target allocbench -- --quiet
	@if [ ! -f $(TEST_BUILD)/build.ninja ]; then \
	  echo "==> Configuring $(TEST_BUILD)/ (defaults + configs/test.conf)"; \
	  cmake -S . -B $(TEST_BUILD) $(CMAKE_FLAGS) -DCAIRN_CONFIG="$(abspath configs/test.conf)"; \
	fi
	@cmake --build $(TEST_BUILD) --target blockbench fsbench -- --quiet
	@if [ ! -f $(BUILD)-httpd/build.ninja ]; then \
	  echo "==> Configuring $(BUILD)-httpd/ (the application repository examples/httpd)"; \
	  cmake -S examples/httpd -B $(BUILD)-httpd $(CMAKE_FLAGS) -DCairn_DIR="$(abspath cmake)"; \
	fi
	@cmake --build $(BUILD)-httpd -- --quiet
	@echo "==> Benchmarking (several minutes under TCG)"
	@tools/bench/bench.py --build $(BUILD) --bench-build $(BUILD)-bench --tlsf-build $(BUILD)-bench-tlsf \
	  --device-build $(TEST_BUILD) --httpd-build $(BUILD)-httpd

menuconfig defconfig olddefconfig savedefconfig: configure
	@cmake --build $(BUILD) --target $@

clean:
	@for b in $(BUILD) $(TEST_BUILD); do \
	  if [ -f $$b/build.ninja ]; then cmake --build $$b --target clean; fi; \
	done

distclean:
	rm -rf $(BUILD) $(TEST_BUILD) $(BUILD)-bench $(BUILD)-bench-tlsf $(BUILD)-httpd
