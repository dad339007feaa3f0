// Devices the firmware describes, as the platform found them. The kernel and drivers
// ask; the platform (platform/kvm: ACPI) answers.
#pragma once

#include <cstdint>
#include <span>

namespace cairn::platform {

// A virtio-mmio slot: its register window and the GSI its interrupt arrives on.
struct VirtioMmioSlot {
  std::uint64_t base;
  std::uint64_t size;
  std::uint32_t gsi;
};

// The virtio-mmio slots the firmware lists (QEMU microvm with ACPI describes them in the
// DSDT instead of the `virtio_mmio.device=` command-line entries). Empty when there are
// none. A slot may be empty: probing its registers says.
std::span<const VirtioMmioSlot> virtio_mmio_slots();

}  // namespace cairn::platform
