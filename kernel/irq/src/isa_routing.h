// From an ISA IRQ to the IOAPIC input (GSI) it arrives on, with its trigger mode and
// polarity, following the firmware's interrupt source overrides. Pure functions on an
// InterruptControllers description, so they run in host unit tests.
#pragma once

#include <cstdint>

#include <cairn/irq/irq.h>
#include <cairn/kernel/interrupt_controllers.h>
#include <cairn/kernel/result.h>

namespace cairn::irq {

// What a PC without firmware tables has: one IOAPIC at 0xfec00000 for GSIs 0..23, ISA
// IRQ n on GSI n, and the 8259 PICs.
InterruptControllers default_pc_interrupt_controllers();

struct GsiRoute {
  std::uint32_t gsi;
  Trigger trigger;
  Polarity polarity;
};

// EINVAL for an IRQ above 15, or one whose GSI an override gave to another ISA IRQ.
Result<GsiRoute> isa_route(const InterruptControllers& controllers, std::uint8_t isa_irq);

}  // namespace cairn::irq
