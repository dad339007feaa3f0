// virtio-mmio slots from the DSDT. QEMU microvm (with ACPI, its default) describes each
// slot as a device with _HID "LNRO0005" whose _CRS holds a Memory32Fixed window and an
// extended interrupt. This is not an AML interpreter: it finds each such _HID and reads
// the first two resource descriptors of those kinds before the next device's _HID, every
// length checked against the table.
#pragma once

#include <cstddef>
#include <cstdint>

#include <cairn/kernel/platform_devices.h>

namespace cairn::platform {

// Fills `out` with up to `capacity` slots found in the AML; returns how many.
std::size_t find_virtio_mmio_slots(const std::uint8_t* aml, std::size_t length, VirtioMmioSlot* out,
                                   std::size_t capacity);

}  // namespace cairn::platform
