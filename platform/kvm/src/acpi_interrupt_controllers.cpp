// platform::interrupt_controllers() on QEMU/KVM: the ACPI MADT, read on first use (the
// tables stay in memory the firmware reserved, so the answer can be kept).
#include <cstdint>

#include <cairn/kernel/console.h>
#include <cairn/kernel/interrupt_controllers.h>

#include "acpi_tables.h"
#include "madt.h"

namespace cairn::platform {

extern std::uint64_t boot_rsdp;  // power.cpp; set from the PVH start info before any initcall

namespace {

InterruptControllers controllers;
bool looked = false;
bool found = false;

}  // namespace

const InterruptControllers* interrupt_controllers() {
  if (!looked) {
    looked = true;
    if (const acpi::SdtHeader* madt = acpi::find_table(boot_rsdp, "APIC")) {
      Result<InterruptControllers> parsed =
          parse_madt(reinterpret_cast<const std::uint8_t*>(madt), madt->length);
      if (parsed) {
        controllers = parsed.value();
        found = true;
      } else {
        kwarn("ACPI MADT: %s (assuming a PC's interrupt controllers)", parsed.error().message());
      }
    }
  }
  return found ? &controllers : nullptr;
}

}  // namespace cairn::platform
