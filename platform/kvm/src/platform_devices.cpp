// The platform's answers to cairn/kernel/platform_devices.h, from the ACPI tables.
#include <cairn/kernel/platform_devices.h>

#include "acpi_tables.h"
#include "acpi_virtio_mmio.h"

namespace cairn::platform {

extern std::uint64_t boot_rsdp;  // power.cpp; set from the PVH start info

std::span<const VirtioMmioSlot> virtio_mmio_slots() {
  static VirtioMmioSlot slots[32];
  static std::size_t count = [] {
    const acpi::SdtHeader* dsdt = acpi::find_dsdt(boot_rsdp);
    if (!dsdt) return std::size_t{0};
    return find_virtio_mmio_slots(reinterpret_cast<const std::uint8_t*>(dsdt + 1),
                                  dsdt->length - sizeof(acpi::SdtHeader), slots, 32);
  }();
  return {slots, count};
}

}  // namespace cairn::platform
