// virtio-mmio discovery: one device per `virtio_mmio.device=` command-line entry (how
// Firecracker, and QEMU microvm without ACPI, describe them) and per slot the firmware
// lists (QEMU microvm with ACPI: the DSDT). Empty slots are skipped quietly, anything
// malformed gets a warning; a slot found both ways is probed once.
#include <errno.h>

#include <cairn/kernel/cmdline.h>
#include <cairn/kernel/console.h>
#include <cairn/kernel/initcall.h>
#include <cairn/kernel/platform_devices.h>
#include <cairn/virtio/driver.h>

#include "mmio_spec.h"
#include "mmio_transport.h"

namespace cairn::virtio {
namespace {

void probe(const MmioDeviceSpec& spec, const char* where) {
  auto transport = MmioTransport::probe(spec);
  if (!transport) {
    if (transport.error().code() != ENODEV)
      kwarn("virtio-mmio at 0x%lx (%s): %s", static_cast<unsigned long>(spec.base), where,
            transport.error().message());
    return;
  }
  add_device(*transport.value());
}

void discover_mmio_devices() {
  constexpr std::size_t kMaxSeen = 64;
  std::uint64_t seen[kMaxSeen];
  std::size_t seen_count = 0;
  auto first_time = [&](std::uint64_t base) {
    for (std::size_t i = 0; i < seen_count; ++i)
      if (seen[i] == base) return false;
    if (seen_count < kMaxSeen) seen[seen_count++] = base;
    return true;
  };
  for (std::string_view entry : kernel_command_line().virtio_mmio_devices()) {
    auto spec = parse_mmio_spec(entry);
    if (!spec) {
      kwarn("virtio_mmio.device=%s: %s (ignored)", entry.data(), spec.error().message());
      continue;
    }
    if (first_time(spec.value().base)) probe(spec.value(), "command line");
  }
  for (const platform::VirtioMmioSlot& slot : platform::virtio_mmio_slots())
    if (first_time(slot.base)) probe({slot.base, slot.size, slot.gsi}, "ACPI");
}
CAIRN_INITCALL(bus, discover_mmio_devices);

}  // namespace
}  // namespace cairn::virtio
