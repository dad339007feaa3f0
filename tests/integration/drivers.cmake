# Boot tests for drivers (included by CMakeLists.txt). The drivers are off by default;
# the test configuration (configs/test.conf, used by make test) turns them on.
if(NOT (CONFIG_VIRTIO_RNG AND CONFIG_VIRTIO_BLK AND CONFIG_VIRTIO_NET AND CONFIG_VIRTIO_CONSOLE))
  return()
endif()
cairn_add_unikernel(drivers SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/apps/drivers/main.cpp)

# cairn_device_boot_test(<name> <image> [--run-option=OPT]... [boot_test.py options] [-- args])
set(CAIRN_DEVICE_BOOT_TEST ${CMAKE_CURRENT_SOURCE_DIR}/boot_test.py)
function(cairn_device_boot_test name image)
  add_test(NAME boot.${name}
           COMMAND ${CAIRN_PYTHON} ${CAIRN_DEVICE_BOOT_TEST} --image $<TARGET_FILE:${image}> ${ARGN})
  set_tests_properties(boot.${name} PROPERTIES LABELS "integration" TIMEOUT 180)
endfunction()

set(no_trouble --reject "warning|panic|exception")
set(virtio_pci "virtio-pci 00:[0-9a-f][0-9a-f]\\.0")

# Entropy through the in-kernel API on both transports (pc: INTx-capable PIIX bus).
cairn_device_boot_test(drivers.rng.microvm drivers --machine microvm --run-option=--rng
                       --kernel-option virtio.list ${no_trouble}
                       --expect "^virtio: virtio-mmio@0x[0-9a-f]+ type 4: virtio-rng \\(irq\\)$"
                       --expect "^rng: 4196 bytes, 2[0-9][0-9] distinct values"
                       --expect "^rng: single read ok$" -- rng)
foreach(machine q35 pc)
  cairn_device_boot_test(drivers.rng.${machine} drivers --machine ${machine} --run-option=--rng
                         --kernel-option virtio.list ${no_trouble}
                         --expect "^virtio: ${virtio_pci} type 4: virtio-rng \\(msi-x\\)$"
                         --expect "^rng: 4196 bytes, 2[0-9][0-9] distinct values"
                         --expect "^rng: single read ok$" -- rng)
endforeach()
# Two devices: the first one serves, the second is refused, and nothing breaks.
cairn_device_boot_test(drivers.rng-two.q35 drivers --machine q35 --run-option=--rng
                       --run-option=--rng --kernel-option virtio.list
                       --expect "^virtio: ${virtio_pci} type 4: virtio-rng \\(msi-x\\)$"
                       --expect "virtio-rng: a virtio-rng device is in use already"
                       --expect "^rng: single read ok$" -- rng)
# No device: the API says so; PCI finds nothing on microvm and costs nothing.
cairn_device_boot_test(drivers.rng-absent.microvm drivers --machine microvm
                       --kernel-option pci.list ${no_trouble} --status 1
                       --expect "^rng: no device$" --reject "^pci:" -- rng)

# PCI enumeration lists the chipset and the virtio device (transitional 1005 or modern 1044).
cairn_device_boot_test(drivers.pci.q35 drivers --machine q35 --run-option=--rng
                       --kernel-option pci.list ${no_trouble}
                       --expect "^pci: 00:00\\.0 8086:29c0 class 06\\.00\\.00"
                       --expect "^pci: 00:1f\\.0 8086:2918 class 06\\.01\\.00"
                       --expect "^pci: 00:[0-9a-f][0-9a-f]\\.0 1af4:10(05|44) class 00\\.ff\\.00 subsystem 1af4:0004"
                       -- devices)
cairn_device_boot_test(drivers.pci.pc drivers --machine pc --run-option=--rng
                       --kernel-option pci.list ${no_trouble}
                       --expect "^pci: 00:00\\.0 8086:1237 class 06\\.00\\.00"
                       --expect "^pci: 00:01\\.0 8086:7000 class 06\\.01\\.00"
                       --expect "^pci: 00:[0-9a-f][0-9a-f]\\.0 1af4:10(05|44) class 00\\.ff\\.00"
                       --expect "^device: ${virtio_pci} type 4 driver virtio-rng$" -- devices)

# Block devices (virtio-blk) through the in-kernel API. disk_test.py fills the disk
# images with a known pattern, boots with them attached, and checks every byte of them
# after the VM has ended.
cairn_add_unikernel(blocktest SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/apps/block/main.cpp)
set(CAIRN_DISK_TEST ${CMAKE_CURRENT_SOURCE_DIR}/apps/block/disk_test.py)
# cairn_disk_test(<name> <mode> [boot_test.py options])
function(cairn_disk_test name mode)
  add_test(NAME boot.${name} COMMAND ${CAIRN_PYTHON} ${CAIRN_DISK_TEST} --mode ${mode} --
                                     --image $<TARGET_FILE:blocktest> ${ARGN})
  set_tests_properties(boot.${name} PROPERTIES LABELS "integration" TIMEOUT 180)
endfunction()
foreach(machine microvm q35)
  if(machine STREQUAL "microvm")
    set(blk_irq "virtio-mmio@0x[0-9a-f]+ type 2: virtio-blk \\(irq\\)")
  else()
    set(blk_irq "${virtio_pci} type 2: virtio-blk \\(msi-x\\)")
  endif()
  cairn_disk_test(drivers.block.pattern.${machine} pattern --machine ${machine}
                  --kernel-option virtio.list ${no_trouble} --expect "^virtio: ${blk_irq}$"
                  --expect "^block: vda: 8192 sectors of 512 bytes, read-write, write cache"
                  --expect-in-order --expect "^block: pattern ok \\(4194304 bytes\\)$"
                  --expect "^block: wrote 2 MiB and 10 bytes, flushed$"
                  --expect "^block: read back ok$")
  cairn_disk_test(drivers.block.two.${machine} two --machine ${machine} ${no_trouble}
                  --expect "^block: vda and vdb distinct, patterns ok, names written$")
  cairn_disk_test(drivers.block.readonly.${machine} readonly --machine ${machine} ${no_trouble}
                  --expect "^block: vda: 8192 sectors of 512 bytes, read-only"
                  --expect "^block: read-only disk reads ok$"
                  --expect "^block: write EROFS, write_at EROFS, submit EROFS$"
                  --expect "^block: read-only writes refused$")
  cairn_disk_test(drivers.block.async.${machine} async --machine ${machine} ${no_trouble}
                  --expect "^block: 200 asynchronous reads, 0 failed, data ok$")
endforeach()
cairn_disk_test(drivers.block.bounds.microvm bounds --machine microvm ${no_trouble}
                --expect "^block: read of the last sector: ok$"
                --expect "^block: request at the capacity: EINVAL$" --expect "^block: bounds ok$")
cairn_disk_test(drivers.block.pattern.pc pattern --machine pc ${no_trouble}
                --expect "^block: read back ok$")

# getentropy/getrandom: from virtio-rng on both transports, from RDSEED/RDRAND without
# it (TCG's -cpu max has them), and EIO with neither (qemu64 has no RDRAND).
cairn_add_unikernel(entropy SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/apps/entropy/main.cpp)
set(entropy_ok --expect "^entropy: getrandom 8192 bytes, 2[0-9][0-9] distinct values$"
               --expect "^entropy: getentropy\\(256\\) 0 0, different$"
               --expect "^entropy: getentropy\\(257\\) -1 EIO$"
               --expect "^entropy: flags NONBLOCK 16, RANDOM 16, unknown -1 EINVAL$"
               --expect "^entropy: arc4random ok$" --expect "^entropy: ok$")
foreach(machine microvm q35)
  cairn_device_boot_test(drivers.entropy.virtio-rng.${machine} entropy --machine ${machine}
                         --run-option=--rng ${no_trouble} --expect "^entropy: virtio-rng present$"
                         ${entropy_ok} -- random)
  cairn_device_boot_test(drivers.entropy.cpu.${machine} entropy --machine ${machine}
                         ${no_trouble} --expect "^entropy: virtio-rng absent$" ${entropy_ok}
                         -- random)
endforeach()
cairn_device_boot_test(drivers.entropy.none.microvm entropy --machine microvm --cpu qemu64
                       ${no_trouble} --expect "^entropy: no source: getentropy -1 EIO, getrandom -1 EIO$"
                       -- none)

# Network cards (virtio-net) through the packet-device interface, without a TCP/IP
# stack: ARP and ICMP echo with QEMU user networking's gateway 10.0.2.2 (apps/net).
cairn_add_unikernel(nettest SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/apps/net/main.cpp)
set(net_ping_ok --expect "^eth0: arp: 10\\.0\\.2\\.2 is at 52:55:0a:00:02:02$"
                --expect "^eth0: icmp: echo reply from 10\\.0\\.2\\.2, 56 bytes, seq 1, 1 segment$"
                --expect "^net: ping ok$")
foreach(machine microvm q35)
  if(machine STREQUAL "microvm")
    set(net_irq "virtio-mmio@0x[0-9a-f]+ type 1: virtio-net \\(irq\\)")
  else()
    set(net_irq "${virtio_pci} type 1: virtio-net \\(msi-x\\)")
  endif()
  cairn_device_boot_test(drivers.net.${machine} nettest --machine ${machine}
                         --run-option=--net=user --kernel-option virtio.list ${no_trouble}
                         --expect "^virtio: ${net_irq}$"
                         # No checksum offloads: QEMU offers them only over backends with
                         # a virtio-net header (tap), not user networking.
                         --expect "^eth0: virtio-net .* mac 52:54:00:12:34:56 mtu 1500 link up$"
                         ${net_ping_ok}
                         --expect "^eth0: icmp: echo reply from 10\\.0\\.2\\.2, 1472 bytes, seq 2, 1 segment$"
                         --expect "^eth0: icmp: echo reply while waiting, woken by rx_ready$"
                         --expect "^eth0: tx_done 3, .* errors 0 lent 0/192, .* lost 0$" -- ping 1)
  # Two cards at once: each has its own MAC and its own slirp, and each gets answers.
  cairn_device_boot_test(drivers.net-two.${machine} nettest --machine ${machine}
                         --run-option=--net=user --run-option=--net=user ${no_trouble}
                         --expect "^net: 2 devices$"
                         --expect "^eth0: virtio-net .* mac 52:54:00:12:34:56 .* link up"
                         --expect "^eth1: virtio-net .* mac 52:54:00:12:34:57 .* link up"
                         --expect "^eth1: arp: 10\\.0\\.2\\.2 is at 52:55:0a:00:02:02$"
                         --expect "^eth1: icmp: echo reply from 10\\.0\\.2\\.2, 1472 bytes, seq 2, 1 segment$"
                         ${net_ping_ok} -- ping 2)
  # 256-byte receive buffers: an MTU-sized reply arrives as a chain of 6 (mergeable).
  cairn_device_boot_test(drivers.net-mergeable.${machine} nettest --machine ${machine}
                         --run-option=--net=user --kernel-option virtio_net.rx_buffer=256
                         ${no_trouble} ${net_ping_ok}
                         --expect "^eth0: icmp: echo reply from 10\\.0\\.2\\.2, 1472 bytes, seq 2, 6 segments$"
                         -- ping 1)
  # Without mergeable buffers: whole-frame receive buffers.
  cairn_device_boot_test(drivers.net-plain.${machine} nettest --machine ${machine}
                         --run-option=--net=user
                         --kernel-option virtio_net.features=-mrg_rxbuf,-csum,-guest_csum
                         ${no_trouble} --expect "^eth0: virtio-net .* mtu 1500 link up$"
                         ${net_ping_ok} -- ping 1)
endforeach()
# pc: the PIIX chipset.
cairn_device_boot_test(drivers.net.pc nettest --machine pc --run-option=--net=user
                       --kernel-option virtio.list ${no_trouble}
                       --expect "^virtio: ${virtio_pci} type 1: virtio-net \\(msi-x\\)$"
                       ${net_ping_ok} -- ping 1)
# No interrupt: the driver's polling thread serves the card (and calls rx_ready).
cairn_device_boot_test(drivers.net-polled.microvm nettest --machine microvm
                       --run-option=--net=user --kernel-option virtio_net.polled ${no_trouble}
                       ${net_ping_ok}
                       --expect "^eth0: icmp: echo reply while waiting, woken by rx_ready$"
                       -- ping 1)
# Batches of 32 frames in one send() and their replies (also prints echo rates).
cairn_device_boot_test(drivers.net-batch.q35 nettest --machine q35 --run-option=--net=user
                       ${no_trouble}
                       --expect "^rate: batches of 32, 56-byte payload: ([0-9]+) sent, \\1 answered"
                       --expect "^rate: batches of 32, 1472-byte payload: ([0-9]+) sent, \\1 answered"
                       -- rate)
cairn_device_boot_test(drivers.net-absent.microvm nettest --machine microvm ${no_trouble}
                       --expect "^net: 0 devices$" -- none)

# The virtio console port (hvc0): written through its API, and with console=hvc0 also
# stdout; console_test.py reads what QEMU wrote to the port's file.
set(CAIRN_CONSOLE_TEST ${CMAKE_CURRENT_SOURCE_DIR}/apps/net/console_test.py)
function(cairn_console_test name)
  add_test(NAME boot.${name} COMMAND ${CAIRN_PYTHON} ${CAIRN_CONSOLE_TEST}
                                     --image $<TARGET_FILE:nettest> ${ARGN})
  set_tests_properties(boot.${name} PROPERTIES LABELS "integration" TIMEOUT 180)
endfunction()
foreach(machine microvm q35)
  cairn_console_test(drivers.console.${machine} --machine ${machine} ${no_trouble}
                     --kernel-option virtio.list --expect "virtio-console"
                     --expect "^console: stdout line$" --expect "^console: port writes ok$"
                     --expect-port "^hello from the virtio console port$"
                     --expect-port "^console line 300 of 300$"
                     --reject-port "console: stdout line" -- console)
  cairn_console_test(drivers.console-stdout.${machine} --machine ${machine} ${no_trouble}
                     --kernel-option console=hvc0 --expect "^console: port writes ok$"
                     --expect-port "^hello from the virtio console port$"
                     --expect-port "^console: stdout line$" --expect-port "^console: port writes ok$"
                     -- console)
endforeach()
