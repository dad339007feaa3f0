// The interrupt controllers the firmware describes (on PCs: the ACPI MADT), in the
// form the interrupt layer needs. The platform finds them; kernel/irq programs them.
#pragma once

#include <cstdint>

namespace cairn {

struct IoApicDescription {
  std::uint8_t id;
  std::uint32_t address;   // physical MMIO base
  std::uint32_t gsi_base;  // global system interrupt of its input 0
};

// An ISA interrupt that is not wired to the IOAPIC input of the same number, or not
// edge-triggered active-high (e.g. the PIT's IRQ 0 on GSI 2, SCI level/low on GSI 9).
struct IsaOverride {
  std::uint8_t isa_irq;
  std::uint32_t gsi;
  bool level_triggered;
  bool active_low;
};

struct InterruptControllers {
  static constexpr int kMaxIoApics = 8;
  static constexpr int kMaxOverrides = 16;

  std::uint64_t local_apic_address = 0;  // as the firmware says; IA32_APIC_BASE rules
  bool has_8259 = false;                 // legacy PICs present (to be masked)
  IoApicDescription io_apics[kMaxIoApics] = {};
  int io_apic_count = 0;
  IsaOverride overrides[kMaxOverrides] = {};
  int override_count = 0;
};

namespace platform {

// The firmware's description, or null when it gives none (then the interrupt layer
// assumes a PC: one IOAPIC at 0xfec00000 with GSI base 0, ISA IRQ n on GSI n). May be
// called from any initcall level after `console`; the answer never changes.
const InterruptControllers* interrupt_controllers();

}  // namespace platform
}  // namespace cairn
