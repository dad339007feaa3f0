# Boot tests for drivers (included by CMakeLists.txt).
cairn_add_unikernel(drivers SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/apps/drivers/main.cpp)

# cairn_device_boot_test(<name> <image> [--run-option=OPT]... [boot_test.py options] [-- args])
set(CAIRN_DEVICE_BOOT_TEST ${CMAKE_CURRENT_SOURCE_DIR}/apps/drivers/device_boot_test.py)
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
